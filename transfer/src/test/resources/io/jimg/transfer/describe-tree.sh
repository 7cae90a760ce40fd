#!/bin/bash
# Describes a tree with tools that are not jimg's, one line per entry and one per xattr, so that two trees can
# be compared as text: type, mode, owner, links, nanosecond mtime, devices, content digests, link targets.
set -euo pipefail
cd "$1"
export TZ=UTC LC_ALL=C
declare -A first
find . -print0 | LC_ALL=C sort -z | while IFS= read -r -d '' p; do
  line=$(stat --printf='%F|%a|%u|%g|%y' -- "$p")
  case $(stat --printf='%F' -- "$p") in
    "regular file"|"regular empty file")
      ino=$(stat --printf='%i' -- "$p")
      if [[ -n ${first[$ino]:-} ]]; then line="$line|hardlink to ${first[$ino]}"
      else first[$ino]=$p; line="$line|$(stat --printf='%s|%h' -- "$p")|$(md5sum < "$p" | cut -c1-32)"; fi ;;
    "symbolic link") line="$line|-> $(readlink -- "$p")" ;;
    "character special file"|"block special file") line="$line|$(stat --printf='%t:%T' -- "$p")" ;;
  esac
  printf '%q %s\n' "$p" "$line"
  getfattr -d -m- -h -e hex -- "$p" 2>/dev/null | grep -v '^# file' | grep -v '^$' | sed 's/^/    /' || true
done
