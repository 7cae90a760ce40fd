#!/usr/bin/env bash
# jimg pull against systemd-pull 252 (`systemd-pull tar --verify=signature`) from nginx on loopback, with a
# Debian minbase root as tar.xz, tar.gz and tar.zst (zstd, which systemd-pull 252 refuses, against curl piped
# to GNU tar --zstd). The pool is a fresh btrfs; every run starts with the cache cleared. systemd-pull reads
# its keys only from /etc/systemd/import-pubring.gpg: the script puts a throwaway key there for the run and
# restores what was there on exit.
# Usage (as root): bench/pull.sh [ROUNDS]
#   THROUGH_SERVICE=1 bench/pull.sh [ROUNDS]   # jimg's pulls through a `jimg serve` on the pool, from the CLI as a
#                                              # user runs it (the other tools' rows unchanged)
source "$(dirname "$0")/lib.sh"
need nginx gpg hyperfine curl zstd xz mkfs.btrfs /usr/lib/systemd/systemd-pull python3
ROUNDS=${1:-3}
ROOT=$(debian_minbase)
TARBALLS=/var/tmp/jimg-bench-pull # compressing 200 MB with xz -6 and zstd -19 takes minutes: made once
PUBRING=/etc/systemd/import-pubring.gpg
NGINX_PID=
SERVE_PID=

pull_cleanup() {
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null || true
  if [ -n "$SERVE_PID" ]; then kill "$SERVE_PID" 2>/dev/null; wait "$SERVE_PID" 2>/dev/null || true; fi
  if [ -e "$SCRATCH/pubring.saved" ]; then mv -f "$SCRATCH/pubring.saved" "$PUBRING"; else rm -f "$PUBRING"; fi
  GNUPGHOME=$SCRATCH/gnupg gpgconf --kill gpg-agent 2>/dev/null || true
  cleanup
}
[ -e "$PUBRING" ] && cp -a "$PUBRING" "$SCRATCH/pubring.saved"
trap pull_cleanup EXIT

mkdir -p "$TARBALLS"
[ -f "$TARBALLS/minbase.tar" ] || tar --numeric-owner --xattrs -C "$ROOT" -cf "$TARBALLS/minbase.tar" .
[ -f "$TARBALLS/minbase.tar.gz" ] || gzip -6 -c "$TARBALLS/minbase.tar" > "$TARBALLS/minbase.tar.gz"
[ -f "$TARBALLS/minbase.tar.xz" ] || xz -T2 -6 -c "$TARBALLS/minbase.tar" > "$TARBALLS/minbase.tar.xz"
[ -f "$TARBALLS/minbase.tar.zst" ] || zstd -q -T2 -19 -c "$TARBALLS/minbase.tar" > "$TARBALLS/minbase.tar.zst"

# A signed release, as a publisher makes it.
www=$SCRATCH/www
mkdir -p "$www" "$SCRATCH/gnupg" "$SCRATCH/nginx/tmp"
chmod 700 "$SCRATCH/gnupg"
echo "s2k-count 65536" > "$SCRATCH/gnupg/gpg-agent.conf"
export GNUPGHOME=$SCRATCH/gnupg
for f in minbase.tar.gz minbase.tar.xz minbase.tar.zst; do ln "$TARBALLS/$f" "$www/$f" 2>/dev/null || cp "$TARBALLS/$f" "$www/$f"; done
(cd "$www" && sha256sum --binary minbase.tar.* > SHA256SUMS)
gpg --batch --quiet --pinentry-mode loopback --passphrase bench --quick-gen-key "jimg bench <bench@jimg>" ed25519 sign never
gpg --batch --quiet --pinentry-mode loopback --passphrase bench --detach-sign -o "$www/SHA256SUMS.gpg" "$www/SHA256SUMS"
gpg --batch --export > "$SCRATCH/keyring.gpg"
cp "$SCRATCH/keyring.gpg" "$PUBRING"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$SCRATCH/nginx/nginx.conf" <<CONF
user root; worker_processes 2; daemon off; pid $SCRATCH/nginx/pid; error_log $SCRATCH/nginx/error.log;
events { worker_connections 64; }
http { access_log off; sendfile on; default_type application/octet-stream;
  client_body_temp_path $SCRATCH/nginx/tmp/b; proxy_temp_path $SCRATCH/nginx/tmp/p; fastcgi_temp_path $SCRATCH/nginx/tmp/f;
  uwsgi_temp_path $SCRATCH/nginx/tmp/u; scgi_temp_path $SCRATCH/nginx/tmp/s;
  server { listen 127.0.0.1:$port; root $www; } }
CONF
nginx -c "$SCRATCH/nginx/nginx.conf" -p "$SCRATCH/nginx" -e "$SCRATCH/nginx/error.log" &
NGINX_PID=$!
for _ in $(seq 50); do curl -fs -o /dev/null "http://127.0.0.1:$port/SHA256SUMS" && break; sleep 0.1; done
base=http://127.0.0.1:$port

MNT=$(mount_loop btrfs 3G)
# Each run starts on a settled filesystem: the removed images dropped by btrfs's cleaner (a commit wakes it, subvolume
# sync waits for it), not during the next run.
clear_pool="btrfs -q subvolume delete $MNT/* $MNT/.tar-* 2>/dev/null || true; rm -rf $MNT/* $MNT/.tar-* $MNT/.#*; \
btrfs filesystem sync $MNT; btrfs subvolume sync $MNT >/dev/null; sync"

if [[ ${THROUGH_SERVICE:-} == 1 ]]; then
  "$REPO/bin/jimg" -q --image-root="$MNT" serve --socket "$SCRATCH/jimg.sock" 2>"$SCRATCH/serve.log" &
  SERVE_PID=$!
  until [[ -S $SCRATCH/jimg.sock ]]; do kill -0 "$SERVE_PID"; sleep 0.1; done
  export JIMG_SERVICE_SOCKET=$SCRATCH/jimg.sock
  echo "jimg's pulls run through jimg serve on the pool"
fi
echo "root: $(du -sh --apparent-size "$ROOT/" | cut -f1); files: $(ls -l "$www" | awk 'NR>1{printf "%s=%s ", $9, $5}')"
echo "rounds: $ROUNDS (medians); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
jimg_pull="$REPO/bin/jimg --image-root=$MNT pull --verify=signature --keyring=$SCRATCH/keyring.gpg"
for f in tar.xz tar.gz; do
  interleave "$clear_pool" "$jimg_pull $base/minbase.$f bench" \
    "/usr/lib/systemd/systemd-pull tar --verify=signature --image-root=$MNT $base/minbase.$f bench" >"$SCRATCH/t"
  mapfile -t t <"$SCRATCH/t"
  echo "systemd-pull tar --verify=signature minbase.$f: ${t[1]}"
  echo "jimg pull minbase.$f: ${t[0]}; jimg/reference = $(ratio "${t[0]%% *}" "${t[1]%% *}")"
done
# zstd against curl piped to GNU tar, without and with its tree flushed to disk (sync -f), as systemd-pull and jimg
# flush theirs (syncfs) before they return.
curl_tar="mkdir $MNT/bench && curl -fsS $base/minbase.tar.zst | tar --zstd --numeric-owner --xattrs -xpf - -C $MNT/bench"
interleave "$clear_pool" "$jimg_pull $base/minbase.tar.zst bench" "$curl_tar" "$curl_tar && sync -f $MNT/bench" \
  >"$SCRATCH/t"
mapfile -t t <"$SCRATCH/t"
echo "curl | tar --zstd minbase.tar.zst (no verification): ${t[1]}"
echo "curl | tar --zstd minbase.tar.zst, then sync -f (no verification): ${t[2]}"
echo "jimg pull minbase.tar.zst: ${t[0]}; jimg/reference = $(ratio "${t[0]%% *}" "${t[1]%% *}")"
echo "jimg pull minbase.tar.zst against curl | tar --zstd with sync -f: $(ratio "${t[0]%% *}" "${t[2]%% *}")"
"$REPO/bin/jimg" --image-root="$MNT" pull --keyring="$SCRATCH/keyring.gpg" "$base/minbase.tar.xz" warm >/dev/null 2>&1
j=$(hyperfine --style none --runs "$ROUNDS" --prepare "btrfs -q subvolume delete $MNT/again 2>/dev/null || true" \
    --export-json "$SCRATCH/h.json" "$REPO/bin/jimg --image-root=$MNT pull --keyring=$SCRATCH/keyring.gpg $base/minbase.tar.xz again" >/dev/null
    python3 -c 'import json,sys; print("%.3f" % json.load(open(sys.argv[1]))["results"][0]["mean"])' "$SCRATCH/h.json")
echo "jimg cached re-pull (304, snapshot): $j s"
