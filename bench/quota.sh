#!/usr/bin/env bash
# `jimg provision debian --count 100` on a filesystem with quotas on: without quotas, with full qgroups (what
# `set-limit` switched on before simple quotas, forced here with `btrfs quota enable`) and with what `set-limit`
# switches on now (simple quotas where the kernel has them). Each mode on a fresh filesystem, twice: the second
# round after the first 100 were deleted, when qgroups of deleted subvolumes slow a pool that keeps them.
# Usage (as root): bench/quota.sh
source "$(dirname "$0")/lib.sh"
need btrfs python3

root=$(debian_minbase)
"$REPO/bin/jimg" --version >/dev/null
echo "kernel $(uname -r), image: Debian minbase, $(find "$root" | wc -l) entries"

seconds() {
  local start end
  start=$(date +%s.%N)
  "$@" >/dev/null
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }'
}

for mode in none full set-limit; do
  fs=$(mount_loop btrfs 4G)
  pool=$fs/pool
  btrfs -q subvolume create "$pool"
  btrfs -q subvolume create "$pool/debian"
  case "$mode" in
    full) btrfs quota enable "$fs" && btrfs quota rescan -w "$fs" >/dev/null ;;
  esac
  cp -a "$root/." "$pool/debian/"
  if [ "$mode" != none ]; then
    "$REPO/bin/jimg" --image-root="$pool" set-limit debian 4G 2>&1 | sed 's/^/  /'
  fi
  sync
  first=$(seconds "$REPO/bin/jimg" --image-root="$pool" provision debian --count 100 --prefix p)
  for s in "$pool"/p[0-9]*; do btrfs -q subvolume delete "$s" >/dev/null; done
  rm -f "$pool"/p[0-9]*.nspawn
  btrfs subvolume sync "$fs" >/dev/null
  "$REPO/bin/jimg" --image-root="$pool" list >/dev/null # its sweep drops what the kernel kept
  second=$(seconds "$REPO/bin/jimg" --image-root="$pool" provision debian --count 100 --prefix p)
  groups=$(btrfs qgroup show --raw "$fs" 2>/dev/null | grep -c '^[0-9]' || true)
  printf '  %-10s provision 100: %6s s, again after deleting them: %6s s, qgroups then: %s\n' \
    "$mode" "$first" "$second" "$groups"
done
