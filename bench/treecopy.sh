#!/usr/bin/env bash
# TreeCopy (the fallback where no snapshot can be made) against cp -a, on tmpfs, on ext4 (kernel copies the data) and on
# xfs with reflink (FICLONE), with a Debian minbase root as the source on the same filesystem.
# Usage (as root): bench/treecopy.sh [ROUNDS]
source "$(dirname "$0")/lib.sh"
need hyperfine mvn
rounds=${1:-5}

root=$(debian_minbase)
(cd "$REPO" && mvn -q -o -pl btrfs compile dependency:build-classpath -Dmdep.outputFile="$SCRATCH/cp.txt" >/dev/null)
classpath="$REPO/btrfs/target/classes:$(cat "$SCRATCH/cp.txt")"

for type in tmpfs ext4 xfs; do
  if [ "$type" = tmpfs ]; then
    fs=$SCRATCH/tmpfs
    mkdir -p "$fs"
    mount -t tmpfs -o size=1g tmpfs "$fs"
  else
    fs=$(mount_loop "$type" 2G)
  fi
  cp -a "$root/." "$fs/source/"
  mkdir "$fs/target"
  sync
  echo "$type: source $(du -sh --apparent-size "$fs/source" | cut -f1), $(find "$fs/source" | wc -l) entries"
  java -Djnr.ffi.asm.enabled=false -cp "$classpath" "$BENCH_DIR/java/TreeCopyThroughput.java" \
    "$fs/source" "$fs/target" "$rounds"
  reflink=$([ "$type" = xfs ] && echo always || echo never)
  # Wall time swings with the machine's load; the CPU time (user + system) is the steadier comparison.
  hyperfine --warmup 1 --runs "$rounds" --prepare "rm -rf $fs/target/cp; sync" \
    "cp -a --reflink=$reflink $fs/source $fs/target/cp" | grep -E 'Time' | sed "s/^/$type cp -a: /"
done
