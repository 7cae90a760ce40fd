#!/usr/bin/env bash
# jimg push of a Debian minbase image to Debian's docker-registry on loopback, against skopeo copy of the same tree
# from an OCI image layout that umoci made of it (umoci insert: one gzip layer, as jimg pushes it), and against
# umoci's packing plus skopeo's copy (from a tree to the registry, as jimg push goes), in the same run. Every run
# meets an empty registry, restarted before it, so that no contender finds blobs there or mounts them from an
# earlier run's repository (skopeo remembers where it saw a blob). Then a second jimg push of the unchanged image:
# its time and what it uploaded. The pool is a fresh btrfs.
# Usage (as root): bench/oci-push.sh [ROUNDS]
source "$(dirname "$0")/lib.sh"
need docker-registry skopeo umoci curl mkfs.btrfs python3
ROUNDS=${1:-3}
ROOT=$(debian_minbase)

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
registry=127.0.0.1:$port
cat >"$SCRATCH/registry.yml" <<CONF
version: 0.1
log: {level: error}
storage: {filesystem: {rootdirectory: $SCRATCH/registry}, delete: {enabled: true}}
http: {addr: $registry}
CONF
# fresh-registry: stops the registry the last run used, empties its storage and starts it again.
cat >"$SCRATCH/fresh-registry" <<SH
#!/bin/sh
set -e
if [ -f $SCRATCH/registry.pid ]; then
  pid=\$(cat $SCRATCH/registry.pid)
  kill "\$pid" 2>/dev/null || true
  while kill -0 "\$pid" 2>/dev/null; do sleep 0.1; done
fi
rm -rf $SCRATCH/registry
docker-registry serve $SCRATCH/registry.yml >>$SCRATCH/registry.log 2>&1 &
echo \$! >$SCRATCH/registry.pid
for _ in \$(seq 100); do curl -fs -o /dev/null http://$registry/v2/ && exit 0; sleep 0.1; done
echo "bench: docker-registry did not start (see $SCRATCH/registry.log)" >&2
exit 1
SH
chmod +x "$SCRATCH/fresh-registry"
push_cleanup() {
  [ -f "$SCRATCH/registry.pid" ] && kill "$(cat "$SCRATCH/registry.pid")" 2>/dev/null || true
  cleanup
}
trap push_cleanup EXIT

MNT=$(mount_loop btrfs 3G)
jimg="$REPO/bin/jimg --image-root=$MNT"
$jimg -q import-fs "$ROOT" minbase
# umoci insert moves the change times of the tree it reads: it gets a copy, so that the shared root stays as the
# test suite's fingerprint of it says.
cp -a "$ROOT" "$SCRATCH/root"
umoci init --layout "$SCRATCH/oci"
umoci new --image "$SCRATCH/oci:minbase"
umoci insert --image "$SCRATCH/oci:minbase" "$SCRATCH/root" / >/dev/null

echo "root: $(du -sh --apparent-size "$ROOT/" | cut -f1); umoci's layer: $(find "$SCRATCH/oci/blobs" -type f -size +1M \
  -printf '%s bytes')"
echo "rounds: $ROUNDS (medians); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
jimg_push="$jimg -q push minbase docker://$registry/minbase:v1 --tls-verify=false"
skopeo_copy="skopeo copy --quiet --dest-tls-verify=false oci:$SCRATCH/oci:minbase docker://$registry/minbase:v1"
umoci_skopeo="rm -rf $SCRATCH/packed && umoci init --layout $SCRATCH/packed && umoci new --image $SCRATCH/packed:m \
&& umoci insert --image $SCRATCH/packed:m $SCRATCH/root / >/dev/null && skopeo copy --quiet --dest-tls-verify=false \
oci:$SCRATCH/packed:m docker://$registry/minbase:v1"
interleave "$SCRATCH/fresh-registry" "$jimg_push" "$skopeo_copy" "$umoci_skopeo" >"$SCRATCH/t"
mapfile -t t <"$SCRATCH/t"
echo "skopeo copy oci:LAYOUT docker://…: ${t[1]}"
echo "umoci insert (tree to layout), then skopeo copy: ${t[2]}"
echo "jimg push: ${t[0]}; jimg/skopeo copy = $(ratio "${t[0]%% *}" "${t[1]%% *}");" \
  "jimg/(umoci + skopeo) = $(ratio "${t[0]%% *}" "${t[2]%% *}")"

"$SCRATCH/fresh-registry"
$jimg -q push minbase "docker://$registry/minbase:v1" --tls-verify=false
start=$(date +%s.%N)
again=$($jimg --json push minbase "docker://$registry/minbase:v1" --tls-verify=false)
end=$(date +%s.%N)
echo "jimg push again, unchanged: $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.3f s", b - a }');" \
  "uploaded $(echo "$again" | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["uploaded"], "blobs, skipped", j["skipped"])')"
