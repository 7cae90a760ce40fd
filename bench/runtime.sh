#!/usr/bin/env bash
# Prepared roots, measured in one run: ephemeral create+destroy in-process (btrfs snapshot, overlayfs on ext4),
# whole-process `jimg run -x NAME -- /bin/true` with both engines beside `systemd-nspawn -x`, and
# `jimg provision` of 100 images beside a shell loop of `btrfs subvolume snapshot`.
# Usage (as root): bench/runtime.sh [ROUNDS]
source "$(dirname "$0")/lib.sh"
need hyperfine btrfs systemd-nspawn setpriv unshare python3
rounds=${1:-200}

root=$(debian_minbase)
classpath=$(jimg_classpath)
btrfs_fs=$(mount_loop btrfs 4G)
ext4_fs=$(mount_loop ext4 2G)
pool=$btrfs_fs/pool
mkdir -p "$pool" "$ext4_fs/pool"
btrfs -q subvolume create "$pool/debian"
cp -a "$root/." "$pool/debian/"
mkdir "$ext4_fs/pool/debian"
cp -a "$root/." "$ext4_fs/pool/debian/"
mkdir -p /run/systemd/nspawn
sync
echo "image: $(du -sh --apparent-size "$pool/debian" | cut -f1) Debian minbase, $(find "$pool/debian" | wc -l) entries"

latency() {
  java -Djnr.ffi.asm.enabled=false -cp "$classpath" "$BENCH_DIR/java/EphemeralLatency.java" "$@"
}
latency "$pool" debian "$rounds" SNAPSHOT
latency "$ext4_fs/pool" debian "$rounds" OVERLAY

mean_ms() {
  python3 -c '
import json, sys
for f in sys.argv[1:]:
    for r in json.load(open(f))["results"]:
        print("  %-75s %7.0f ms (+- %.0f), median %.0f ms" % (r["command"][-75:], r["mean"] * 1000, r["stddev"] * 1000,
              r["median"] * 1000))' "$@"
}

# Each ephemeral run on btrfs leaves a deleted snapshot that btrfs's cleaner drops only at its next pass, and each
# one still there makes the next snapshot's commit larger (see bench/README.md): every command therefore starts on
# a settled filesystem, so that none pays for the deletions of the one before.
echo "whole process, ephemeral run of /bin/true:"
runs=()
for command in \
  "$REPO/bin/jimg --image-root=$pool run -x --engine=nspawn debian -- /bin/true" \
  "$REPO/bin/jimg --image-root=$pool run -x --engine=chroot debian -- /bin/true" \
  "systemd-nspawn -q -x -D $pool/debian --register=no --keep-unit --as-pid2 /bin/true" \
  "$REPO/bin/jimg --image-root=$ext4_fs/pool run -x --engine=chroot debian -- /bin/true" \
  "systemd-nspawn -q -x -D $ext4_fs/pool/debian --register=no --keep-unit --as-pid2 /bin/true"; do
  btrfs subvolume sync "$btrfs_fs" >/dev/null
  sync
  runs+=("$SCRATCH/run-${#runs[@]}.json")
  hyperfine --warmup 3 --runs 20 --export-json "${runs[-1]}" "$command" >/dev/null
done
mean_ms "${runs[@]}"

echo "provisioning 100 images from one template:"
# A script, not an exported function: hyperfine's shell (sh) drops exported bash functions.
cat > "$SCRATCH/clean-fleet" <<EOF
#!/usr/bin/env bash
shopt -s nullglob
for s in "$pool"/p[0-9]* "$pool"/s[0-9]*; do
  if [ -d "\$s" ]; then btrfs -q subvolume delete "\$s" >/dev/null; fi
done
rm -f "$pool"/p[0-9]*.nspawn
EOF
chmod +x "$SCRATCH/clean-fleet"
btrfs subvolume sync "$btrfs_fs" >/dev/null
hyperfine --runs 5 --export-json "$SCRATCH/provision.json" --prepare "$SCRATCH/clean-fleet" \
  "$REPO/bin/jimg --image-root=$pool provision debian --count 100 --prefix p" \
  "bash -c 'for i in \$(seq 100); do btrfs -q subvolume snapshot $pool/debian $pool/s\$i >/dev/null; done'" >/dev/null
mean_ms "$SCRATCH/provision.json"
"$SCRATCH/clean-fleet"
