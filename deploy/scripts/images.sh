#!/usr/bin/env bash
# Builds the hub's images with podman (npm run images). With a registry: BASE_IMAGE=node:20-bookworm-slim
# (or your own) and push the result. Without one (CI, this machine): the base images are built here
#   localhost/hub-debian:bookworm   debootstrap --variant=minbase from the machine's Debian mirror
#   localhost/hub-node:<version>    + the host's Node 20, npm and Node headers
#   localhost/hub-postgres:15, localhost/hub-redis:7   demo services from Debian's packages
# and only when missing (REBUILD_BASE=1 forces them). The hub image itself is rebuilt every time;
# podman's layer cache keeps `npm ci` when package-lock.json has not changed.
#   env: HUB_IMAGE (localhost/hub:dev), BASE_IMAGE, DEMO_SERVICES=1 (also postgres and redis)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT_DIR"

HUB_IMAGE="${HUB_IMAGE:-localhost/hub:dev}"
DEBIAN_IMAGE=localhost/hub-debian:bookworm
BUILD_MOUNTS=()
# npm inside the build goes through the same TLS proxy as on the host: its CA bundle and npm config.
for f in /etc/ssl/certs/ca-certificates.crt /etc/npmrc /usr/etc/npmrc; do
  if [ -f "$f" ]; then BUILD_MOUNTS+=(-v "$f:$f:ro"); fi
done
if [ -f "$HOME/.npmrc" ]; then BUILD_MOUNTS+=(-v "$HOME/.npmrc:/root/.npmrc:ro"); fi

ensure_podman
missing() { [ -n "${REBUILD_BASE:-}" ] || ! podman image exists "$1"; }

build_debian() {
  missing "$DEBIAN_IMAGE" || return 0
  local mirror rootfs
  mirror="$(debian_mirror)"
  rootfs="$(mktemp -d /var/tmp/hub-debootstrap.XXXXXX)"
  # debootstrap mounts /proc and /sys in the target while it works: an interrupted run must not leave them.
  trap 'umount -l "$rootfs/proc" "$rootfs/sys" 2>/dev/null; rm -rf "$rootfs"' EXIT
  log "debootstrap --variant=minbase bookworm from $mirror"
  debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/var/tmp/hub-debootstrap.log 2>&1 \
    || { tail -20 /var/tmp/hub-debootstrap.log >&2; rm -rf "$rootfs"; die "debootstrap failed (log: /var/tmp/hub-debootstrap.log)"; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  # An imported image has no PATH: set it at import.
  tar -C "$rootfs" -c . | podman import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' --change 'CMD ["/bin/bash"]' - "$DEBIAN_IMAGE" >/dev/null
  rm -rf "$rootfs"
  trap - EXIT
}

build_node() {
  local version tag context
  version="$(node --version)"
  [[ "$version" == v20.* ]] || die "the host's Node is $version; the image needs Node 20 (set BASE_IMAGE to a Node 20 image)"
  tag="localhost/hub-node:$version"
  if missing "$tag"; then
    build_debian
    log "base image $tag (host Node $version, npm $(npm --version))"
    context="$(mktemp -d /var/tmp/hub-node.XXXXXX)"
    mkdir -p "$context/usr/bin" "$context/usr/lib/node_modules" "$context/usr/include"
    cp -a "$(readlink -f "$(command -v node)")" "$context/usr/bin/node"
    cp -a /usr/lib/node_modules/npm "$context/usr/lib/node_modules/"
    cp -a /usr/include/node "$context/usr/include/"
    podman build -q --network host -f deploy/containers/Containerfile.node --build-arg "DEBIAN_IMAGE=$DEBIAN_IMAGE" \
      -t "$tag" "$context" >/dev/null || { rm -rf "$context"; die "building $tag failed"; }
    rm -rf "$context"
  fi
  echo "$tag"
}

build_service() {
  local tag=$1 file=$2
  missing "$tag" || return 0
  build_debian
  log "demo image $tag"
  podman build -q --network host -f "$file" --build-arg "DEBIAN_IMAGE=$DEBIAN_IMAGE" -t "$tag" deploy/containers >/dev/null \
    || die "building $tag failed"
}

BASE_IMAGE="${BASE_IMAGE:-$(build_node)}"
log "hub image $HUB_IMAGE from $BASE_IMAGE"
podman build --network host "${BUILD_MOUNTS[@]}" \
  -f deploy/containers/Containerfile --ignorefile deploy/containers/Containerfile.ignore \
  --build-arg "BASE_IMAGE=$BASE_IMAGE" -t "$HUB_IMAGE" . >&2 || die "building $HUB_IMAGE failed"

if [ "${DEMO_SERVICES:-1}" = 1 ]; then
  build_service localhost/hub-postgres:15 deploy/containers/Containerfile.postgres
  build_service localhost/hub-redis:7 deploy/containers/Containerfile.redis
fi
podman images --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep -E '^localhost/hub' >&2
