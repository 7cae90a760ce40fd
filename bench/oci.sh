#!/usr/bin/env bash
# jimg pull docker:// against skopeo copy docker://… oci:DIR followed by umoci raw unpack, from Debian's
# docker-registry on loopback into a fresh btrfs, with the images the tests use (DebianOciImages): "app", the
# Debian minbase root as one gzip layer plus two small layers (whiteouts, a hard link to a file of the base), and
# "app2", the same base plus one small layer of its own. Cold: nothing in the pool or the OCI directory. Shared:
# the base is there already (jimg's layer snapshot; skopeo's blob in the same OCI directory), and the registry's
# access log tells which blobs crossed the network. jimg flushes what it wrote (syncfs) before it returns; the
# reference is also timed with sync -f after it.
# Usage (as root): bench/oci.sh [ROUNDS]
source "$(dirname "$0")/lib.sh"
need docker-registry skopeo umoci python3 mkfs.btrfs curl
ROUNDS=${1:-3}
ROOT=$(debian_minbase)
REGISTRY_PID=

oci_cleanup() {
  [ -n "$REGISTRY_PID" ] && kill "$REGISTRY_PID" 2>/dev/null || true
  cleanup
}
trap oci_cleanup EXIT

# The images, as DebianOciImages builds them with umoci.
work=$SCRATCH/images
mkdir -p "$work"
(
  cd "$work"
  umoci init --layout oci && umoci new --image oci:base && umoci unpack --image oci:base b1 >/dev/null
  cp -a "$ROOT/." b1/rootfs/ && umoci repack --image oci:base b1
  umoci unpack --image oci:base b2 >/dev/null && rm -rf b2/rootfs/usr/share/doc b2/rootfs/etc/issue
  echo 'made by umoci' > b2/rootfs/etc/x && umoci repack --image oci:app b2
  umoci unpack --image oci:app b4 >/dev/null && rm -rf b4/rootfs/etc/apt/* && echo new > b4/rootfs/etc/apt/new
  ln b4/rootfs/etc/passwd b4/rootfs/passwd-link && umoci repack --image oci:app b4
  umoci config --image oci:app --config.cmd /bin/cat --config.cmd /etc/x
  umoci unpack --image oci:base b3 >/dev/null && echo second > b3/rootfs/etc/second && umoci repack --image oci:app2 b3
  rm -rf b1 b2 b3 b4
)

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$SCRATCH/registry.yml" <<CONF
version: 0.1
log: {level: info}
storage: {filesystem: {rootdirectory: $SCRATCH/registry}}
http: {addr: 127.0.0.1:$port}
CONF
docker-registry serve "$SCRATCH/registry.yml" >"$SCRATCH/registry.log" 2>&1 &
REGISTRY_PID=$!
for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$port/v2/" && break; sleep 0.1; done
registry=127.0.0.1:$port
for tag in base app app2; do
  skopeo copy --quiet --dest-tls-verify=false "oci:$work/oci:$tag" "docker://$registry/deb:$tag"
done

MNT=$(mount_loop btrfs 4G)
jimg="$REPO/bin/jimg --image-root=$MNT"
skopeo_copy="skopeo copy --quiet --src-tls-verify=false"
# Every run starts on a settled filesystem without images, layers or the reference's directories.
clear_pool="btrfs -q subvolume delete $MNT/* $MNT/.oci-layer-* 2>/dev/null || true; rm -rf $MNT/* $MNT/.oci-* $MNT/.#*; \
btrfs filesystem sync $MNT; btrfs subvolume sync $MNT >/dev/null; sync"
reference_cold="$skopeo_copy docker://$registry/deb:app oci:$MNT/oci:app && umoci raw unpack --image $MNT/oci:app $MNT/tree"

echo "root: $(du -sh --apparent-size "$ROOT/" | cut -f1); base layer (gzip): $(find "$work/oci/blobs/sha256" -type f -printf '%s\n' | sort -n | tail -1) bytes"
echo "rounds: $ROUNDS (medians); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
interleave "$clear_pool" "$jimg pull --tls-verify=no docker://$registry/deb:app" "$reference_cold" \
  "$reference_cold && sync -f $MNT" >"$SCRATCH/t"
mapfile -t t <"$SCRATCH/t"
echo "cold, skopeo copy + umoci raw unpack of deb:app (3 layers): ${t[1]}"
echo "cold, the same, then sync -f: ${t[2]}"
echo "cold, jimg pull docker://…/deb:app: ${t[0]}; jimg/reference = $(ratio "${t[0]%% *}" "${t[1]%% *}")" \
  "(with sync -f: $(ratio "${t[0]%% *}" "${t[2]%% *}"))"
cold=${t[0]%% *}

# Shared: each run starts with the base in the pool and in the OCI directory, put there untimed.
clear_pool="$clear_pool; $jimg pull --tls-verify=no docker://$registry/deb:base base >/dev/null 2>&1 \
&& $skopeo_copy docker://$registry/deb:base oci:$MNT/oci:base"
reference_shared="$skopeo_copy docker://$registry/deb:app2 oci:$MNT/oci:app2 && umoci raw unpack --image $MNT/oci:app2 $MNT/tree"
interleave "$clear_pool" "$jimg pull --tls-verify=no docker://$registry/deb:app2" "$reference_shared" \
  "$reference_shared && sync -f $MNT" >"$SCRATCH/t"
mapfile -t t <"$SCRATCH/t"
echo "shared base, skopeo copy + umoci raw unpack of deb:app2: ${t[1]}"
echo "shared base, the same, then sync -f: ${t[2]}"
echo "shared base, jimg pull docker://…/deb:app2: ${t[0]}; jimg/reference = $(ratio "${t[0]%% *}" "${t[1]%% *}")" \
  "(with sync -f: $(ratio "${t[0]%% *}" "${t[2]%% *}")); against jimg's cold pull: $(ratio "${t[0]%% *}" "$cold")"

# What crossed the network in one more shared pull: the blobs the registry served.
eval "$clear_pool" >/dev/null
before=$(wc -l <"$SCRATCH/registry.log")
$jimg pull --tls-verify=no "docker://$registry/deb:app2" >/dev/null 2>&1
blobs=$(tail -n +"$((before + 1))" "$SCRATCH/registry.log" | grep -c '"GET /v2/deb/blobs/sha256:[0-9a-f]* HTTP/[0-9.]*" 200' || true)
echo "shared base, blobs jimg downloaded for deb:app2: $blobs (its config and its one layer of its own)"
