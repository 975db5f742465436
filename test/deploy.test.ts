// The Kubernetes manifests follow schema/supergraph.yaml, and their validator rejects invalid objects.
// Rendering the overlays needs kubectl: `npm run kube:validate` and `npm run e2e:kube` (CI) do it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { readSubgraphList } from '../subgraphs/runtime/registry.ts';
import { validateObject, type KubeObject } from '../deploy/kube/validate.ts';

const read = (file: string) =>
  parseAllDocuments(readFileSync(`deploy/kube/${file}`, 'utf8')).map((d) => d.toJS() as KubeObject);

describe('Kubernetes manifests', () => {
  it('the generated files match schema/supergraph.yaml (npm run kube:generate)', () => {
    // Exits 1 and names each stale file otherwise.
    execFileSync(process.execPath, ['--import', 'tsx', 'deploy/kube/generate.ts', '--check'], { stdio: 'pipe' });
  });

  it('every subgraph has a Deployment, a Service, a route from the gateway and its own ci port', () => {
    const subgraphs = readSubgraphList(undefined, {});
    const base = read('base/services.yaml');
    const routing = read('base/routing.yaml')[0] as KubeObject & { data: Record<string, string> };
    const ci = read('overlays/ci/host-network.yaml');
    const ciRouting = ci.find((o) => o.kind === 'ConfigMap') as KubeObject & { data: Record<string, string> };
    const ports = new Set<string>();
    for (const s of subgraphs) {
      const key = `${s.name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_URL`;
      expect(base.filter((o) => o.metadata.name === s.name).map((o) => o.kind)).toEqual(['Deployment', 'Service']);
      expect(routing.data[key]).toBe(`http://${s.name}:${s.port}/graphql`);
      const port = ciRouting.data[key]!.match(/^http:\/\/127\.0\.0\.1:(\d+)\/graphql$/)?.[1];
      expect(Number(port)).toBe(s.port + 400);
      ports.add(port!);
    }
    expect(ports.size).toBe(subgraphs.length);
  });

  it('gives every subgraph the routing (PROGRAMME_URL, for operators checking action sheets) and the shared secret', () => {
    const ciSettings = read('overlays/ci/settings.yaml').find((o) => o.kind === 'ConfigMap') as KubeObject & {
      data: Record<string, string>;
    };
    expect(ciSettings.data.HUB_SHARED_SECRET).toBeTruthy();
    for (const [file, sources] of [
      ['base/services.yaml', ['hub-settings', 'hub-routing', 'hub-secrets']],
      ['overlays/ci/host-network.yaml', ['hub-settings', 'hub-routing']],
    ] as const) {
      for (const deployment of read(file).filter((o) => o.kind === 'Deployment')) {
        const container = (
          deployment as KubeObject & {
            spec: {
              template: {
                spec: {
                  containers: { envFrom: { configMapRef?: { name: string }; secretRef?: { name: string } }[] }[];
                };
              };
            };
          }
        ).spec.template.spec.containers[0]!;
        const names = container.envFrom.map((e) => e.configMapRef?.name ?? e.secretRef?.name);
        expect([file, deployment.metadata.name, names]).toEqual([file, deployment.metadata.name, sources]);
      }
    }
    expect((read('base/routing.yaml')[0] as KubeObject & { data: Record<string, string> }).data.PROGRAMME_URL).toBe(
      'http://programme:4006/graphql',
    );
  });

  it('the validator accepts the generated Deployments and rejects a broken one', async () => {
    const deployment = read('base/services.yaml').find((o) => o.kind === 'Deployment')!;
    expect(await validateObject(deployment)).toBeUndefined();
    const broken = structuredClone(deployment) as typeof deployment & {
      spec: { template: { spec: { containers: { ports: { containerPort: unknown }[] }[] } } };
    };
    broken.spec.template.spec.containers[0]!.ports[0]!.containerPort = 'four thousand';
    expect(await validateObject(broken)).toMatch(/containerPort must be integer/);
    expect(await validateObject({ ...deployment, kind: 'Deploymnet' })).toMatch(/unknown apiVersion\/kind/);
  });
});
