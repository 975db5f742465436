// Real figures: job seekers per territory must equal the sum of its communes' values in the copied
// France Travail CSV, recomputed here independently of the loader (own parsing, own aggregation).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSubgraph, type TestSubgraph } from '../../../test/support/harness.ts';
import { loadGeography, loadPerimeters } from '../../runtime/perimeters.ts';
import recruitment from '../subgraph.ts';
import type { RecruitmentContext } from '../resolvers.ts';

interface Basin {
  code: string;
  name: string;
  communeCount: number;
}

const dataDir = new URL('../data/', import.meta.url);
const MONTHS = [
  'janvier',
  'fevrier',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'aout',
  'septembre',
  'octobre',
  'novembre',
  'decembre',
];

/** commune → month → value, straight from the CSV: repeated copies of a series once, distinct series summed. */
function expectedCommuneSeries(): Map<string, Map<string, number>> {
  const rows = parse(readFileSync(new URL('emploi_demandeur.csv', dataDir)), { columns: true }) as Record<
    string,
    string
  >[];
  const current = loadGeography().communeByCode;
  const former = new Map<string, string>();
  for (const c of createRequire(import.meta.url)('@etalab/decoupage-administratif/data/communes.json') as {
    type: string;
    code: string;
    chefLieu?: string;
  }[]) {
    if (c.type === 'commune-deleguee' && c.chefLieu && c.chefLieu !== c.code) former.set(c.code, c.chefLieu);
  }
  const copies = new Map<string, Record<string, number>[]>(); // source code → series in order of appearance
  const occurrence = new Map<string, number>();
  for (const r of rows) {
    const [name, year] = r.YEAR!.split('_');
    const month = `${year}-${String(MONTHS.indexOf(name!) + 1).padStart(2, '0')}`;
    const k = occurrence.get(`${r.codgeo}${month}`) ?? 0;
    occurrence.set(`${r.codgeo}${month}`, k + 1);
    const list = copies.get(r.codgeo!) ?? [];
    copies.set(r.codgeo!, list);
    (list[k] ??= {})[month] = Number(r.Demandeurs_Emploi);
  }
  const result = new Map<string, Map<string, number>>();
  const kept = new Map<string, string[]>();
  for (const [source, list] of copies) {
    const code = current.has(source) ? source : former.get(source);
    if (!code || !current.has(code)) continue; // departments, regions
    for (const s of list) {
      const text = JSON.stringify(Object.entries(s).sort());
      if ((kept.get(code) ?? []).includes(text)) continue;
      kept.set(code, [...(kept.get(code) ?? []), text]);
      const total = result.get(code) ?? new Map<string, number>();
      for (const [month, value] of Object.entries(s)) total.set(month, (total.get(month) ?? 0) + value);
      result.set(code, total);
    }
  }
  return result;
}

let sub: TestSubgraph<RecruitmentContext>;
const series = expectedCommuneSeries();
const geo = loadGeography();
const perimeters = loadPerimeters();
const phase2 = perimeters.filter((t) => t.phase === '2023-2027');
const expectedMonth = (t: (typeof perimeters)[number], month: string) =>
  t.communeCodes.reduce((sum, c) => sum + (series.get(c)?.get(month) ?? 0), 0);

beforeAll(async () => {
  sub = await startTestSubgraph(recruitment);
});
afterAll(async () => {
  await sub?.stop();
});

const SLICE = `query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { id recruitment {
  jobSeekerChange(from:"2020-01", to:"2024-12") { fromValue toValue change changePercent }
  jobSeekersLatest { month value }
  jobSeekerCoverage { communesWithData communeCount populationCovered populationShare }
} } } }`;

/** The Territory entity's recruitment slice, shaped by the selection of each query. */
type Entities<R> = { _entities: { id: string; recruitment: R }[] };
interface SliceAnswer {
  jobSeekerChange: { fromValue: number; toValue: number } | null;
  jobSeekersLatest: { month: string; value: number } | null;
  jobSeekerCoverage: {
    communesWithData: number;
    communeCount: number;
    populationCovered: number;
    populationShare: number;
  };
}
interface Ranked {
  rank: number;
  territory: { id: string };
  fromValue: number;
  change: number;
  changePercent: number;
  coverage: { populationShare: number };
}

describe('job seekers per territory (REAL series, DERIVED sum)', () => {
  it('equals the sum of the communes of the perimeter in the source CSV, for every territory of 2023-2027', async () => {
    const res = await sub.execute<Entities<SliceAnswer>>(SLICE, {
      r: phase2.map((t) => ({ __typename: 'Territory', id: t.id })),
    });
    expect(res.errors).toBeUndefined();
    const byId = new Map(res.data!._entities.map((e) => [e.id, e.recruitment]));
    for (const t of phase2) {
      const got = byId.get(t.id)!;
      const covered = t.communeCodes.filter((c) => series.has(c));
      expect(got.jobSeekerCoverage.communesWithData, t.id).toBe(covered.length);
      expect(got.jobSeekerCoverage.communeCount, t.id).toBe(t.communeCodes.length);
      const pop = covered.reduce((s, c) => s + geo.communeByCode.get(c)!.population, 0);
      expect(got.jobSeekerCoverage.populationCovered, t.id).toBe(pop);
      const all = t.communeCodes.reduce((s, c) => s + geo.communeByCode.get(c)!.population, 0);
      expect(got.jobSeekerCoverage.populationShare).toBeCloseTo(pop / all, 3);
      if (covered.length === 0) {
        expect(got.jobSeekerChange).toBeNull();
        expect(got.jobSeekersLatest).toBeNull();
        continue;
      }
      expect(got.jobSeekerChange!.fromValue, t.id).toBe(expectedMonth(t, '2020-01'));
      expect(got.jobSeekerChange!.toValue, t.id).toBe(expectedMonth(t, '2024-12'));
      expect(got.jobSeekersLatest).toEqual({ month: '2024-12', value: expectedMonth(t, '2024-12') });
    }
  });

  it('keeps the commune series table: a territory month is the sum of its communes rows', async () => {
    const t = perimeters.find((p) => p.id === '2023-2027:ti-9301')!; // Aix-Marseille-Provence, includes Marseille 13055
    const db = sub.prepared.database.db;
    const rows = await db
      .selectFrom('job_seeker_commune')
      .select(['commune_code', 'value'])
      .where('commune_code', 'in', t.communeCodes)
      .where('month', '=', '2023-06')
      .execute();
    const sum = rows.reduce((s, r) => s + Number(r.value), 0);
    expect(sum).toBe(expectedMonth(t, '2023-06'));
    expect(rows.some((r) => r.commune_code === '13055')).toBe(true); // Marseille as a whole commune
    const res = await sub.execute<Entities<{ jobSeekers: unknown }>>(
      `query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { recruitment {
      jobSeekers(from:"2023-06", to:"2023-08") { month value } } } } }`,
      { r: [{ __typename: 'Territory', id: t.id }] },
    );
    expect(res.data!._entities[0]!.recruitment.jobSeekers).toEqual(
      ['2023-06', '2023-07', '2023-08'].map((month) => ({ month, value: expectedMonth(t, month) })),
    );
  });

  it('handles the source quirks: copies counted once, merged communes summed, former code 49069 → 49126', () => {
    // Bourgoin-Jallieu appears twice with identical values; Saint-Denis carries two series (Pierrefitte merged in).
    expect(series.get('38053')!.get('2020-01')).toBe(3210);
    expect(series.get('93066')!.get('2020-01')).toBe(13990 + 3580);
    expect(series.get('49126')!.get('2020-01')).toBe(1300);
  });

  it('ranks the territories by change since 2020, consistent with the source', async () => {
    const res = await sub.execute<{
      jobSeekerRanking: Ranked[];
    }>(`{ jobSeekerRanking(phase: PHASE_2023_2027, first: 200) {
      rank territory { id } fromValue toValue change changePercent coverage { communesWithData } } }`);
    expect(res.errors).toBeUndefined();
    const ranking = res.data!.jobSeekerRanking;
    const expected = phase2.filter((t) => t.communeCodes.some((c) => series.has(c)));
    expect(ranking).toHaveLength(expected.length);
    for (let i = 1; i < ranking.length; i++)
      expect(ranking[i - 1]!.changePercent).toBeGreaterThanOrEqual(ranking[i]!.changePercent);
    const top = ranking[0]!;
    const t = perimeters.find((p) => p.id === top.territory.id)!;
    expect(top.fromValue).toBe(expectedMonth(t, '2020-01'));
    expect(top.change).toBe(expectedMonth(t, '2024-12') - expectedMonth(t, '2020-01'));
    const best = Math.max(
      ...expected.map((e) => (expectedMonth(e, '2024-12') - expectedMonth(e, '2020-01')) / expectedMonth(e, '2020-01')),
    );
    expect(top.changePercent).toBeCloseTo(best * 100, 1);

    const abs = await sub.execute<{
      jobSeekerRanking: Ranked[];
    }>(`{ jobSeekerRanking(phase: PHASE_2023_2027, by: ABSOLUTE, order: ASC, first: 3, from: "2021-01", to: "2022-01") {
      rank territory { id } change } }`);
    const minChange = Math.min(...expected.map((e) => expectedMonth(e, '2022-01') - expectedMonth(e, '2021-01')));
    expect(abs.data!.jobSeekerRanking[0]!.change).toBe(minChange);
    expect(abs.data!.jobSeekerRanking.map((r) => r.rank)).toEqual([1, 2, 3]);

    const wide = await sub.execute<{ jobSeekerRanking: Ranked[] }>(
      `{ jobSeekerRanking(phase: PHASE_2019_2022, minPopulationShare: 0.5, first: 200) { coverage { populationShare } } }`,
    );
    expect(wide.data!.jobSeekerRanking.length).toBeGreaterThan(0);
    for (const r of wide.data!.jobSeekerRanking) expect(r.coverage.populationShare).toBeGreaterThanOrEqual(0.5);
  });

  it('lists the BMO basins of the territory communes', async () => {
    const bmo = parse(readFileSync(new URL('bassin_emploi_bmo.csv', dataDir)), { columns: true }) as Record<
      string,
      string
    >[];
    const basinOf = new Map(bmo.map((r) => [r.code_commune_insee, r.code_bassin_BMO]));
    const t = perimeters.find((p) => p.id === '2023-2027:ti-9301')!;
    const counts = new Map<string, number>();
    for (const c of t.communeCodes) counts.set(basinOf.get(c)!, (counts.get(basinOf.get(c)!) ?? 0) + 1);
    const res = await sub.execute<Entities<{ employmentBasins: Basin[] }>>(
      `query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { recruitment {
      employmentBasins { code name communeCount } } } } }`,
      { r: [{ __typename: 'Territory', id: t.id }] },
    );
    const basins = res.data!._entities[0]!.recruitment.employmentBasins;
    expect(new Map(basins.map((b) => [b.code, b.communeCount]))).toEqual(counts);
    expect(basins.reduce((s, b) => s + b.communeCount, 0)).toBe(t.communeCodes.length);
    expect(basins.find((b) => b.code === '9306')!.name).toBe('MARSEILLE');
  });

  it('serves the Baromètre departmental indicators of the territory departments', async () => {
    const rows = parse(readFileSync(new URL('barometre-detail-recrutement.csv', dataDir)), { columns: true }) as Record<
      string,
      string
    >[];
    const ain = rows.filter((r) => r.code_departement === '01' && r.id_indicateur === 'nombre-recrutements-jeunes');
    const t = perimeters.find((p) => p.phase === '2023-2027' && p.departmentCodes.includes('01'))!;
    type Indicator = {
      department: { code: string };
      indicator: string;
      latest: unknown;
      values: unknown[];
      dataset: { nature: string };
    };
    const res = await sub.execute<Entities<{ departmentIndicators: Indicator[] }>>(
      `query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { recruitment {
      departmentIndicators(indicator: YOUTH_HIRES) { department { code } indicator latest { date value } values { date } dataset { nature } } } } } }`,
      { r: [{ __typename: 'Territory', id: t.id }] },
    );
    expect(res.errors).toBeUndefined();
    const series01 = res.data!._entities[0]!.recruitment.departmentIndicators.find((s) => s.department.code === '01')!;
    expect(series01.indicator).toBe('YOUTH_HIRES');
    expect(series01.values).toHaveLength(ain.length);
    const last = ain.sort((a, b) => a.date!.localeCompare(b.date!))[ain.length - 1]!;
    expect(series01.latest).toEqual({ date: last.date, value: Number(last.valeur) });
    expect(series01.dataset.nature).toBe('REAL');
  });

  it('validates months', async () => {
    const q = (args: string) => sub.execute(`{ jobSeekerRanking(phase: PHASE_2023_2027, ${args}) { rank } }`);
    const cases: [string, string, string][] = [
      ['from: "2020-1"', 'from', 'from: "2020-1" is not a month (expected YYYY-MM, e.g. 2020-01)'],
      ['from: "2019-12"', 'from', 'from: 2019-12 is outside the job-seeker series (2020-01 to 2024-12)'],
      ['to: "2025-01"', 'to', 'to: 2025-01 is outside the job-seeker series (2020-01 to 2024-12)'],
      ['from: "2023-01", to: "2022-01"', 'to', 'to: must not be before from (2022-01 < 2023-01)'],
      ['minPopulationShare: 1.5', 'minPopulationShare', 'minPopulationShare: must be between 0 and 1 (got 1.5)'],
      ['first: 0', 'first', 'first: must be between 1 and 200 (got 0)'],
    ];
    for (const [args, argumentName, message] of cases) {
      const res = await q(args);
      expect(res.errors?.[0]?.message, args).toBe(message);
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName });
    }
  });
});
