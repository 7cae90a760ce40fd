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
# A deleted snapshot stays in the extent tree until btrfs's cleaner drops it (the cleaner wakes with the periodic
# commit, every 30 s), and each one still there holds a back-reference on every block of the source's tree that
# the next snapshot must update: 100 of them cost a snapshot of this root 2-3x its settled time. Each contender
# therefore starts on a settled filesystem, so that neither pays for the other's deletions; two rounds each,
# alternating, since this machine's I/O is shared.
settle() {
  btrfs subvolume sync "$fs" >/dev/null
  sync -f "$fs"
}
median_us() { sed -E 's/.*median ([0-9]+) us.*/\1/' <<<"$1"; }
for pass in 1 2; do
  settle
  probe=$("$SCRATCH/snapprobe" "$pool/debian" "$pool" "$rounds")
  echo "$probe"
  settle
  inprocess=$(java -cp "$classpath" "$BENCH_DIR/java/SnapshotLatency.java" "$pool/debian" "$pool" "$rounds")
  echo "$inprocess"
  echo "in-process / C probe (median), pass $pass: $(ratio "$(median_us "$inprocess")" "$(median_us "$probe")")x"
done
settle

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
