// Maps the programme subgraph's rows to its schema; no SQL here (repository.ts, and the kit's pages and writes), no
// validation of records (their declarations in records.ts do it, through the kit).
import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import type { Kysely } from 'kysely';
import { ACTION_SHEET_ID } from '../runtime/action-sheets.ts';
import { badInput, notFound } from '../runtime/errors.ts';
import { pageRequest, type PageArgs } from '../runtime/loaders.ts';
import { findTerritory, isKnownTerritory, loadGeography, parseTerritoryId } from '../runtime/perimeters.ts';
import type { SubgraphContext } from '../runtime/subgraph.ts';
import { createOne, deleteOne, updateOne } from '../runtime/writes.ts';
import { searchable } from '../territories/db.ts';
import { DATASETS, DATASET_IDS, OPERATORS } from './catalogue.ts';
import {
  splitList,
  type ActionSheetRow,
  type ContractRow,
  type GovernanceRow,
  type PanierServiceRow,
  type ProgrammeDB,
} from './db.ts';
import type { ProgrammeLoaders } from './loaders.ts';
import { actionSheetRecord, contractRecord, governanceRecord } from './records.ts';
import * as repository from './repository.ts';

export interface ProgrammeContext extends SubgraphContext {
  db: Kysely<ProgrammeDB>;
  loaders: ProgrammeLoaders;
}

interface ServicesArgs {
  axis?: string | null;
  operator?: string | null;
  carrier?: string | null;
  audience?: string | null;
}

/** A territory's contract or governance: the territory, and what its team declared (null when nothing). */
interface Declared<R> {
  territoryId: string;
  row: R | null;
}

const documentOf = (row: { document?: string; source?: string }, _: unknown, ctx: ProgrammeContext) =>
  ctx.loaders.document.load((row.document ?? row.source)!);

const dataset = (id: string) => DATASETS.find((d) => d.id === id)!;
/** Contracts and governance: the parties and co-pilot derived for every territory, plus what the territory declared. */
const declaredProvenance = (row: unknown) => ({
  nature: 'DERIVED',
  datasets: row ? [dataset(DATASET_IDS.contracts), dataset(DATASET_IDS.declared)] : [dataset(DATASET_IDS.contracts)],
});

const regionName = (territoryId: string) => {
  const code = parseTerritoryId(territoryId)!.regionCode;
  return loadGeography().regions.find((r) => r.code === code)?.name ?? code;
};

/** Who may read personal names: any caller with a valid token (a bad token is refused, like on writes). */
async function authenticated(ctx: ProgrammeContext): Promise<boolean> {
  // An answer with names must never be served from a shared cache to someone else: its Cache-Control says `private`.
  if (ctx.answer) ctx.answer.private = true;
  return !!(await ctx.identity?.());
}

type Role = 'ELECTED_OFFICIAL' | 'INDUSTRIALIST' | 'PROJECT_MANAGER' | 'REGION_CO_PILOT';
interface RoleNode {
  role: Role;
  /** Personal data: served to authenticated callers only. */
  name: string | null;
  organisation: string | null;
  personal: boolean;
}

function governanceRoles(territoryId: string, row: GovernanceRow | null): RoleNode[] {
  return [
    { role: 'ELECTED_OFFICIAL', name: row?.elected_official_name ?? null, organisation: null, personal: true },
    {
      role: 'INDUSTRIALIST',
      name: row?.industrialist_name ?? null,
      organisation: row?.industrialist_company ?? null,
      personal: true,
    },
    { role: 'PROJECT_MANAGER', name: row?.project_manager_name ?? null, organisation: null, personal: true },
    // The Région co-pilots every territory (seeds/004): its name is public, from the official geography.
    { role: 'REGION_CO_PILOT', name: null, organisation: `Région ${regionName(territoryId)}`, personal: false },
  ];
}

async function sheetWrite(
  write: Promise<{ created?: boolean; updated?: boolean; row: Record<string, unknown> }>,
): Promise<{ actionSheet: Record<string, unknown>; created: boolean; updated: boolean }> {
  const { created = false, updated = false, row } = await write;
  return { actionSheet: row, created, updated };
}

export const resolvers: GraphQLResolverMap<ProgrammeContext> = {
  // GraphQL enum values ↔ the phase labels stored in the database.
  Phase: { PHASE_2019_2022: '2019-2022', PHASE_2023_2027: '2023-2027' } as never,

  Query: {
    async services(_: unknown, args: ServicesArgs, ctx: ProgrammeContext) {
      if (args.operator != null && !(OPERATORS as readonly string[]).includes(args.operator))
        throw badInput(
          'operator',
          `"${args.operator.slice(0, 40)}" is not an operator of the catalogue (${OPERATORS.join(', ')})`,
        );
      let carrier: string | null = null;
      if (args.carrier != null) {
        carrier = searchable(args.carrier);
        if (!carrier || carrier.length > 100) throw badInput('carrier', 'must be 1 to 100 characters');
      }
      const rows = await repository.services(ctx.db, { ...args, carrier });
      for (const row of rows) ctx.loaders.service.prime(row.id, row);
      return rows;
    },

    async service(_: unknown, { id }: { id: string }, ctx: ProgrammeContext) {
      if (!/^[a-z]+:[a-z0-9-]+$/.test(id))
        throw badInput(
          'id',
          `"${id.slice(0, 60)}" is not a service id (expected <slice>:<slug>, e.g. state:fonds-friches)`,
        );
      return (await ctx.loaders.service.load(id)) ?? Promise.reject(notFound(`service "${id}"`, 'id'));
    },

    async actionSheet(_: unknown, { id }: { id: string }, ctx: ProgrammeContext) {
      if (!ACTION_SHEET_ID.test(id))
        throw badInput('id', `"${id.slice(0, 60)}" is not an action sheet id (3 to 40 letters, digits, . _ / -)`);
      return (await ctx.loaders.sheet.load(id)) ?? Promise.reject(notFound(`action sheet "${id}"`, 'id'));
    },

    programme: () => ({}),

    programmeDatasets: (_: unknown, __: unknown, ctx: ProgrammeContext) => repository.datasets(ctx.db),
  },

  Programme: {
    milestones: (_: unknown, __: unknown, ctx: ProgrammeContext) => repository.milestones(ctx.db),
    commitments: (_: unknown, __: unknown, ctx: ProgrammeContext) => repository.commitments(ctx.db),
    phases: (_: unknown, __: unknown, ctx: ProgrammeContext) => repository.phases(ctx.db),
    async documents(_: unknown, __: unknown, ctx: ProgrammeContext) {
      const rows = await repository.documents(ctx.db);
      for (const row of rows) ctx.loaders.document.prime(row.id, row);
      return rows;
    },
  },

  PanierService: {
    // Unknown ids resolve to null, as the federation spec expects for _entities.
    __resolveReference: (ref: { id: string }, ctx: ProgrammeContext) => ctx.loaders.service.load(ref.id),
    carrierKind: (s: PanierServiceRow) => s.carrier_kind,
    axes: (s: PanierServiceRow) => splitList(s.axes),
    audiences: (s: PanierServiceRow) => splitList(s.audiences),
    aidTypes: (s: PanierServiceRow) => splitList(s.aid_types),
    startDate: (s: PanierServiceRow) => s.start_date,
    submissionDeadline: (s: PanierServiceRow) => s.submission_deadline,
    amountRule: (s: PanierServiceRow) => s.amount_rule,
    inFranceRelance: (s: PanierServiceRow) => (s.in_france_relance === null ? null : s.in_france_relance === 1),
    officialUrl: (s: PanierServiceRow) => s.official_url,
    source: documentOf,
    sourceQuote: (s: PanierServiceRow) => s.source_quote,
    alsoListedAs: (s: PanierServiceRow) => splitList(s.also_listed_as),
  },

  Milestone: { source: documentOf },
  Commitment: {
    atLeast: (c: { at_least: number }) => c.at_least === 1,
    announcedOn: (c: { announced_on: string }) => c.announced_on,
    source: documentOf,
  },
  ProgrammePhase: {
    start: (p: { start_month: string }) => p.start_month,
    end: (p: { end_month: string }) => p.end_month,
    territoryCount: (p: { territory_count: number }) => p.territory_count,
    source: documentOf,
  },

  Territory: {
    // No database access: a territory of the official lists; unknown ids resolve to null.
    __resolveReference: (ref: { id: string }) =>
      parseTerritoryId(ref.id) && isKnownTerritory(ref.id) ? { id: ref.id } : null,
    async actionSheets(t: { id: string }, args: PageArgs, ctx: ProgrammeContext) {
      const page = await ctx.loaders.sheets.load(pageRequest(actionSheetRecord, t.id, args));
      return {
        totalCount: page.totalCount,
        nodes: page.rows,
        pageInfo: { hasNextPage: page.hasNextPage, endCursor: page.endCursor },
      };
    },
    contract: async (t: { id: string }, _: unknown, ctx: ProgrammeContext): Promise<Declared<ContractRow>> => ({
      territoryId: t.id,
      row: await ctx.loaders.contract.load(t.id),
    }),
    governance: async (t: { id: string }, _: unknown, ctx: ProgrammeContext): Promise<Declared<GovernanceRow>> => ({
      territoryId: t.id,
      row: await ctx.loaders.governance.load(t.id),
    }),
  },

  ActionSheet: {
    // The operators' check (schema/CONVENTIONS.md): batched, one statement; an unknown or deleted id is null.
    __resolveReference: (ref: { id: string }, ctx: ProgrammeContext) =>
      typeof ref.id === 'string' && ACTION_SHEET_ID.test(ref.id) ? ctx.loaders.sheet.load(ref.id) : null,
    axes: (s: ActionSheetRow) => splitList(s.axes),
    holder: (s: ActionSheetRow) => ({ kind: s.holder_kind, name: s.holder_name, siren: s.holder_siren }),
    partners: (s: ActionSheetRow) => splitList(s.partners),
    startDate: (s: ActionSheetRow) => s.start_date,
    endDate: (s: ActionSheetRow) => s.end_date,
    budgetEur: (s: ActionSheetRow) => (s.budget_eur == null ? null : Number(s.budget_eur)),
    territory: (s: ActionSheetRow) => ({ id: s.territory_id }),
    dataset: (s: ActionSheetRow) => dataset(s.origin === 'SAMPLE' ? DATASET_IDS.sheetsSample : DATASET_IDS.declared),
  },

  Contract: {
    territory: (c: Declared<ContractRow>) => ({ id: c.territoryId }),
    phase: (c: Declared<ContractRow>) => parseTerritoryId(c.territoryId)!.phase,
    kind: (c: Declared<ContractRow>) => c.row?.kind ?? null,
    signatureDate: (c: Declared<ContractRow>) => c.row?.signature_date ?? null,
    declared: (c: Declared<ContractRow>) => c.row !== null,
    parties(c: Declared<ContractRow>) {
      const territory = findTerritory(c.territoryId)!;
      return [
        { kind: 'STATE', name: 'État', siren: null, declared: false },
        { kind: 'REGION', name: `Région ${regionName(c.territoryId)}`, siren: null, declared: false },
        ...territory.groupements.map((g) => ({
          kind: g.nature === 'COM' ? 'COMMUNE' : 'EPCI',
          name: g.name,
          siren: g.siren,
          declared: false,
        })),
        ...splitList(c.row?.parties ?? '').map((name) => ({ kind: 'OTHER', name, siren: null, declared: true })),
      ];
    },
    nature: (c: Declared<ContractRow>) => declaredProvenance(c.row).nature,
    datasets: (c: Declared<ContractRow>) => declaredProvenance(c.row).datasets,
  },

  Governance: {
    territory: (g: Declared<GovernanceRow>) => ({ id: g.territoryId }),
    roles: (g: Declared<GovernanceRow>) => governanceRoles(g.territoryId, g.row),
    nature: (g: Declared<GovernanceRow>) => declaredProvenance(g.row).nature,
    datasets: (g: Declared<GovernanceRow>) => declaredProvenance(g.row).datasets,
  },

  GovernanceRole: {
    filled: (r: RoleNode) => !r.personal || r.name !== null,
    name: async (r: RoleNode, _: unknown, ctx: ProgrammeContext) =>
      r.personal && r.name !== null && (await authenticated(ctx)) ? r.name : null,
    organisation: async (r: RoleNode, _: unknown, ctx: ProgrammeContext) =>
      !r.personal ? r.organisation : r.organisation !== null && (await authenticated(ctx)) ? r.organisation : null,
  },

  // Written by the territory's own team (token with its `territory` claim) or ANCT, scope actions:write.
  Mutation: {
    createActionSheet: (_: unknown, { input }: { input: Record<string, unknown> }, ctx: ProgrammeContext) =>
      sheetWrite(createOne(ctx, actionSheetRecord, { ...input })),
    updateActionSheet: (
      _: unknown,
      { id, patch }: { id: string; patch: Record<string, unknown> },
      ctx: ProgrammeContext,
    ) => sheetWrite(updateOne(ctx, actionSheetRecord, id, { ...patch })),
    deleteActionSheet: async (_: unknown, { id }: { id: string }, ctx: ProgrammeContext) => ({
      reference: id,
      deleted: await deleteOne(ctx, actionSheetRecord, id),
    }),

    async createContract(_: unknown, { input }: { input: Record<string, unknown> }, ctx: ProgrammeContext) {
      const { created, row } = await createOne(ctx, contractRecord, { ...input });
      return { contract: { territoryId: row.territory_id, row }, created, updated: false };
    },
    async updateContract(
      _: unknown,
      { territoryId, patch }: { territoryId: string; patch: Record<string, unknown> },
      ctx: ProgrammeContext,
    ) {
      const { updated, row } = await updateOne(ctx, contractRecord, territoryId, { ...patch });
      return { contract: { territoryId: row.territory_id, row }, created: false, updated };
    },
    deleteContract: async (_: unknown, { territoryId }: { territoryId: string }, ctx: ProgrammeContext) => ({
      reference: territoryId,
      deleted: await deleteOne(ctx, contractRecord, territoryId),
    }),

    async createGovernance(_: unknown, { input }: { input: Record<string, unknown> }, ctx: ProgrammeContext) {
      const { created, row } = await createOne(ctx, governanceRecord, { ...input });
      return { governance: { territoryId: row.territory_id, row }, created, updated: false };
    },
    async updateGovernance(
      _: unknown,
      { territoryId, patch }: { territoryId: string; patch: Record<string, unknown> },
      ctx: ProgrammeContext,
    ) {
      const { updated, row } = await updateOne(ctx, governanceRecord, territoryId, { ...patch });
      return { governance: { territoryId: row.territory_id, row }, created: false, updated };
    },
    deleteGovernance: async (_: unknown, { territoryId }: { territoryId: string }, ctx: ProgrammeContext) => ({
      reference: territoryId,
      deleted: await deleteOne(ctx, governanceRecord, territoryId),
    }),
  },
};
