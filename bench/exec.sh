#!/usr/bin/env bash
# What a test with @EphemeralRoot and root.exec pays per test, in-process: acquire an ephemeral root of a Debian
# minbase on btrfs (a snapshot), run /bin/true in it, release it; with the chroot engine (CI's default) and
# systemd-nspawn.
# Usage (as root): bench/exec.sh [ROUNDS]
source "$(dirname "$0")/lib.sh"
need btrfs systemd-nspawn setpriv unshare
rounds=${1:-100}

root=$(debian_minbase)
classpath=$(jimg_classpath)
btrfs_fs=$(mount_loop btrfs 4G)
pool=$btrfs_fs/pool
mkdir -p "$pool" /run/systemd/nspawn
btrfs -q subvolume create "$pool/debian"
cp -a "$root/." "$pool/debian/"
sync

for engine in chroot nspawn; do
  btrfs subvolume sync "$btrfs_fs" >/dev/null
  java -Djnr.ffi.asm.enabled=false -cp "$classpath" "$BENCH_DIR/java/ExecLatency.java" "$pool" debian "$rounds" "$engine"
done
