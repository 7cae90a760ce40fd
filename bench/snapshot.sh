#!/usr/bin/env bash
# Snapshot latency of a Debian minbase root on btrfs: the raw ioctls (C probe), jimg's engine in-process, and
# whole-process `bin/jimg clone` beside `btrfs subvolume snapshot`, all in one run on one filesystem.
# Usage (as root): bench/snapshot.sh [ROUNDS]
source "$(dirname "$0")/lib.sh"
need gcc hyperfine btrfs
rounds=${1:-200}

root=$(debian_minbase)
classpath=$(jimg_classpath)
fs=$(mount_loop btrfs 4G)
pool=$fs/pool
btrfs -q subvolume create "$pool"
btrfs -q subvolume create "$pool/debian"
cp -a "$root/." "$pool/debian/"
sync
echo "source: $(du -sh --apparent-size "$pool/debian" | cut -f1) Debian minbase, $(find "$pool/debian" | wc -l) entries"

gcc -O2 -o "$SCRATCH/snapprobe" "$BENCH_DIR/probe/snapprobe.c"
probe=$("$SCRATCH/snapprobe" "$pool/debian" "$pool" "$rounds")
echo "$probe"
inprocess=$(java -Djnr.ffi.asm.enabled=false -cp "$classpath" "$BENCH_DIR/java/SnapshotLatency.java" \
  "$pool/debian" "$pool" "$rounds")
echo "$inprocess"
probe_us=$(sed -E 's/.*median ([0-9]+) us.*/\1/' <<<"$probe")
jimg_us=$(sed -E 's/.*median ([0-9]+) us.*/\1/' <<<"$inprocess")
echo "in-process / C probe (median): $(ratio "$jimg_us" "$probe_us")x"

hyperfine --warmup 3 --runs 20 --export-json "$SCRATCH/clone.json" \
  --prepare "btrfs -q subvolume delete $pool/clone >/dev/null 2>&1 || true" \
  "$REPO/bin/jimg --image-root=$pool clone debian clone" \
  "btrfs subvolume snapshot $pool/debian $pool/clone" >/dev/null
read -r jimg_s btrfs_s < <(python3 -c '
import json,sys
r=json.load(open(sys.argv[1]))["results"]
print(r[0]["mean"], r[1]["mean"])' "$SCRATCH/clone.json")
printf 'whole process: bin/jimg clone %.0f ms, btrfs subvolume snapshot %.0f ms, ratio %s\n' \
  "$(awk -v s="$jimg_s" 'BEGIN{print s*1000}')" "$(awk -v s="$btrfs_s" 'BEGIN{print s*1000}')" \
  "$(ratio "$jimg_s" "$btrfs_s")"
