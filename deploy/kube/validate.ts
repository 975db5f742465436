// `npm run kube:validate [-- --out <dir>]`: renders the base and both overlays with `kubectl kustomize`
// (offline) and validates every object against the Kubernetes API schemas bundled in the npm package
// kubernetes-models (types, required fields, enums, formats; it does not reject unknown fields).
// The ci overlay must also hold only what podman 4.3's `play kube` runs. Exits 1 on any problem.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const KUBE = resolve(fileURLToPath(import.meta.url), '..');
export const TARGETS = ['base', 'overlays/ci', 'overlays/production'] as const;
/** What `podman play kube` (4.3) runs; Secrets, Services and Jobs are not exercised there. */
const PODMAN_KINDS = new Set(['Pod', 'Deployment', 'PersistentVolumeClaim', 'ConfigMap']);

/** The containers of a workload (Deployment, Job…), as the checks below read them. */
interface Workload {
  spec?: { template?: { spec?: { containers?: { name: string; image?: string }[] } } };
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** Renders one kustomization of deploy/kube (a copy, so that production's secrets.env can be a placeholder). */
export function render(target: (typeof TARGETS)[number]): { yaml: string; objects: KubeObject[] } {
  const copy = mkdtempSync(join(tmpdir(), 'hub-kube-'));
  try {
    cpSync(KUBE, copy, { recursive: true });
    const secrets = join(copy, 'overlays/production/secrets.env');
    // Validation needs some secrets.env; a real one (ignored by git) is used when present.
    if (!existsSync(secrets)) cpSync(`${secrets}.example`, secrets);
    const output = execFileSync('kubectl', ['kustomize', join(copy, target)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
    // kustomize v2 (Debian's kubectl 1.20) leaves `{}` where a `$patch: delete` removed an object.
    const objects = parseAllDocuments(output)
      .map((d) => d.toJS() as KubeObject | null)
      .filter((o): o is KubeObject => !!o && Object.keys(o).length > 0);
    const yaml = objects.map((o) => JSON.stringify(o)).join('\n---\n') + '\n';
    return { yaml, objects };
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

/** Validates one object with the kubernetes-models class of its apiVersion and kind. */
export async function validateObject(object: KubeObject): Promise<string | undefined> {
  const where = `${object.kind ?? '?'}/${object.metadata?.name ?? '?'}`;
  if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string')
    return `${where}: apiVersion and kind are required`;
  let model: { new (data: unknown): { validate(): void } } | undefined;
  try {
    const module = await import(/* @vite-ignore */ `kubernetes-models/${object.apiVersion}/${object.kind}`);
    model = module[object.kind] ?? module.default;
  } catch (error) {
    // Also what a missing kubernetes-models install looks like: the loader's reason says which.
    return `${where}: unknown apiVersion/kind ${object.apiVersion} ${object.kind} (${String((error as Error).message).split('\n')[0]})`;
  }
  // kustomize v5 wraps long base64 values of generated Secrets over several lines; the API server's
  // decoder skips those newlines, the "byte" format of the schemas does not.
  if (object.kind === 'Secret' && object.data && typeof object.data === 'object')
    object = {
      ...object,
      data: Object.fromEntries(Object.entries(object.data).map(([k, v]) => [k, String(v).replace(/\s+/g, '')])),
    };
  try {
    new model!(object).validate();
    return undefined;
  } catch (error) {
    return `${where}: ${(error as Error).message}`;
  }
}

export async function validateTarget(target: (typeof TARGETS)[number]) {
  const { yaml, objects } = render(target);
  const problems: string[] = [];
  for (const object of objects) {
    const problem = await validateObject(object);
    if (problem) problems.push(problem);
  }
  // An overlay must name a real image for every container (base leaves the placeholder `hub`).
  if (target !== 'base')
    for (const o of objects)
      for (const c of (o as Workload).spec?.template?.spec?.containers ?? [])
        if (!c.image || c.image === 'hub')
          problems.push(`${o.kind}/${o.metadata.name}: container ${c.name} has no image name`);
  if (target === 'overlays/production')
    for (const o of objects)
      for (const c of (o as Workload).spec?.template?.spec?.containers ?? [])
        if (String(c.image).startsWith('localhost/'))
          problems.push(`${o.kind}/${o.metadata.name}: production runs a local image (${c.image})`);
  if (target === 'overlays/ci')
    for (const o of objects)
      if (!PODMAN_KINDS.has(o.kind))
        problems.push(`${o.kind}/${o.metadata.name}: podman play kube does not run ${o.kind}`);
  if (objects.length === 0) problems.push('no objects rendered');
  return { yaml, objects, problems };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const flag = process.argv.indexOf('--out');
  const out = flag > 0 ? resolve(process.argv[flag + 1]!) : undefined;
  if (out) mkdirSync(out, { recursive: true });
  let failed = 0;
  for (const target of TARGETS) {
    let result;
    try {
      result = await validateTarget(target);
    } catch (error) {
      const e = error as Error & { stderr?: string };
      console.error(`${target}: kubectl kustomize failed: ${e.stderr || e.message}`);
      failed++;
      continue;
    }
    const kinds = new Map<string, number>();
    for (const o of result.objects) kinds.set(o.kind, (kinds.get(o.kind) ?? 0) + 1);
    const summary = [...kinds].map(([k, n]) => `${n} ${k}`).join(', ');
    if (result.problems.length) {
      failed++;
      console.error(`${target}: ${result.problems.length} invalid object(s)\n  ${result.problems.join('\n  ')}`);
    } else console.log(`${target}: ${result.objects.length} objects valid (${summary})`);
    if (out) writeFileSync(join(out, `${target.replace(/^overlays\//, '')}.yaml`), result.yaml);
  }
  process.exit(failed ? 1 : 0);
}
