// The list of subgraphs is schema/supergraph.yaml (rover's format): name, routing URL, SDL file.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SCHEMA_DIR = resolve(ROOT, 'schema');
export const SUPERGRAPH_YAML = resolve(SCHEMA_DIR, 'supergraph.yaml');
export const SUPERGRAPH_FILE = resolve(SCHEMA_DIR, 'supergraph.graphql');

export interface SubgraphEntry {
  name: string;
  /** Routing URL after environment overrides (`<NAME>_URL`). */
  url: string;
  port: number;
  sdlFile: string;
}

interface SupergraphYaml {
  federation_version?: string;
  subgraphs: Record<string, { routing_url: string; schema: { file: string } }>;
}

export function readSubgraphList(file = SUPERGRAPH_YAML, env: NodeJS.ProcessEnv = process.env): SubgraphEntry[] {
  const config = parseYaml(readFileSync(file, 'utf8')) as SupergraphYaml;
  if (!config?.subgraphs || typeof config.subgraphs !== 'object') throw new Error(`${file}: no "subgraphs" map`);
  return Object.entries(config.subgraphs).map(([name, entry]) => {
    if (!entry?.routing_url || !entry.schema?.file)
      throw new Error(`${file}: subgraph "${name}" needs routing_url and schema.file`);
    const key = envKey(name);
    const port = Number(env[`${key}_PORT`] ?? new URL(entry.routing_url).port);
    const url = env[`${key}_URL`] ?? replacePort(entry.routing_url, port);
    return { name, url, port, sdlFile: resolve(dirname(file), entry.schema.file) };
  });
}

export function subgraphEntry(name: string, env: NodeJS.ProcessEnv = process.env): SubgraphEntry {
  const entry = readSubgraphList(SUPERGRAPH_YAML, env).find((s) => s.name === name);
  if (!entry) throw new Error(`unknown subgraph "${name}": not listed in ${SUPERGRAPH_YAML}`);
  return entry;
}

/** `recruitment` → `RECRUITMENT`, `action-logement` → `ACTION_LOGEMENT`. */
export function envKey(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

function replacePort(url: string, port: number): string {
  const u = new URL(url);
  u.port = String(port);
  return u.toString();
}
