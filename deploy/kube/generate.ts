// `npm run kube:generate`: writes the Kubernetes files that follow from schema/supergraph.yaml (one
// Deployment and Service per subgraph, the gateway's routing, the ci overlay's ports and production's
// replicas), so that adding a subgraph there is all a deployment needs. `--check` exits 1 when a
// committed file differs (test/deploy.test.ts runs it). Hand-written files (kustomization.yaml,
// settings, secrets, demo services) are not touched.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import { stringify } from 'yaml';
import { envKey, readSubgraphList, ROOT } from '../../subgraphs/runtime/registry.ts';

const KUBE = dirname(fileURLToPath(import.meta.url));
export const GATEWAY_PORT = 4000;
/** ci overlay: every service on 127.0.0.1, ports shifted from the defaults so that `npm start` and tests keep 4000-4009. */
export const CI_PORT_OFFSET = 400;
const PRODUCTION_REPLICAS = { gateway: 3, subgraph: 2 };

interface Service {
  name: string;
  component: 'gateway' | 'subgraph';
  port: number;
  command: string[];
}

export function services(): Service[] {
  // Defaults of supergraph.yaml, not this shell's <NAME>_URL/<NAME>_PORT overrides.
  const subgraphs = readSubgraphList(undefined, {});
  return [
    {
      name: 'gateway',
      component: 'gateway',
      port: GATEWAY_PORT,
      command: ['node', '--import', 'tsx', 'gateway/main.ts'],
    },
    ...subgraphs.map((s) => ({
      name: s.name,
      component: 'subgraph' as const,
      port: s.port,
      command: ['node', '--import', 'tsx', 'subgraphs/runtime/start.ts', s.name],
    })),
  ];
}

const PART_OF = 'territoires-industrie-hub';
const labels = (s: Service) => ({
  'app.kubernetes.io/name': s.name,
  'app.kubernetes.io/component': s.component,
  'app.kubernetes.io/part-of': PART_OF,
});

function deployment(s: Service) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: s.name, labels: labels(s) },
    spec: {
      replicas: 1,
      selector: { matchLabels: { 'app.kubernetes.io/name': s.name } },
      // A new pod must be ready before an old one goes: a release never drops capacity.
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      template: {
        metadata: { labels: labels(s) },
        spec: {
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 10001,
            runAsGroup: 10001,
            fsGroup: 10001,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          // Servers finish in-flight requests on SIGTERM within SHUTDOWN_GRACE_MS (10 s).
          terminationGracePeriodSeconds: 30,
          containers: [
            {
              name: s.name,
              image: 'hub',
              command: s.command,
              ports: [{ name: 'http', containerPort: s.port }],
              env: [
                { name: s.component === 'gateway' ? 'GATEWAY_PORT' : 'PORT', value: String(s.port) },
                { name: 'HOST', value: '0.0.0.0' },
              ],
              envFrom: [
                { configMapRef: { name: 'hub-settings' } },
                // Where the subgraphs are (<NAME>_URL): the gateway routes to them; operators check the action
                // sheets their records name with the programme (PROGRAMME_URL, with HUB_SHARED_SECRET).
                { configMapRef: { name: 'hub-routing' } },
                { secretRef: { name: 'hub-secrets' } },
              ],
              // The first start of a subgraph loads its data (seconds; longer with SCALE > 1).
              startupProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 5, failureThreshold: 60 },
              livenessProbe: { httpGet: { path: '/health', port: 'http' }, periodSeconds: 10, failureThreshold: 3 },
              readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 5, failureThreshold: 2 },
              resources:
                s.component === 'gateway'
                  ? { requests: { cpu: '250m', memory: '384Mi' }, limits: { cpu: '2', memory: '1Gi' } }
                  : { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '768Mi' } },
              securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
            },
          ],
        },
      },
    },
  };
}

function service(s: Service) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: s.name, labels: labels(s) },
    spec: {
      selector: { 'app.kubernetes.io/name': s.name },
      ports: [{ name: 'http', port: s.port, targetPort: 'http' }],
    },
  };
}

function routing(url: (s: Service) => string) {
  const data: Record<string, string> = {};
  for (const s of services()) if (s.component === 'subgraph') data[`${envKey(s.name)}_URL`] = url(s);
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'hub-routing', labels: { 'app.kubernetes.io/part-of': PART_OF } },
    data,
  };
}

/**
 * ci overlay (podman play kube): host network, 127.0.0.1 and its own port (PORT), settings from
 * ConfigMaps only.
 */
function ciPatch(s: Service) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: s.name },
    spec: {
      template: {
        spec: {
          hostNetwork: true,
          containers: [
            {
              name: s.name,
              env: [
                { name: s.component === 'gateway' ? 'GATEWAY_PORT' : 'PORT', value: String(s.port + CI_PORT_OFFSET) },
                { name: 'HOST', value: '127.0.0.1' },
              ],
              // No Secrets in podman 4.3's play kube: the ci settings ConfigMap holds throw-away values.
              envFrom: [{ configMapRef: { name: 'hub-settings' } }, { configMapRef: { name: 'hub-routing' } }],
              // podman 4.3 turns ports into port mappings, refused with the host network.
              ports: null,
              // podman turns probes into curl health checks run by systemd timers: neither is here.
              startupProbe: null,
              livenessProbe: null,
              readinessProbe: null,
            },
          ],
        },
      },
    },
  };
}

const deleted = (kind: string, name: string) => ({
  apiVersion: 'v1',
  kind,
  metadata: { name },
  $patch: 'delete',
});

function documents(header: string, docs: object[]): string {
  return `# ${header}\n# Generated by deploy/kube/generate.ts from schema/supergraph.yaml: do not edit, run npm run kube:generate.\n${docs
    .map((d) => stringify(d, { lineWidth: 0 }))
    .join('---\n')}`;
}

export function generatedFiles(): Record<string, string> {
  const all = services();
  return {
    'base/services.yaml': documents(
      'A Deployment and a Service for the gateway and each subgraph.',
      all.flatMap((s) => [deployment(s), service(s)]),
    ),
    'base/routing.yaml': documents(
      'Where the gateway (and operators, for the programme) find each subgraph (<NAME>_URL): the Services of base/services.yaml.',
      [routing((s) => `http://${s.name}:${s.port}/graphql`)],
    ),
    'overlays/production/replicas.yaml': documents(
      'Replicas in production: several gateways behind the load balancer, two of each subgraph (PostgreSQL).',
      all.map((s) => ({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: s.name },
        spec: { replicas: PRODUCTION_REPLICAS[s.component] },
      })),
    ),
    'overlays/ci/host-network.yaml': documents(
      `ci overlay: every service on 127.0.0.1, port = default + ${CI_PORT_OFFSET}; no Services or Secrets (podman play kube).`,
      [
        ...all.map(ciPatch),
        ...all.map((s) => deleted('Service', s.name)),
        deleted('Secret', 'hub-secrets'),
        routing((s) => `http://127.0.0.1:${s.port + CI_PORT_OFFSET}/graphql`),
      ],
    ),
  };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  let stale = 0;
  for (const [file, raw] of Object.entries(generatedFiles())) {
    const path = resolve(KUBE, file);
    // Written as `npm run format` would leave them, so that `prettier --check .` agrees.
    const text = await format(raw, { ...(await resolveConfig(path)), filepath: path });
    let current = '';
    try {
      current = readFileSync(path, 'utf8');
    } catch {}
    if (current === text) continue;
    if (check) {
      stale++;
      console.error(`${relative(ROOT, path)} is stale: run npm run kube:generate`);
    } else {
      writeFileSync(path, text);
      console.log(`wrote ${relative(ROOT, path)}`);
    }
  }
  process.exit(stale ? 1 : 0);
}
