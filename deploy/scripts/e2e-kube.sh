#!/usr/bin/env bash
# npm run e2e:kube — the hub deployed from its Kubernetes manifests on this machine, end to end:
#   1. render both overlays and validate every object (deploy/kube/validate.ts)
#   2. build the images (deploy/scripts/images.sh; base images only when missing)
#   3. `podman play kube` the ci overlay: gateway on 127.0.0.1:4400, subgraphs on 4401…, demo
#      PostgreSQL on 55432 and Redis on 56379, host network
#   4. a territory's panier through the gateway; a subgraph refuses a direct request without the
#      shared secret (401); a write through the gateway with a signed operator token
#      (refused without one)
#   5. kill one subgraph's process by its host PID: the graph still answers (partial) and the
#      subgraph comes back (the pod's restart policy, Always) with the record written before
#   6. tear everything down, also on failure
# Installs what is missing (podman, runc, debootstrap, catatonit; kubectl), fails loudly, never skips.
# Nothing leaves loopback except the package mirrors (Debian, npm) used while building images.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT_DIR"

started=$(date +%s)
KILLED=${E2E_KILL_SUBGRAPH:-financing}
WORK="$(mktemp -d /tmp/hub-e2e-kube.XXXXXX)"
MANIFEST="$WORK/ci.yaml"
GATEWAY=http://127.0.0.1:4400/graphql
probe() { node --import tsx deploy/scripts/e2e-probe.ts "$@"; }
setting() { node -e 'const [f,k]=process.argv.slice(1);const docs=require("fs").readFileSync(f,"utf8").split("\n---\n").map(JSON.parse);const m=docs.find(d=>d.kind==="ConfigMap"&&d.metadata.name==="hub-settings");process.stdout.write(String(m.data[k]??""))' "$MANIFEST" "$1"; }

teardown() {
  local status=$?
  trap - EXIT INT TERM
  if [ -f "$MANIFEST" ] && [ -n "${PLAYED:-}" ]; then
    if [ $status -ne 0 ]; then
      log "FAILED (exit $status): last lines of each container's log"
      for c in $(podman ps -a --filter label=app.kubernetes.io/part-of=territoires-industrie-hub --format '{{.Names}}' 2>/dev/null); do
        echo "--- $c" >&2; podman logs --tail 15 "$c" >&2 2>&1 || true
      done
    fi
    log "tearing down"
    podman play kube --down "$MANIFEST" >/dev/null 2>&1 || echo "podman play kube --down failed" >&2
  fi
  rm -rf "$WORK"
  log "e2e:kube $([ $status -eq 0 ] && echo passed || echo FAILED) in $(( $(date +%s) - started )) s"
  exit $status
}
trap teardown EXIT
trap 'exit 130' INT TERM

ensure_podman
ensure_kubectl

log "render and validate the manifests"
node --import tsx deploy/kube/generate.ts --check
node --import tsx deploy/kube/validate.ts --out "$WORK"

log "build the images"
bash deploy/scripts/images.sh

# A previous run killed half-way may have left its pods: remove them, then the ports must be free.
podman play kube --down "$MANIFEST" >/dev/null 2>&1 || true
for port in $(node -e 'const docs=require("fs").readFileSync(process.argv[1],"utf8").split("\n---\n").map(JSON.parse);for(const d of docs) if(d.kind==="Deployment") for(const c of d.spec.template.spec.containers) for(const e of c.env??[]) if(/^(PORT|GATEWAY_PORT|PGPORT|REDIS_PORT)$/.test(e.name)) console.log(e.value)' "$MANIFEST"); do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then die "port $port is already in use on 127.0.0.1: stop what listens there"; fi
done

log "podman play kube (ci overlay)"
PLAYED=1
podman play kube "$MANIFEST" >/dev/null
probe wait-ready "$GATEWAY" "${E2E_READY_SECONDS:-300}"
ready_at=$(( $(date +%s) - started ))

log "queries"
probe panier "$GATEWAY"
SUBGRAPH_URL="$(node -e 'const docs=require("fs").readFileSync(process.argv[1],"utf8").split("\n---\n").map(JSON.parse);const m=docs.find(d=>d.kind==="ConfigMap"&&d.metadata.name==="hub-routing");process.stdout.write(m.data[process.argv[2]])' "$MANIFEST" "$(echo "$KILLED" | tr 'a-z-' 'A-Z_')_URL")"
probe direct "$SUBGRAPH_URL" "$(setting HUB_SHARED_SECRET)"
records="$(probe write "$GATEWAY" "$(setting JWT_SECRET)")"

log "kill $KILLED's process by its host PID"
container="$KILLED-pod-0-$KILLED"
pid="$(podman inspect --format '{{.State.Pid}}' "$container")"
restarts="$(podman inspect --format '{{.RestartCount}}' "$container")"
[ -n "$pid" ] && [ "$pid" -gt 0 ] || die "no host PID for $container"
ps -o pid=,args= -p "$pid" >&2
kill -KILL "$pid"
probe partial "$GATEWAY" "$KILLED"
probe back "$GATEWAY" "$KILLED" "${E2E_BACK_SECONDS:-180}"
new_pid="$(podman inspect --format '{{.State.Pid}}' "$container")"
new_restarts="$(podman inspect --format '{{.RestartCount}}' "$container")"
[ "$new_pid" != "$pid" ] && [ "$new_restarts" -gt "$restarts" ] \
  || die "$container: expected a restarted process (pid $pid → $new_pid, restarts $restarts → $new_restarts)"
echo "$container restarted by podman (restart policy Always): pid $pid → $new_pid, restarts $restarts → $new_restarts" >&2
# The record written before the kill is still served: it lives in PostgreSQL, and a restart keeps operator records.
probe panier "$GATEWAY" "$records"
log "hub ready $ready_at s after the start of e2e:kube"
