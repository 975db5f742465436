// `npm run check -- <subgraph> [--sdl proposed.graphql] [--accept-breaking] [--json]`
// Composes a subgraph's proposed SDL with the other subgraphs' SDL files and compares the API schema
// clients would see with the one of the released supergraph (schema/supergraph.graphql).
// Exit codes: 0 no breaking change (or all accepted), 1 breaking changes, 2 composition errors or bad usage.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { Supergraph } from '@apollo/federation-internals';
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';
import type { GraphQLSchema } from 'graphql';
import { readSubgraphList, ROOT, SUPERGRAPH_FILE, SUPERGRAPH_YAML } from '../subgraphs/runtime/registry.ts';
import { compose, sourcesFromList, type CompositionProblem } from './compose.ts';

export type Level = 'breaking' | 'dangerous' | 'safe';

export interface SchemaChange {
  level: Level;
  /** Coordinate in the API schema, e.g. `Territory.population` or `Query.territories.region`. */
  path: string;
  /** graphql-inspector change type, e.g. FIELD_REMOVED. */
  type: string;
  message: string;
  /** What it means for the clients of the graph. */
  explanation: string;
  /** Subgraphs defining that coordinate (in the proposed composition, or in the baseline for removals). */
  subgraphs: string[];
}

export interface CheckReport {
  subgraph: string;
  /** The proposed SDL file that was composed. */
  sdl: string;
  /** What the proposal is compared with: a supergraph file or `git:<ref>`. */
  against: string;
  /** Subgraphs composed together (from supergraph.yaml). */
  subgraphs: string[];
  /** `passed`: no breaking change; `accepted`: breaking changes let through by --accept-breaking. */
  status: 'passed' | 'accepted' | 'breaking' | 'composition-failed';
  compositionErrors: CompositionProblem[];
  breaking: SchemaChange[];
  dangerous: SchemaChange[];
  safe: SchemaChange[];
  exitCode: 0 | 1 | 2;
}

export interface CheckOptions {
  subgraph: string;
  /** Proposed SDL file; default: the subgraph's file as listed in the config. */
  sdlFile?: string;
  /** supergraph.yaml listing the subgraphs; default schema/supergraph.yaml. */
  config?: string;
  /** Supergraph SDL of the release to compare with; default the text of schema/supergraph.graphql. */
  baselineSdl?: string;
  against?: string;
  acceptBreaking?: boolean;
}

export class UsageError extends Error {}

/** The API schema (what clients can query) of a supergraph: federation's join/link machinery removed. */
export function apiSchemaOf(supergraphSdl: string): GraphQLSchema {
  return Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
}

export async function diffSupergraphs(beforeSdl: string, afterSdl: string): Promise<SchemaChange[]> {
  const before = Supergraph.build(beforeSdl);
  const after = Supergraph.build(afterSdl);
  const changes = await diff(before.apiSchema().toGraphQLJSSchema(), after.apiSchema().toGraphQLJSSchema());
  return changes.map((c) => {
    const path = c.path ?? '(schema)';
    const owners = ownersOf(after, path);
    return {
      level: levelOf(c),
      path,
      type: String(c.type),
      message: c.message,
      explanation: explain(c),
      subgraphs: owners.length ? owners : ownersOf(before, path),
    };
  });
}

/** The subgraphs whose SDL defines the type (and field or enum value) of a coordinate `Type.field.arg`. */
function ownersOf(supergraph: Supergraph, path: string): string[] {
  const [typeName, member] = path.split('.');
  if (!typeName) return [];
  return supergraph
    .subgraphs()
    .values()
    .filter((subgraph) => {
      const type = subgraph.schema.type(typeName) as
        { field?(n: string): unknown; value?(n: string): unknown } | undefined;
      if (!type || !member) return !!type;
      return !!(type.field?.(member) ?? type.value?.(member));
    })
    .map((s) => s.name);
}

export async function check(options: CheckOptions): Promise<CheckReport> {
  const config = options.config ?? SUPERGRAPH_YAML;
  const list = readSubgraphList(config, {});
  const entry = list.find((s) => s.name === options.subgraph);
  if (!entry) {
    throw new UsageError(
      `unknown subgraph "${options.subgraph}". Known subgraphs (from ${display(config)}): ${list.map((s) => s.name).join(', ')}`,
    );
  }
  const sdlFile = resolve(options.sdlFile ?? entry.sdlFile);
  if (!existsSync(sdlFile)) throw new UsageError(`SDL file not found: ${sdlFile}`);
  const proposed = readFileSync(sdlFile, 'utf8');
  const sources = sourcesFromList(list).map((s) => (s.name === entry.name ? { ...s, sdl: proposed } : s));
  const baselineSdl = options.baselineSdl ?? readFileSync(SUPERGRAPH_FILE, 'utf8');

  const report: CheckReport = {
    subgraph: entry.name,
    sdl: display(sdlFile),
    against: options.against ?? display(SUPERGRAPH_FILE),
    subgraphs: list.map((s) => s.name),
    status: 'passed',
    compositionErrors: [],
    breaking: [],
    dangerous: [],
    safe: [],
    exitCode: 0,
  };

  const composed = compose(sources);
  if (!composed.ok) {
    return { ...report, status: 'composition-failed', compositionErrors: composed.errors, exitCode: 2 };
  }
  try {
    Supergraph.build(baselineSdl);
  } catch (error) {
    throw new UsageError(
      `the baseline supergraph (${report.against}) is not a valid supergraph: ${(error as Error).message}`,
    );
  }
  const changes = await diffSupergraphs(baselineSdl, composed.supergraphSdl);
  report.breaking = changes.filter((c) => c.level === 'breaking');
  report.dangerous = changes.filter((c) => c.level === 'dangerous');
  report.safe = changes.filter((c) => c.level === 'safe');
  if (report.breaking.length) {
    report.status = options.acceptBreaking ? 'accepted' : 'breaking';
    report.exitCode = options.acceptBreaking ? 0 : 1;
  }
  return report;
}

function levelOf(change: Change): Level {
  if (change.criticality.level === CriticalityLevel.Breaking) return 'breaking';
  if (change.criticality.level === CriticalityLevel.Dangerous) return 'dangerous';
  return 'safe';
}

/** Plain-language consequences for the clients; graphql-inspector's own reason otherwise. */
function explain(change: Change): string {
  const m = change.meta as Record<string, unknown>;
  switch (change.type) {
    case 'FIELD_REMOVED':
      return `Queries selecting ${m.typeName}.${m.removedFieldName} will be rejected: the field no longer exists. Deprecate it (@deprecated) for a release before removing it.`;
    case 'FIELD_TYPE_CHANGED':
      return `Clients reading ${m.typeName}.${m.fieldName} expect ${m.oldFieldType} and would get ${m.newFieldType}: generated types, parsers and spreadsheets built on the old type break.`;
    case 'FIELD_ARGUMENT_ADDED':
      return m.hasDefaultValue || !String(m.addedArgumentType).endsWith('!')
        ? `New optional argument ${m.addedArgumentName} on ${m.typeName}.${m.fieldName}: existing queries still work, but the field's results may now depend on it (check the default behaviour is unchanged).`
        : `Queries calling ${m.typeName}.${m.fieldName} without the new required argument ${m.addedArgumentName} will be rejected. Make it optional or give it a default value.`;
    case 'FIELD_ARGUMENT_REMOVED':
      return `Queries passing ${m.removedArgumentName} to ${m.typeName}.${m.fieldName} will be rejected: the argument no longer exists.`;
    case 'FIELD_ARGUMENT_TYPE_CHANGED':
      return String(m.newArgumentType) === `${m.oldArgumentType}!`
        ? `Argument ${m.argumentName} of ${m.typeName}.${m.fieldName} became required: queries that omit it or pass null will be rejected.`
        : `Argument ${m.argumentName} of ${m.typeName}.${m.fieldName} changed type from ${m.oldArgumentType} to ${m.newArgumentType}: queries and variables of the old type ${change.criticality.level === CriticalityLevel.Breaking ? 'will be rejected' : 'still work'}.`;
    case 'FIELD_ARGUMENT_DEFAULT_CHANGED':
      return `The default value of ${m.argumentName} on ${m.typeName}.${m.fieldName} changed: queries that omit it silently get different results.`;
    case 'ENUM_VALUE_REMOVED':
      return `Queries and variables using ${m.enumName}.${m.removedEnumValueName} will be rejected, and clients can no longer filter on it.`;
    case 'ENUM_VALUE_ADDED':
      return `Responses may now contain ${m.enumName}.${m.addedEnumValueName}: clients that handle every known value of ${m.enumName} (switch, lookup table, dropdown) must handle the new one.`;
    case 'TYPE_REMOVED':
      return `Type ${m.removedTypeName} no longer exists: fragments and variables naming it will be rejected.`;
    case 'TYPE_KIND_CHANGED':
      return `Type ${m.typeName} changed kind (${m.oldTypeKind} → ${m.newTypeKind}): operations using it are likely to be rejected.`;
    case 'INPUT_FIELD_REMOVED':
      return `Variables and literals setting ${m.inputName}.${m.removedFieldName} will be rejected.`;
    case 'INPUT_FIELD_ADDED':
      return String(m.addedInputFieldType).endsWith('!') && !m.addedFieldDefault
        ? `Every existing use of input ${m.inputName} lacks the new required field ${m.addedInputFieldName} and will be rejected.`
        : `New optional input field ${m.inputName}.${m.addedInputFieldName}: existing queries still work.`;
    case 'UNION_MEMBER_ADDED':
      return `${m.unionName} can now return ${m.addedUnionMemberTypeName}: clients that handle every member must handle the new one.`;
    case 'UNION_MEMBER_REMOVED':
      return `${m.unionName} no longer includes ${m.removedUnionMemberTypeName}: fragments on it inside ${m.unionName} will be rejected.`;
    case 'FIELD_ADDED':
      return 'New field: existing queries are unaffected.';
    case 'TYPE_ADDED':
      return 'New type: existing queries are unaffected.';
    default:
      if (change.criticality.reason) return change.criticality.reason;
      return levelOf(change) === 'safe' ? 'Existing queries are unaffected.' : change.message;
  }
}

function display(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}

const isDescriptionOnly = (c: SchemaChange) => /DESCRIPTION/.test(c.type);

/** Human-readable report. Without `verbose`, safe changes inside added types and description edits are summed up. */
export function formatReport(report: CheckReport, options: { verbose?: boolean } = {}): string {
  const lines: string[] = [];
  lines.push(`Schema check of subgraph "${report.subgraph}" (${report.sdl}) against ${report.against}`);
  lines.push(`composed with: ${report.subgraphs.join(', ')}`);
  if (report.status === 'composition-failed') {
    lines.push('', `✗ Composition failed with ${report.compositionErrors.length} error(s):`);
    for (const e of report.compositionErrors)
      lines.push(`  [${e.subgraphs.join(', ') || 'supergraph'}] ${e.code}: ${e.message}`);
    lines.push(
      '',
      'Fix the SDL so that it composes with the other subgraphs (`npm run compose` shows the same errors).',
    );
    return lines.join('\n');
  }
  const from = (c: SchemaChange) =>
    c.subgraphs.length && !c.subgraphs.includes(report.subgraph) ? `  (from ${c.subgraphs.join(', ')})` : '';
  const section = (title: string, changes: SchemaChange[], mark: string) => {
    if (!changes.length) return;
    lines.push('', `${title} (${changes.length}):`);
    for (const c of changes) {
      lines.push(`  ${mark} ${c.path}  [${c.type}]${from(c)}`, `      ${c.message}`);
      if (c.level !== 'safe') lines.push(`      → ${c.explanation}`);
    }
  };
  section(
    report.status === 'accepted' ? 'Breaking changes ACCEPTED with --accept-breaking' : 'Breaking changes',
    report.breaking,
    '✗',
  );
  section('Dangerous changes', report.dangerous, '!');
  if (options.verbose) {
    section('Safe changes', report.safe, '+');
  } else if (report.safe.length) {
    const added = new Set(report.safe.filter((c) => c.type === 'TYPE_ADDED').map((c) => c.path));
    const shown = report.safe.filter(
      (c) => (!isDescriptionOnly(c) && !added.has(c.path.split('.')[0]!)) || c.type === 'TYPE_ADDED',
    );
    const descriptions = report.safe.filter((c) => isDescriptionOnly(c) && !added.has(c.path.split('.')[0]!)).length;
    lines.push('', `Safe changes (${report.safe.length}):`);
    for (const c of shown)
      lines.push(`  + ${c.path}  [${c.type}]${c.type === 'TYPE_ADDED' ? ' with its fields' : ''}${from(c)}`);
    const hidden = report.safe.length - shown.length - descriptions;
    if (descriptions) lines.push(`  + ${descriptions} description change(s)`);
    if (hidden) lines.push(`  + ${hidden} field(s), value(s) and description(s) inside the added types`);
    if (descriptions || hidden) lines.push('  (--verbose lists every change)');
  }
  const all = [...report.breaking, ...report.dangerous, ...report.safe];
  const elsewhere = [
    ...new Set(
      all.filter((c) => c.subgraphs.length && !c.subgraphs.includes(report.subgraph)).flatMap((c) => c.subgraphs),
    ),
  ];
  lines.push('');
  if (elsewhere.length) {
    lines.push(
      `Note: some changes come from other subgraphs (${elsewhere.join(', ')}): ${report.against} is behind their SDL files. Run \`npm run compose\` after checking them.`,
    );
  }
  if (report.status === 'breaking') {
    lines.push(
      `✗ ${report.breaking.length} breaking change(s): clients of the graph would break. Deprecate first, or pass --accept-breaking once the clients are ready.`,
    );
  } else if (report.status === 'accepted') {
    lines.push(
      `✓ ${report.breaking.length} breaking change(s) accepted with --accept-breaking; ${report.dangerous.length} dangerous, ${report.safe.length} safe.`,
    );
  } else if (!all.length) {
    lines.push('✓ No change to the API schema.');
  } else {
    lines.push(
      `✓ No breaking change; ${report.dangerous.length} dangerous, ${report.safe.length} safe. Run \`npm run compose\` to update schema/supergraph.graphql.`,
    );
  }
  return lines.join('\n');
}

const USAGE = `usage: npm run check -- <subgraph> [--sdl proposed.graphql] [--accept-breaking] [--json] [--verbose]
                       [--config schema/supergraph.yaml] [--against supergraph.graphql | --against git:<ref>]
  Composes the proposed SDL of <subgraph> (default: its file in the work tree) with the other subgraphs'
  SDL files and compares the API schema with the released supergraph (default: schema/supergraph.graphql).
  Exit codes: 0 no breaking change, 1 breaking changes, 2 composition errors or bad usage.`;

interface Cli {
  subgraph?: string;
  sdl?: string;
  config?: string;
  against?: string;
  acceptBreaking: boolean;
  json: boolean;
  verbose: boolean;
  help: boolean;
}

export function parseArgs(argv: string[]): Cli {
  const cli: Cli = { acceptBreaking: false, json: false, verbose: false, help: false };
  const value = (i: number, name: string) => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${name} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    switch (arg) {
      case '--sdl':
        cli.sdl = value(i++, arg);
        break;
      case '--config':
        cli.config = value(i++, arg);
        break;
      case '--against':
        cli.against = value(i++, arg);
        break;
      case '--accept-breaking':
        cli.acceptBreaking = true;
        break;
      case '--json':
        cli.json = true;
        break;
      case '-v':
      case '--verbose':
        cli.verbose = true;
        break;
      case '-h':
      case '--help':
        cli.help = true;
        break;
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
        if (cli.subgraph) throw new UsageError(`one subgraph at a time (got "${cli.subgraph}" and "${arg}")`);
        cli.subgraph = arg;
    }
  }
  return cli;
}

/** `--against path` reads a supergraph file; `--against git:<ref>` the schema/supergraph.graphql of a commit. */
function readBaseline(against: string): string {
  if (against.startsWith('git:')) {
    const ref = against.slice(4);
    try {
      return execFileSync('git', ['show', `${ref}:${relative(ROOT, SUPERGRAPH_FILE)}`], {
        cwd: ROOT,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (error) {
      throw new UsageError(
        `cannot read schema/supergraph.graphql at git ref "${ref}": ${String((error as { stderr?: string }).stderr ?? error).trim()}`,
      );
    }
  }
  if (!existsSync(against)) throw new UsageError(`baseline supergraph not found: ${against}`);
  return readFileSync(against, 'utf8');
}

async function main(argv: string[]): Promise<number> {
  let cli: Cli;
  try {
    cli = parseArgs(argv);
    if (cli.help) {
      console.log(USAGE);
      return 0;
    }
    if (!cli.subgraph) throw new UsageError('which subgraph? Give its name as in schema/supergraph.yaml');
    const report = await check({
      subgraph: cli.subgraph,
      sdlFile: cli.sdl,
      config: cli.config,
      baselineSdl: cli.against ? readBaseline(cli.against) : undefined,
      against: cli.against,
      acceptBreaking: cli.acceptBreaking,
    });
    if (cli.json) console.log(JSON.stringify(report, null, 2));
    else (report.exitCode === 0 ? console.log : console.error)(formatReport(report, { verbose: cli.verbose }));
    return report.exitCode;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`check: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    console.error(`check: ${(error as Error).stack ?? error}`);
    return 2;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = await main(process.argv.slice(2));
}
