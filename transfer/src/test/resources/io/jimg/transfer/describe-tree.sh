#!/bin/bash
# Describes a tree with tools that are not jimg's (find, stat, md5sum, getfattr), one line per entry and one per
# xattr, sorted, so that two trees compare as text: type, mode, owner, link count, nanosecond mtime, size,
# devices, content digests, link targets, and which names share an inode. Few processes: forks are slow here.
set -euo pipefail
cd "$1"
export TZ=UTC LC_ALL=C
{
  find . -printf 'E %p|%y|%m|%U|%G|%n|%TY-%Tm-%Td %TT|%s|%i|%l\n'
  find . \( -type b -o -type c \) -exec stat --printf='D %n|%t:%T\n' {} +
  find . -type f -exec md5sum {} + | sed 's/^\([0-9a-f]*\)  \(.*\)$/M \2|\1/'
  getfattr -R -d -m- -h -e hex . 2>/dev/null | awk '/^# file: /{f=substr($0,9); next} /=/{print "X " f "|" $0}'
} | awk -F'|' '
  # Regular files: the first name (in sorted order) of an inode stands for it; the others say they link to it.
  $1 ~ /^E / && $2 == "f" { name = substr($1, 3); ino = $9; if (!(ino in first) || name < first[ino]) first[ino] = name }
  { lines[NR] = $0 }
  END {
    for (i = 1; i <= NR; i++) {
      split(lines[i], f, "|")
      if (f[1] ~ /^E / && f[2] == "f") {
        name = substr(f[1], 3)
        if (first[f[9]] != name) { print f[1] "|f|" f[3] "|" f[4] "|" f[5] "|" f[7] "|hardlink to " first[f[9]]; continue }
        print f[1] "|f|" f[3] "|" f[4] "|" f[5] "|" f[6] "|" f[7] "|" f[8]
      } else if (f[1] ~ /^E /) {
        print f[1] "|" f[2] "|" f[3] "|" f[4] "|" f[5] "|" f[7] "|" f[10]
      } else if (f[1] ~ /^M / && (f[1] in seen)) {
        continue
      } else {
        print lines[i]
      }
    }
  }' | awk -F'|' '$1 ~ /^M / { sub(/^M /, "E ", $1) ; print $1 "|~md5 " $2; next } { print }' OFS='|' | sort
