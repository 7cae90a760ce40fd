# Shared set-up for the benchmarks: a cached Debian minbase root and scratch loop-mounted filesystems.
# Sourced by the bench scripts; everything made here is removed by cleanup on exit.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$BENCH_DIR")
ROOTS=/var/tmp/jimg-test-roots
SCRATCH=$(mktemp -d /var/tmp/jimg-bench.XXXXXX)
source "$BENCH_DIR/mirror.sh"

# Everything mounted below $SCRATCH goes, deepest first: mount_loop runs in command substitutions, so a list
# kept in a shell variable would miss its mounts.
cleanup() {
  awk -v scratch="$SCRATCH/" 'index($2, scratch) == 1 { print $2 }' /proc/mounts | sort -r |
    while read -r mounted; do umount -l "$mounted" 2>/dev/null || true; done
  rm -rf "$SCRATCH"
}
trap cleanup EXIT

need() {
  local tool
  for tool in "$@"; do
    command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install it)" >&2; exit 1; }
  done
}

# The same cache the tests use (io.jimg.btrfs.testing.DebianRoot): a debootstrap minbase root, built once.
debian_minbase() {
  local root=$ROOTS/minbase
  if [ ! -d "$root" ]; then
    need debootstrap
    mkdir -p "$ROOTS"
    local building
    building=$(mktemp -d "$ROOTS/.build-minbase-XXXXXX")
    echo "bench: building the Debian minbase root (about a minute)" >&2
    debootstrap --variant=minbase bookworm "$building" "$(debian_mirror)" >/dev/null
    mv -T "$building" "$root"
  fi
  echo "$root"
}

# mount_loop TYPE SIZE: a fresh filesystem of TYPE (btrfs, ext4, xfs) on a sparse file; prints its mount point.
mount_loop() {
  local type=$1 size=$2 image=$SCRATCH/$1-$RANDOM.img mnt=$SCRATCH/$1-$RANDOM
  truncate -s "$size" "$image"
  case "$type" in
    btrfs) mkfs.btrfs -q "$image" >/dev/null ;;
    ext4) mkfs.ext4 -q "$image" ;;
    xfs) mkfs.xfs -q -m reflink=1 "$image" ;;
  esac
  mkdir -p "$mnt"
  mount -o loop "$image" "$mnt"
  echo "$mnt"
}

# The runtime class path of the built CLI, building it first if needed.
jimg_classpath() {
  "$REPO/bin/jimg" --version >/dev/null
  echo "$REPO/cli/target/jimg.jar:$REPO/cli/target/lib/*"
}

ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'
}

# interleave PREPARE COMMAND...: runs each command ROUNDS times, PREPARE (a shell command: clearing the pool, say)
# before each run, rotating which goes first from round to round (this machine's speed drifts within the hour, and
# a block of one command's runs would meet another speed than the next command's), and prints their median wall
# times ("1.234 s"), one per line, each followed by its runs' times in brackets.
interleave() {
  python3 - "$1" "$ROUNDS" "${@:2}" <<'PY'
import statistics, subprocess, sys, time
prepare, rounds, commands = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
times = [[] for _ in commands]
for r in range(rounds):
    for i in [(r + k) % len(commands) for k in range(len(commands))]:
        subprocess.run(prepare, shell=True, check=True, stdout=subprocess.DEVNULL)
        start = time.monotonic()
        done = subprocess.run(commands[i], shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        times[i].append(time.monotonic() - start)
        if done.returncode != 0:
            sys.exit(f"bench: failed: {commands[i]}\n{done.stderr.decode(errors='replace')}")
for t in times:
    print(f"{statistics.median(t):.3f} s ({' '.join(f'{x:.2f}' for x in t)})")
PY
}
