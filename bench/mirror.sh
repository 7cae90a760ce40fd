# debian_mirror: the Debian mirror for bookworm that this host's apt uses (it is reachable from here), or
# $JIMG_DEBIAN_MIRROR; the project names no mirror of its own. The same rule as the tests' DebianRoot.
debian_mirror() {
  if [[ -n ${JIMG_DEBIAN_MIRROR:-} ]]; then
    echo "$JIMG_DEBIAN_MIRROR"
    return
  fi
  local found
  found=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i ~ /:\/\//) { if ($(i + 1) == "bookworm") print $i; break } }' |
    head -n 1)
  if [[ -z $found ]]; then
    found=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '
      /^[ \t]*$/ { if (deb && suite) print uri; deb = suite = 0; uri = "" }
      /^Types:/ && / deb( |$)/ { deb = 1 }
      /^URIs:/ { uri = $2 }
      /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") suite = 1 }
      END { if (deb && suite) print uri }' | head -n 1)
  fi
  [[ -n $found ]] || { echo "bench: no Debian mirror for bookworm in /etc/apt sources: set JIMG_DEBIAN_MIRROR" >&2; exit 1; }
  echo "$found"
}
