#!/usr/bin/env bash
# Benchmark: tar import and export of a Debian minbase root, jimg against systemd-import/systemd-export (and
# GNU tar --zstd, since systemd 252 cannot read zstd), in the same run, on a fresh loop-mounted btrfs.
# Prints wall time, peak resident memory and the ratio jimg/other for each format. Not part of the test suite.
#
#   bench/tar.sh [ROUNDS]   # debootstraps a minbase root into $BENCH_DIR once and reuses it
#   BENCH_DIR=/var/tmp/jimg-bench JIMG_JAVA_OPTS="-Xlog:gc" bench/tar.sh   # extra JVM options for bin/jimg
#
# Each row is the median of ROUNDS (default 3) rounds that alternate which tool goes first: this machine's speed
# drifts by 10-20 % within an hour and the same command's time spreads by a third between runs, so a single run
# decides nothing near a ratio of 1. The xz export, far from 1 and minutes long, runs once.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[[ $(id -u) -eq 0 ]] || { echo "bench/tar.sh: run as root" >&2; exit 1; }

BENCH_DIR=${BENCH_DIR:-/var/tmp/jimg-bench}
ROUNDS=${1:-3}
export JIMG_JAVA_OPTS=${JIMG_JAVA_OPTS:-}
IMPORT=/lib/systemd/systemd-import
EXPORT=/lib/systemd/systemd-export
mkdir -p "$BENCH_DIR"
source bench/mirror.sh

# Inputs, made once: the root, its tar, and the three compressions the issue names.
if [[ ! -d $BENCH_DIR/root/usr ]]; then
  debootstrap --variant=minbase bookworm "$BENCH_DIR/root" "$(debian_mirror)" >"$BENCH_DIR/debootstrap.log"
fi
[[ -f $BENCH_DIR/root.tar ]] ||
  tar --numeric-owner --xattrs --xattrs-include='*' --acls --sparse -C "$BENCH_DIR/root" -cf "$BENCH_DIR/root.tar" .
[[ -f $BENCH_DIR/root.tar.gz ]] || gzip -6 -k "$BENCH_DIR/root.tar"
[[ -f $BENCH_DIR/root.tar.xz ]] || xz -T2 -6 -k "$BENCH_DIR/root.tar"
[[ -f $BENCH_DIR/root.tar.zst ]] || zstd -q -19 -T2 "$BENCH_DIR/root.tar" -o "$BENCH_DIR/root.tar.zst"

# bin/jimg as a user runs it (class-data archive, C2 for an xz export), built first so that no run pays for the
# build; `jimg` below is it, on the benchmark's pool.
bin/jimg --version >/dev/null
WRAPPER=$(mktemp -d)
printf '#!/bin/sh\nexec %s/bin/jimg -q --image-root="$M" "$@"\n' "$PWD" >"$WRAPPER/jimg"
chmod +x "$WRAPPER/jimg"
PATH=$WRAPPER:$PATH

SCRATCH=$(mktemp -d /var/tmp/jimg-bench-fs.XXXXXX)
truncate -s 4G "$SCRATCH/btrfs.img"
mkfs.btrfs -q -f "$SCRATCH/btrfs.img" >/dev/null
mkdir "$SCRATCH/mnt"
mount -o loop "$SCRATCH/btrfs.img" "$SCRATCH/mnt"
cleanup() { umount "$SCRATCH/mnt" 2>/dev/null || umount -l "$SCRATCH/mnt"; rm -rf "$SCRATCH" "$WRAPPER"; }
trap cleanup EXIT
M=$SCRATCH/mnt
export M

# run LABEL COMMAND...: prints "seconds peak-KiB cpu-seconds" for one run, after removing what an earlier run
# of the same row made and dropping what it left behind: the images it removed, which btrfs's cleaner would
# otherwise drop during this run (a commit wakes the cleaner, and subvolume sync waits for it), its dirty pages and
# the page cache.
run() {
  local label=$1; shift
  rm -rf "$M/jimg" "$M/other" "$SCRATCH"/jimg.tar* "$SCRATCH"/other.tar*
  btrfs filesystem sync "$M" && btrfs subvolume sync "$M" >/dev/null
  sync; echo 3 >/proc/sys/vm/drop_caches
  /usr/bin/time -f '%e %M %U %S' -o "$SCRATCH/time" "$@" >/dev/null 2>"$SCRATCH/err" ||
    { echo "$label failed:" >&2; cat "$SCRATCH/err" >&2; exit 1; }
  awk '{ print $1, $2, $3 + $4 }' "$SCRATCH/time"
}

echo "rounds: $ROUNDS; extra JVM options: ${JIMG_JAVA_OPTS:-none}; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-22s %9s %9s %9s %9s %9s %11s %11s  %s\n' operation jimg-s other-s ratio jimg-cpu other-cpu jimg-MiB other-MiB \
  'runs: jimg / other'
# compare LABEL N COMMAND...: the first N words are jimg's command, the rest the other tool's, ROUNDS times each,
# jimg first in odd rounds and second in even ones. Prints the medians of wall and CPU time (user+sys seconds,
# children included: the tar and compressors systemd's tools run), their ratio, the largest peak memory, and each
# run's wall time, so that the spread behind a median shows.
compare() {
  local label=$1 n=$2 round
  shift 2
  : >"$SCRATCH/jimg.runs"
  : >"$SCRATCH/other.runs"
  for ((round = 1; round <= ROUNDS; round++)); do
    if ((round % 2)); then
      run "jimg $label" "${@:1:n}" >>"$SCRATCH/jimg.runs"
      run "other $label" "${@:n+1}" >>"$SCRATCH/other.runs"
    else
      run "other $label" "${@:n+1}" >>"$SCRATCH/other.runs"
      run "jimg $label" "${@:1:n}" >>"$SCRATCH/jimg.runs"
    fi
  done
  python3 - "$label" "$SCRATCH/jimg.runs" "$SCRATCH/other.runs" <<'PY'
import statistics, sys
label, runs = sys.argv[1], [[list(map(float, l.split())) for l in open(f)] for f in sys.argv[2:]]
(jw, jc), (ow, oc) = [(statistics.median(r[0] for r in rs), statistics.median(r[2] for r in rs)) for rs in runs]
jm, om = [max(r[1] for r in rs) / 1024 for rs in runs]
spread = " / ".join(" ".join(f"{r[0]:.2f}" for r in rs) for rs in runs)
print(f"{label:<22} {jw:9.2f} {ow:9.2f} {jw / ow:9.2f} {jc:9.2f} {oc:9.2f} {jm:11.1f} {om:11.1f}  {spread}")
PY
}

for f in root.tar root.tar.gz root.tar.xz; do
  compare "import $f" 4 jimg import-tar "$BENCH_DIR/$f" jimg \
    "$IMPORT" --image-root="$M" tar "$BENCH_DIR/$f" other
done
compare "import root.tar.zst" 4 jimg import-tar "$BENCH_DIR/root.tar.zst" jimg \
  bash -c "mkdir $M/other && tar --numeric-owner --xattrs --xattrs-include='*' --zstd -xpf $BENCH_DIR/root.tar.zst -C $M/other"
# The same, with GNU tar's tree flushed to disk as jimg's import and systemd-import flush theirs (syncfs) before
# they return: the like-for-like job.
compare "import .zst, tar synced" 4 jimg import-tar "$BENCH_DIR/root.tar.zst" jimg \
  bash -c "mkdir $M/other && tar --numeric-owner --xattrs --xattrs-include='*' --zstd -xpf $BENCH_DIR/root.tar.zst -C $M/other && sync -f $M/other"

"$IMPORT" --image-root="$M" tar "$BENCH_DIR/root.tar" image >/dev/null 2>&1
for suffix in "" .gz .xz; do
  format=$([[ -z $suffix ]] && echo uncompressed || { [[ $suffix == .gz ]] && echo gzip || echo xz; })
  rounds=$([[ $suffix == .xz ]] && echo 1 || echo "$ROUNDS")
  ROUNDS=$rounds compare "export tar$suffix" 4 jimg export-tar image "$SCRATCH/jimg.tar$suffix" \
    "$EXPORT" --format="$format" tar "$M/image" "$SCRATCH/other.tar$suffix"
done
compare "export tar.zst" 4 jimg export-tar image "$SCRATCH/jimg.tar.zst" \
  tar --numeric-owner --xattrs --xattrs-include='*' --zstd -C "$M/image" -cf "$SCRATCH/other.tar.zst" .
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
