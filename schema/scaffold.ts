// `npm run scaffold -- <name> --operator-label "<label>" --slice <slice> --port <port> [--root <dir>] [--compose]`
// Adds an operator subgraph from schema/templates/operator/, complete on the record kit (schema/CONVENTIONS.md):
// subgraphs/<name>/, schema/<name>.graphql, one entry appended to schema/supergraph.yaml and the new Operator value in
// every SDL that declares the enum — nothing else. Everything is composed BEFORE anything is written; --compose also
// writes schema/supergraph.graphql.
// Exit codes: 0 scaffolded, 1 composition or write failed (nothing left behind), 2 bad usage or invalid argument.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Kind, parse, type DocumentNode } from 'graphql';
import { format, resolveConfig } from 'prettier';
import { parse as parseYaml } from 'yaml';
import { envKey, readSubgraphList, type SubgraphEntry } from '../subgraphs/runtime/registry.ts';
import { compose, formatProblems, sourcesFromList, supergraphFileContent } from './compose.ts';

export const TEMPLATE_DIR = fileURLToPath(new URL('./templates/operator/', import.meta.url));
const DEFAULT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Names that would collide with the hub's own folders, scripts or GraphQL/federation words. */
export const RESERVED_NAMES = new Set([
  'runtime',
  'gateway',
  'schema',
  'supergraph',
  'templates',
  'template',
  'test',
  'tests',
  'support',
  'queries',
  'bench',
  'data',
  'hub',
  'all',
  'index',
  'main',
  'shared',
  'common',
  'scaffold',
  'compose',
  'check',
  'import',
  'start',
  'query',
  'mutation',
  'subscription',
  'federation',
  'join',
  'link',
  'core',
  'default',
  'operator',
  'operators',
  'node-modules',
]);
/** Ports the hub already uses besides the subgraphs' (the gateway's default). */
const RESERVED_PORTS = new Map([[4000, 'the gateway (GATEWAY_PORT default)']]);

const NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const SLICE = /^[a-z][a-zA-Z0-9]{1,39}$/;

export class ScaffoldError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

export interface ScaffoldOptions {
  name: string;
  operatorLabel: string;
  slice: string;
  port: number;
  /** Repository root holding schema/ and subgraphs/ (default: this script's repository). */
  root?: string;
  /** Also write schema/supergraph.graphql (otherwise: run `npm run compose` next). */
  writeSupergraph?: boolean;
}

export interface ScaffoldResult {
  name: string;
  operator: string;
  /** True when the Operator enum value is new (declared in the new SDL only). */
  newOperatorValue: boolean;
  /** Files written, relative to the root (supergraph.yaml modified, not created). */
  files: string[];
  /** Other subgraphs' SDL files that gained the new Operator value (relative to the root). */
  operatorValueAddedTo: string[];
  compositionHints: string[];
  subgraphs: string[];
}

/** The Operator values schema.graphql.tmpl lists itself. */
const TEMPLATE_OPERATORS = ['BPIFRANCE', 'FRANCE_TRAVAIL', 'BUSINESS_FRANCE', 'BANQUE_DES_TERRITOIRES'];

const pascal = (kebab: string) =>
  kebab
    .split('-')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join('');
const camel = (kebab: string) => {
  const p = pascal(kebab);
  return p[0]!.toLowerCase() + p.slice(1);
};
/** `Action Logement` → `ACTION_LOGEMENT`; `Caisse d'Épargne` → `CAISSE_D_EPARGNE`. */
export const operatorEnumValue = (label: string) =>
  label
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
const isActionLogement = (label: string) => operatorEnumValue(label) === 'ACTION_LOGEMENT';
/** Prefix of the sample's reserved references: `ACTION_LOGEMENT` → `AL-MOB` (initials; one word: its first three letters). */
export const samplePrefix = (operator: string) => {
  const words = operator.split('_').filter(Boolean);
  return `${words.length > 1 ? words.map((w) => w[0]).join('') : operator.slice(0, 3)}-MOB`;
};
/** French "de": `d'Action Logement`, `de Bpifrance`. */
const of = (label: string) => (/^[aeiouyàâéèêîôû]/i.test(label) ? `d'${label}` : `de ${label}`);

/** What the listed subgraphs already declare: the new one must not redeclare any of it. */
function existingDeclarations(list: SubgraphEntry[]) {
  const types = new Map<string, string>();
  const territoryFields = new Map<string, string>();
  const queryFields = new Map<string, string>();
  const operatorValues = new Set<string>();
  for (const entry of list) {
    let doc: DocumentNode;
    try {
      doc = parse(readFileSync(entry.sdlFile, 'utf8'));
    } catch (error) {
      throw new ScaffoldError(
        `cannot read the SDL of subgraph "${entry.name}" (${entry.sdlFile}): ${(error as Error).message}`,
        1,
      );
    }
    for (const def of doc.definitions) {
      if (!('name' in def) || !def.name) continue;
      const typeName = def.name.value;
      if (def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.OBJECT_TYPE_EXTENSION) {
        if (!types.has(typeName)) types.set(typeName, entry.name);
        const target = typeName === 'Territory' ? territoryFields : typeName === 'Query' ? queryFields : undefined;
        for (const field of def.fields ?? []) target?.set(field.name.value, entry.name);
      } else if (def.kind === Kind.ENUM_TYPE_DEFINITION) {
        if (!types.has(typeName)) types.set(typeName, entry.name);
        if (typeName === 'Operator') for (const v of def.values ?? []) operatorValues.add(v.name.value);
      } else if (!types.has(typeName)) {
        types.set(typeName, entry.name);
      }
    }
  }
  return { types, territoryFields, queryFields, operatorValues };
}

/** Checks every argument against the repository; all problems are reported at once. */
export function validate(options: ScaffoldOptions, root: string, list: SubgraphEntry[]): void {
  const problems: string[] = [];
  const { name, slice, operatorLabel, port } = options;
  if (!NAME.test(name ?? ''))
    problems.push(
      `name "${name ?? ''}": use kebab-case (lower-case letters and digits, words joined by "-"), e.g. action-logement`,
    );
  else {
    if (name.length > 40) problems.push(`name "${name}": at most 40 characters`);
    if (RESERVED_NAMES.has(name))
      problems.push(`name "${name}" is reserved (it names a folder, script or GraphQL word of the hub)`);
    const taken = list.find((s) => s.name === name || envKey(s.name) === envKey(name));
    if (taken) problems.push(`name "${name}": subgraph "${taken.name}" is already listed in schema/supergraph.yaml`);
    if (existsSync(join(root, 'subgraphs', name))) problems.push(`name "${name}": subgraphs/${name}/ already exists`);
    if (existsSync(join(root, 'schema', `${name}.graphql`)))
      problems.push(`name "${name}": schema/${name}.graphql already exists`);
  }
  if (!operatorLabel || !/^[^"\\\r\n{}`]{2,80}$/.test(operatorLabel) || !/[A-Za-zÀ-ÿ]/.test(operatorLabel)) {
    problems.push(
      `--operator-label "${operatorLabel ?? ''}": 2 to 80 characters with a letter, no quotes, backslashes, braces or line breaks (e.g. "Action Logement")`,
    );
  } else if (!/^[A-Z][A-Z0-9_]*$/.test(operatorEnumValue(operatorLabel))) {
    problems.push(
      `--operator-label "${operatorLabel}": its enum value "${operatorEnumValue(operatorLabel)}" must start with a letter`,
    );
  }
  if (!SLICE.test(slice ?? ''))
    problems.push(
      `--slice "${slice ?? ''}": a camelCase GraphQL field name, 2 to 40 characters (e.g. housing), named for the function, not the operator`,
    );
  if (!Number.isInteger(port) || port < 1024 || port > 65535)
    problems.push(`--port "${Number.isNaN(port) ? '' : port}": an integer between 1024 and 65535`);
  else {
    const clash = list.find((s) => s.port === port);
    if (clash)
      problems.push(
        `--port ${port} is already the port of subgraph "${clash.name}" (used: ${list.map((s) => s.port).join(', ')})`,
      );
    if (RESERVED_PORTS.has(port)) problems.push(`--port ${port} is the port of ${RESERVED_PORTS.get(port)}`);
  }
  if (SLICE.test(slice ?? '') && problems.length === 0) {
    const { types, territoryFields, queryFields } = existingDeclarations(list);
    const Slice = slice[0]!.toUpperCase() + slice.slice(1);
    if (territoryFields.has(slice))
      problems.push(
        `--slice "${slice}": Territory.${slice} is already declared by subgraph "${territoryFields.get(slice)}"`,
      );
    for (const field of ['Catalogue', 'Totals', 'Territories', 'Datasets'].map((s) => slice + s)) {
      if (queryFields.has(field))
        problems.push(`--slice "${slice}": Query.${field} is already declared by subgraph "${queryFields.get(field)}"`);
    }
    for (const type of ['', 'Input', 'Patch', 'WriteResult', 'Connection', 'Status'].map(
      (s) => `${Slice}Mobilisation${s}`,
    ))
      if (types.has(type))
        problems.push(`--slice "${slice}": type ${type} is already declared by subgraph "${types.get(type)}"`);
    for (const type of [`${Slice}Slice`, `${Slice}ActionSheetSlice`])
      if (types.has(type))
        problems.push(`--slice "${slice}": type ${type} is already declared by subgraph "${types.get(type)}"`);
  }
  if (problems.length) throw new ScaffoldError(problems.map((p) => `  - ${p}`).join('\n'), 2);
}

/** A TypeScript object literal, two-space indented, with `raw` values written as expressions. */
function tsObject(value: Record<string, unknown>, raw: Record<string, string> = {}, indent = '  '): string {
  const literal = (v: unknown): string =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? `{ ${Object.entries(v)
          .map(([k, x]) => `${k}: ${literal(x)}`)
          .join(', ')} }`
      : JSON.stringify(v);
  const lines = Object.entries(value).map(([k, v]) => `${indent}  ${k}: ${raw[k] ?? literal(v)},`);
  return `${indent}{\n${lines.join('\n')}\n${indent}}`;
}

/** The first catalogue entry and its dataset: Mobili-Jeune VTE for Action Logement, else a placeholder. */
function catalogueFor(label: string, slice: string) {
  if (isActionLogement(label)) {
    return {
      firstSlug: 'mobili-jeune-vte',
      natureSentence: "the catalogue is REAL (Mobili-Jeune VTE, quoted from the programme's documents).",
      dataset: tsObject(
        {
          id: '',
          title: "Panier de services d'Action Logement pour les Territoires d'industrie (catalogue)",
          publisher: "Délégation aux Territoires d'industrie (ANCT), Action Logement",
          licence: 'Licence Ouverte / Etalab 2.0',
          url: 'https://agence-cohesion-territoires.gouv.fr/territoires-dindustrie-44',
          date: '2020-12-15',
          nature: 'REAL',
          note: "Quoted from the programme's documents (assemblée générale du 15 décembre 2020): « aide Mobili-Jeune VTE octroyée par Action Logement, permettant de prendre en charge une partie du loyer mensuel, jusqu'à 100 €, pendant un an pour le jeune ».",
        },
        { id: 'DATASET_CATALOGUE' },
      ),
      entries: [
        tsObject(
          {
            id: '',
            slug: 'mobili-jeune-vte',
            name: 'Mobili-Jeune VTE',
            operator: '',
            carrier: null,
            axes: ['RECRUIT'],
            description:
              "Aide aux jeunes recrutés en VTE : prise en charge d'une partie du loyer mensuel, jusqu'à 100 € par mois, pendant un an.",
            financial: true,
            sampleAmountEur: { min: 100, max: 1200, step: 100 },
            datasetId: '',
          },
          { id: "serviceId('mobili-jeune-vte')", operator: 'OPERATOR', datasetId: 'DATASET_CATALOGUE' },
        ),
      ],
    };
  }
  return {
    firstSlug: 'service-exemple',
    natureSentence: `the catalogue holds one PLACEHOLDER service (SAMPLE) to replace with ${label}'s real services.`,
    dataset: tsObject(
      {
        id: '',
        title: `Catalogue ${of(label)} (exemple écrit par le scaffold, à remplacer)`,
        publisher: "Hub Territoires d'industrie (generated)",
        licence: 'Licence Ouverte / Etalab 2.0',
        url: null,
        date: '2025-12-31',
        nature: 'SAMPLE',
        note: `Placeholder written by npm run scaffold: replace the entry of subgraphs/<name>/catalogue.ts with ${label}'s services as named in the programme's documents, then set this dataset to REAL with its source.`,
      },
      { id: 'DATASET_CATALOGUE' },
    ),
    entries: [
      tsObject(
        {
          id: '',
          slug: 'service-exemple',
          name: `Service d'exemple ${of(label)} (à remplacer)`,
          operator: '',
          carrier: null,
          axes: ['ATTRACT'],
          description: `Placeholder service of the ${slice} slice written by the scaffold: replace it with a real service of the panier de services.`,
          financial: true,
          sampleAmountEur: { min: 1000, max: 50000, step: 500 },
          datasetId: '',
        },
        { id: "serviceId('service-exemple')", operator: 'OPERATOR', datasetId: 'DATASET_CATALOGUE' },
      ),
    ],
  };
}

function templateFiles(dir = TEMPLATE_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? templateFiles(join(dir, e.name)) : e.name.endsWith('.tmpl') ? [join(dir, e.name)] : [],
    )
    .sort();
}

/** Every file of the new subgraph (path relative to the root → content), placeholders filled. */
export function render(
  options: ScaffoldOptions,
  operatorValues: Set<string>,
): { files: Map<string, string>; operator: string; newOperatorValue: boolean } {
  const { name, slice, operatorLabel, port } = options;
  const operator = operatorEnumValue(operatorLabel);
  const newOperatorValue = !operatorValues.has(operator);
  const catalogue = catalogueFor(operatorLabel, slice);
  const vars: Record<string, string> = {
    name,
    port: String(port),
    slice,
    Slice: slice[0]!.toUpperCase() + slice.slice(1),
    Name: pascal(name),
    ident: camel(name),
    table: `${name.replace(/-/g, '_')}_mobilisation`,
    operatorLabel,
    OPERATOR: operator,
    // The template lists the programme's four operators; values other subgraphs added, and the new one, follow.
    operatorEnumValue: [
      ...[...operatorValues]
        .filter((v) => !TEMPLATE_OPERATORS.includes(v))
        .map((v) => `  "${v} (operator of another subgraph)."\n  ${v}\n`),
      newOperatorValue ? `  "${operatorLabel} (operator added by the ${name} subgraph)."\n  ${operator}\n` : '',
    ].join(''),
    catalogueNatureSentence: catalogue.natureSentence,
    catalogueDataset: catalogue.dataset,
    catalogueEntries: catalogue.entries.join(',\n') + ',',
    sampleTitleJson: JSON.stringify(`Mobilisations ${of(operatorLabel)} par territoire (échantillon généré)`),
    declaredTitleJson: JSON.stringify(`Mobilisations déclarées par ${operatorLabel}`),
    operatorLabelJson: JSON.stringify(operatorLabel),
    // The record kind: one mobilisation of a catalogue service, with its GraphQL names.
    Kind: `${slice[0]!.toUpperCase() + slice.slice(1)}Mobilisation`,
    kindField: 'mobilisation',
    kindList: 'mobilisations',
    scope: `${name}:write`,
    refPrefix: samplePrefix(operator),
    serviceIdExample: `${slice}:${catalogue.firstSlug}`,
    ENV: envKey(name),
  };
  const files = new Map<string, string>();
  for (const file of templateFiles()) {
    const rel = relative(TEMPLATE_DIR, file).replace(/\.tmpl$/, '');
    const content = readFileSync(file, 'utf8').replace(/\{\{(\w+)\}\}/g, (match, key: string) => {
      if (!(key in vars)) throw new ScaffoldError(`template ${rel}: unknown placeholder ${match}`, 1);
      return vars[key]!;
    });
    files.set(rel === 'schema.graphql' ? `schema/${name}.graphql` : `subgraphs/${name}/${rel}`, content);
  }
  return { files, operator, newOperatorValue };
}

/** The SDL with `value` added at the end of its `enum Operator` (unchanged when it declares none, or has it already). */
export function withOperatorValue(sdl: string, value: string, description: string): string {
  const match = /\nenum Operator\s*\{([^}]*)\n\}/.exec(sdl);
  if (!match || new RegExp(`^\\s*${value}\\s*$`, 'm').test(match[1]!)) return sdl;
  const end = match.index + match[0].length - 2;
  return `${sdl.slice(0, end)}\n  ${JSON.stringify(description)}\n  ${value}${sdl.slice(end)}`;
}

/** supergraph.yaml with the new entry inserted at the end of the `subgraphs:` map, every other byte unchanged. */
export function appendEntry(yamlText: string, name: string, routingUrl: string): string {
  const lines = yamlText.split('\n');
  const start = lines.findIndex((l) => /^subgraphs:\s*(#.*)?$/.test(l));
  if (start < 0) throw new ScaffoldError('schema/supergraph.yaml: no block-style "subgraphs:" map to append to', 1);
  let last = start;
  let indent = '  ';
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s+\S/.test(line)) {
      if (last === start) indent = /^(\s+)/.exec(line)![1]!;
      last = i;
    } else if (line.trim() !== '' && !line.startsWith('#')) break;
  }
  const entry = [
    `${indent}${name}:`,
    `${indent}${indent}routing_url: ${routingUrl}`,
    `${indent}${indent}schema:`,
    `${indent}${indent}${indent}file: ./${name}.graphql`,
  ];
  lines.splice(last + 1, 0, ...entry);
  const text = lines.join('\n');
  // The other entries must read exactly as before.
  const before = parseYaml(yamlText) as { subgraphs: Record<string, unknown> };
  const after = parseYaml(text) as { subgraphs: Record<string, unknown> };
  const { [name]: added, ...rest } = after.subgraphs ?? {};
  if (JSON.stringify(rest) !== JSON.stringify(before.subgraphs) || !added) {
    throw new ScaffoldError(
      'schema/supergraph.yaml: could not append the entry without changing the others; add it by hand',
      1,
    );
  }
  return text;
}

export async function scaffold(options: ScaffoldOptions): Promise<ScaffoldResult> {
  const root = resolve(options.root ?? DEFAULT_ROOT);
  const yamlFile = join(root, 'schema', 'supergraph.yaml');
  if (!existsSync(yamlFile) || !existsSync(join(root, 'subgraphs', 'runtime'))) {
    throw new ScaffoldError(
      `--root ${root}: not a hub repository (schema/supergraph.yaml and subgraphs/runtime/ expected)`,
      2,
    );
  }
  const list = readSubgraphList(yamlFile, {});
  validate(options, root, list);
  const { operatorValues } = existingDeclarations(list);
  const { files, operator, newOperatorValue } = render(options, operatorValues);
  const { name, port } = options;
  const host = list[0] ? new URL(list[0].url).hostname : '127.0.0.1';
  const routingUrl = `http://${host}:${port}/graphql`;

  // Operator is also an input enum (the programme's `services(operator:)`), so federation wants its values identical
  // in every subgraph that declares it: a new value goes into each of them, and nothing else of theirs changes.
  const sources = sourcesFromList(list);
  const sdlEdits = new Map<string, { file: string; before: string; after: string }>();
  if (newOperatorValue) {
    for (const [i, source] of sources.entries()) {
      const after = withOperatorValue(
        source.sdl,
        operator,
        `${options.operatorLabel} (operator added by the ${name} subgraph).`,
      );
      if (after === source.sdl) continue;
      sdlEdits.set(source.name, { file: list[i]!.sdlFile, before: source.sdl, after });
      source.sdl = after;
    }
  }
  // Compose before writing anything: a clash with another subgraph leaves the tree untouched.
  const result = compose([...sources, { name, url: routingUrl, sdl: files.get(`schema/${name}.graphql`)! }]);
  if (!result.ok) {
    throw new ScaffoldError(
      `composition with the ${list.length} listed subgraphs fails, nothing was written:\n${formatProblems(result.errors)}`,
      1,
    );
  }
  // Written as `npm run format` would: `prettier --check .` (in `npm test`) passes right after scaffolding.
  for (const [rel, content] of files) {
    if (!rel.endsWith('.ts')) continue; // .graphql, .md and .csv are not Prettier's (.prettierignore)
    const config = (await resolveConfig(join(root, rel))) ?? {};
    files.set(rel, await format(content, { ...config, filepath: join(root, rel) }));
  }
  const yamlBefore = readFileSync(yamlFile, 'utf8');
  const yamlAfter = appendEntry(yamlBefore, name, routingUrl);

  const written: string[] = [];
  try {
    for (const [rel, content] of files) {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      writeFileSync(join(root, rel), content, { flag: 'wx' });
      written.push(rel);
    }
    writeFileSync(yamlFile, yamlAfter);
    for (const edit of sdlEdits.values()) writeFileSync(edit.file, edit.after);
    if (options.writeSupergraph)
      writeFileSync(join(root, 'schema', 'supergraph.graphql'), supergraphFileContent(result.supergraphSdl));
  } catch (error) {
    writeFileSync(yamlFile, yamlBefore);
    for (const edit of sdlEdits.values()) writeFileSync(edit.file, edit.before);
    rmSync(join(root, 'subgraphs', name), { recursive: true, force: true });
    rmSync(join(root, 'schema', `${name}.graphql`), { force: true });
    throw new ScaffoldError(
      `writing the subgraph failed, everything was removed again: ${(error as Error).message}`,
      1,
    );
  }
  return {
    name,
    operator,
    newOperatorValue,
    files: written,
    operatorValueAddedTo: [...sdlEdits.values()].map((e) => relative(root, e.file)),
    subgraphs: [...list.map((s) => s.name), name],
    compositionHints: result.hints,
  };
}

const USAGE = `usage: npm run scaffold -- <name> --operator-label "<label>" --slice <slice> --port <port> [--root <dir>] [--compose]
  <name>            kebab-case subgraph name, e.g. action-logement (folder subgraphs/<name>/, SDL schema/<name>.graphql)
  --operator-label  the operator as written in French, e.g. "Action Logement" (enum value ACTION_LOGEMENT)
  --slice           Territory field named for the function, e.g. housing (Territory.housing, Query.housingCatalogue…)
  --port            default port of the subgraph (routing URL in schema/supergraph.yaml), e.g. 4006
  --root            repository to scaffold into (default: this one)
  --compose         also write schema/supergraph.graphql (default: composition is only checked; run npm run compose)`;

if (import.meta.url === `file://${process.argv[1]}`) {
  let options: ScaffoldOptions;
  try {
    const { values, positionals } = parseArgs({
      args: process.argv.slice(2),
      allowPositionals: true,
      strict: true,
      options: {
        'operator-label': { type: 'string' },
        slice: { type: 'string' },
        port: { type: 'string' },
        root: { type: 'string' },
        compose: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      console.log(USAGE);
      process.exit(0);
    }
    if (positionals.length !== 1)
      throw new Error(
        positionals.length ? `one name expected, got ${positionals.join(' ')}` : 'the subgraph name is missing',
      );
    options = {
      name: positionals[0]!,
      operatorLabel: values['operator-label'] ?? '',
      slice: values.slice ?? '',
      port: values.port && /^\d+$/.test(values.port) ? Number(values.port) : NaN,
      root: values.root,
      writeSupergraph: values.compose,
    };
  } catch (error) {
    console.error(`scaffold: ${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  try {
    const r = await scaffold(options);
    const root = resolve(options.root ?? DEFAULT_ROOT);
    console.log(
      `scaffolded subgraph "${r.name}" (${options.operatorLabel}, Territory.${options.slice}, port ${options.port}) in ${root}:`,
    );
    for (const f of r.files) console.log(`  + ${f}`);
    console.log(`  ~ schema/supergraph.yaml (entry "${r.name}" appended)`);
    for (const f of r.operatorValueAddedTo) console.log(`  ~ ${f} (Operator value ${r.operator} added)`);
    console.log(
      r.newOperatorValue
        ? `Operator enum: value ${r.operator} declared in schema/${r.name}.graphql and added to every subgraph declaring Operator (an input enum too: federation wants the same values everywhere).`
        : `Operator enum: value ${r.operator} already exists; reused.`,
    );
    console.log(
      `composition of ${r.subgraphs.length} subgraphs: OK (${r.compositionHints.length} hint(s))${options.writeSupergraph ? ' → schema/supergraph.graphql written' : ''}`,
    );
    console.log(`next steps:
  ${options.writeSupergraph ? '' : 'npm run compose                                # writes schema/supergraph.graphql with the new subgraph\n  '}npx vitest run subgraphs/${r.name}                # its own tests: batching, provenance, writes over HTTP, pages, import
  npm run typecheck
  npm run subgraph -- ${r.name}                     # alone on port ${options.port}; or npm start for the whole hub
  then replace the catalogue of subgraphs/${r.name}/catalogue.ts with ${options.operatorLabel}'s services (the sample of sample.ts stays SAMPLE),
  and commit subgraphs/${r.name}/, schema/${r.name}.graphql, schema/supergraph.yaml and schema/supergraph.graphql together.`);
  } catch (error) {
    if (error instanceof ScaffoldError) {
      console.error(`scaffold: ${error.exitCode === 2 ? 'invalid arguments' : 'failed'}:\n${error.message}`);
      process.exit(error.exitCode);
    }
    throw error;
  }
}
