# Shared by deploy/scripts/*.sh: installs what is missing (Debian packages only) and points podman
# at the project's containers.conf. Sourced, not run.
DEPLOY_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT_DIR="$(cd "$DEPLOY_DIR/.." && pwd)"
export CONTAINERS_CONF="$DEPLOY_DIR/containers/containers.conf"

log() { printf '\n=== %s  %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

apt_updated=""
apt_install() {
  [ "$(id -u)" = 0 ] || die "installing $* needs root (apt-get); install it yourself and run again"
  if [ -z "$apt_updated" ]; then apt-get update -q >&2 || die "apt-get update failed"; apt_updated=1; fi
  # --no-install-recommends: podman recommends docker-related packages that are not wanted here.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >&2 || die "apt-get install $* failed"
}

# podman 4.3.1 with runc (crun cannot set RLIMIT_NOFILE here), debootstrap for the base image,
# catatonit as podman's init for pods.
ensure_podman() {
  local missing=()
  for pkg in podman runc debootstrap catatonit; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then log "installing ${missing[*]}"; apt_install "${missing[@]}"; fi
  podman --version >&2
}

# `kubectl kustomize` renders the overlays offline. The machine image ships kubectl (kustomize v5);
# elsewhere Debian's kubernetes-client brings kubectl 1.20 (kustomize v2.0.3): the kustomizations
# only use what both understand.
ensure_kubectl() {
  command -v kubectl >/dev/null || { log "installing kubernetes-client (kubectl)"; apt_install kubernetes-client; }
  kubectl version --client 2>/dev/null | head -1 >&2 || true
}

# The Debian mirror this machine's apt uses (deb822 .sources or one-line sources.list).
debian_mirror() {
  local uri
  uri="$(awk 'BEGIN{RS="";FS="\n"} /Suites:[^\n]*bookworm( |$|\n)/ && /Components:[^\n]*main/ {for(i=1;i<=NF;i++) if ($i ~ /^URIs:/) {split($i,a," "); print a[2]; exit}}' /etc/apt/sources.list.d/*.sources 2>/dev/null)"
  [ -n "$uri" ] || uri="$(awk '$1=="deb" && $3=="bookworm" {print $2; exit}' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null)"
  [ -n "$uri" ] || die "no Debian bookworm mirror found in /etc/apt/sources.list*"
  echo "$uri"
}
