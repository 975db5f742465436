import type { GraphQLResolverMap } from '@apollo/subgraph/dist/schema-helper/resolverMap.js';
import { sql, type Kysely } from 'kysely';
import { badInput, notFound } from '../runtime/errors.ts';
import type { SubgraphContext } from '../runtime/subgraph.ts';
import { searchable } from '../territories/db.ts';
import { OPERATORS } from './catalogue.ts';
import { splitList, type PanierServiceRow, type ProgrammeDB } from './db.ts';
import type { ProgrammeLoaders } from './loaders.ts';

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

const documentOf = (row: { document?: string; source?: string }, _: unknown, ctx: ProgrammeContext) =>
  ctx.loaders.document.load((row.document ?? row.source)!);

export const resolvers: GraphQLResolverMap<ProgrammeContext> = {
  // GraphQL enum values ↔ the phase labels stored in the database.
  Phase: { PHASE_2019_2022: '2019-2022', PHASE_2023_2027: '2023-2027' } as never,

  Query: {
    async services(_: unknown, args: ServicesArgs, ctx: ProgrammeContext) {
      let query = ctx.db.selectFrom('panier_service').selectAll();
      if (args.axis) query = query.where('axes', 'like', `%;${args.axis};%`);
      if (args.audience) query = query.where('audiences', 'like', `%;${args.audience};%`);
      if (args.operator != null) {
        if (!(OPERATORS as readonly string[]).includes(args.operator))
          throw badInput(
            'operator',
            `"${args.operator.slice(0, 40)}" is not an operator of the catalogue (${OPERATORS.join(', ')})`,
          );
        query = query.where('operator', '=', args.operator);
      }
      if (args.carrier != null) {
        const carrier = searchable(args.carrier);
        if (!carrier || carrier.length > 100) throw badInput('carrier', 'must be 1 to 100 characters');
        const pattern = `%${carrier.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        query = query.where(sql<boolean>`search_carrier like ${pattern} escape '\\'`);
      }
      const rows = await query.orderBy('position').execute();
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

    programme: () => ({}),

    programmeDatasets: (_: unknown, __: unknown, ctx: ProgrammeContext) =>
      ctx.db.selectFrom('dataset').selectAll().orderBy('id').execute(),
  },

  Programme: {
    milestones: (_: unknown, __: unknown, ctx: ProgrammeContext) =>
      ctx.db.selectFrom('milestone').selectAll().orderBy('position').execute(),
    commitments: (_: unknown, __: unknown, ctx: ProgrammeContext) =>
      ctx.db.selectFrom('commitment').selectAll().orderBy('position').execute(),
    phases: (_: unknown, __: unknown, ctx: ProgrammeContext) =>
      ctx.db.selectFrom('programme_phase').selectAll().orderBy('position').execute(),
    async documents(_: unknown, __: unknown, ctx: ProgrammeContext) {
      const rows = await ctx.db.selectFrom('programme_document').selectAll().orderBy('id').execute();
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
};
