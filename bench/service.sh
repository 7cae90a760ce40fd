#!/usr/bin/env bash
# Benchmark: jimg serve. Whole-process latency of varlinkctl calls (List of a pool of 100 images, Clone), jimg list
# through the service against jimg list in its own process, imports and exports of a Debian minbase root from the
# CLI through the service against systemd-import/systemd-export and GNU tar --zstd (+ sync -f), page cache dropped
# before each run as bench/tar.sh does, and a load run (64 clients x 500 calls of List/Clone/Remove) with the
# service's descriptors and resident size before and after. Not part of the test suite.
#
#   bench/service.sh [ROUNDS]    # ROUNDS (default 3) alternating runs per import/export row; 20 runs per latency row
#   LOAD_CALLS=30 bench/service.sh   # calls per client in the load run (default 500): each Clone and Remove of a
#                                    # snapshot commits a btrfs transaction, minutes for 64 x 500 on a busy disk
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[[ $(id -u) -eq 0 ]] || { echo "bench/service.sh: run as root" >&2; exit 1; }
need mkfs.btrfs zstd tar
ROUNDS=${1:-3}
LATENCY_RUNS=20
IMPORT=/lib/systemd/systemd-import
EXPORT=/lib/systemd/systemd-export
VARLINKCTL=${JIMG_VARLINKCTL:-$("$REPO/bin/setup-varlinkctl")}
classpath=$(jimg_classpath)
root=$(debian_minbase)
tar --numeric-owner --xattrs --xattrs-include='*' --acls --sparse -C "$root" -cf "$SCRATCH/root.tar" .
zstd -q -19 -T2 "$SCRATCH/root.tar" -o "$SCRATCH/root.tar.zst"
M=$(mount_loop btrfs 6G)
socket=$SCRATCH/jimg.sock
address=unix:$socket

"$REPO/bin/jimg" -q --image-root="$M" serve --socket "$socket" 2>"$SCRATCH/serve.log" &
serve_pid=$!
trap 'kill "$serve_pid" 2>/dev/null; wait "$serve_pid" 2>/dev/null; cleanup' EXIT
until "$VARLINKCTL" info "$address" >/dev/null 2>&1; do
  kill -0 "$serve_pid" || { cat "$SCRATCH/serve.log" >&2; exit 1; }
done
export JIMG_SERVICE_SOCKET=$socket
jimg() { "$REPO/bin/jimg" -q --image-root="$M" "$@"; }

# median_ms COMMAND...: the median wall time of LATENCY_RUNS runs, in milliseconds.
median_ms() {
  local i start end
  for ((i = 0; i < LATENCY_RUNS; i++)); do
    start=$(date +%s%N)
    "$@" >/dev/null
    end=$(date +%s%N)
    echo $(((end - start) / 1000))
  done | sort -n | awk '{ a[NR] = $1 } END { printf "%.1f", (a[int((NR + 1) / 2)] + a[int(NR / 2) + 1]) / 2000 }'
}

# The pool: the root once, then 99 snapshots of it.
jimg import-tar "$SCRATCH/root.tar" base
for i in $(seq 1 99); do
  "$VARLINKCTL" call "$address" io.systemd.MachineImage.Clone "{\"name\":\"base\",\"newName\":\"image$i\"}" >/dev/null
done
echo "pool: $(ls "$M" | grep -vc '\.origin$') images on btrfs; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

printf '%-34s %10s %10s %7s\n' operation jimg-ms other-ms ratio
# varlinkctl's own floor: it runs through Debian 13's loader here (see bin/setup-varlinkctl), a cost no service has.
floor=$(median_ms "$VARLINKCTL" call "$address" org.varlink.service.GetInfo '{}')
printf '%-34s %10s %10s %7s   varlinkctl and one call, the floor of the rows below\n' "varlinkctl GetInfo" "$floor" - -
list=$(median_ms "$VARLINKCTL" call --more "$address" io.systemd.MachineImage.List '{}')
printf '%-34s %10s %10s %7s   target < 20 ms\n' "varlinkctl List, 100 images" "$list" - -
clones=0
clone_next() {
  clones=$((clones + 1)) # in median_ms's subshell: a new name each run
  "$VARLINKCTL" call "$address" io.systemd.MachineImage.Clone "{\"name\":\"base\",\"newName\":\"timed$clones\"}"
}
clone=$(median_ms clone_next)
printf '%-34s %10s %10s %7s   target < 30 ms\n' "varlinkctl Clone" "$clone" - -
for i in $(seq 1 "$LATENCY_RUNS"); do jimg remove "timed$i"; done
served=$(median_ms jimg list)
local_list=$(median_ms jimg --no-service list)
printf '%-34s %10s %10s %7s   (other: jimg --no-service list)\n' "jimg list via service, 100 images" "$served" \
  "$local_list" "$(ratio "$served" "$local_list")"

# timed COMMAND...: wall seconds of one run, after removing the last run's output and dropping the page cache.
timed() {
  jimg remove jimg 2>/dev/null || true
  rm -rf "$M/other" "$SCRATCH"/out.tar*
  btrfs filesystem sync "$M" && btrfs subvolume sync "$M" >/dev/null
  sync; echo 3 >/proc/sys/vm/drop_caches
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>"$SCRATCH/err" || { echo "failed: $*" >&2; cat "$SCRATCH/err" >&2; exit 1; }
  end=$(date +%s%N)
  awk -v ns=$((end - start)) 'BEGIN { printf "%.2f\n", ns / 1e9 }'
}
# row LABEL N COMMAND...: the first N words are jimg's command, the rest the other tool's; ROUNDS runs each,
# alternating which goes first; prints the medians in seconds and their ratio.
row() {
  local label=$1 n=$2 round jimg_runs=() other_runs=()
  shift 2
  for ((round = 1; round <= ROUNDS; round++)); do
    if ((round % 2)); then
      jimg_runs+=("$(timed "${@:1:n}")") other_runs+=("$(timed "${@:n+1}")")
    else
      other_runs+=("$(timed "${@:n+1}")") jimg_runs+=("$(timed "${@:1:n}")")
    fi
  done
  local j o
  j=$(printf '%s\n' "${jimg_runs[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  o=$(printf '%s\n' "${other_runs[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
  printf '%-34s %10s %10s %7s   s; runs %s / %s\n' "$label" "$j" "$o" "$(ratio "$j" "$o")" "${jimg_runs[*]}" \
    "${other_runs[*]}"
}
TAR_X=(tar --numeric-owner --xattrs --xattrs-include='*' --zstd)
row "import tar via service" 4 jimg import-tar "$SCRATCH/root.tar" jimg \
  "$IMPORT" --image-root="$M" tar "$SCRATCH/root.tar" other
row "import tar.zst via service" 4 jimg import-tar "$SCRATCH/root.tar.zst" jimg \
  bash -c "mkdir $M/other && ${TAR_X[*]} -xpf $SCRATCH/root.tar.zst -C $M/other && sync -f $M/other"
row "export tar via service" 4 jimg export-tar base "$SCRATCH/out.tar" \
  "$EXPORT" --format=uncompressed tar "$M/base" "$SCRATCH/out.tar"
row "export tar.zst via service" 4 jimg export-tar base "$SCRATCH/out.tar.zst" \
  bash -c "${TAR_X[*]} -C $M/base -cf $SCRATCH/out.tar.zst . && sync -f $SCRATCH"

state() { echo "fds $(ls "/proc/$serve_pid/fd" | wc -l), RSS $(awk '/VmRSS/ { print $2 / 1024 " MiB" }' "/proc/$serve_pid/status")"; }
echo "service before the load run: $(state)"
java -cp "$classpath" "$BENCH_DIR/java/ServiceLoad.java" "$socket" base 64 "${LOAD_CALLS:-500}"
echo "service after the load run:  $(state)"
echo "pool after the load run: $(ls "$M" | grep -c '^load-' || true) clones left, $(ls -a "$M" | grep -c '^\.#' || true) temporaries"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
