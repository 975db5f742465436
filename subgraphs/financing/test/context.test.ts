// Real departmental context (PGE, Baromètre) recomputed straight from the copied CSV files, and the catalogue.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSubgraph, type TestSubgraph } from '../../../test/support/harness.ts';
import type { FinancingContext } from '../resolvers.ts';
import { loadGeography, loadPerimeters } from '../../runtime/perimeters.ts';
import financing from '../subgraph.ts';

const rows = (file: string) =>
  parse(readFileSync(new URL(`../data/${file}`, import.meta.url)), { columns: true }) as Record<string, string>[];
const pgeRows = rows('pge-departemental-naf-latest.csv');
const barometreRows = rows('barometre-resultats-synthese-nb-entreprises-industrielles.csv');

/** Independent recomputation of a department's PGE figures. */
function expectedPge(dep: string) {
  const own = pgeRows.filter((r) => r.dep === dep);
  const c = own.filter((r) => r.code_section === 'C');
  const sum = (list: Record<string, string>[], col: string) => list.reduce((s, r) => s + Number(r[col]), 0);
  return {
    loanCount: sum(own, 'nombre_pge'),
    amountEur: sum(own, 'montant_total'),
    manufacturingLoanCount: sum(c, 'nombre_pge'),
    manufacturingAmountEur: sum(c, 'montant_total'),
    date: own[0]!.date_maj,
  };
}
function expectedIndicator(dep: string) {
  const r = barometreRows.find(
    (x) => x.code_departement === dep && x.id_indicateur === 'nb-entreprises-industrielles-agricoles',
  )!;
  return { value: Number(r.valeur_actuelle), date: r.date_valeur_actuelle };
}

const CONTEXT =
  'department { code } pge { loanCount amountEur manufacturingLoanCount manufacturingAmountEur date dataset { id nature } } franceRelanceIndustry { id value date unit dataset { id nature } }';

let sg: TestSubgraph<FinancingContext>;
beforeAll(async () => {
  sg = await startTestSubgraph(financing);
});
afterAll(async () => {
  await sg?.stop();
});

/** A department's financing context, as CONTEXT selects it. */
interface Context {
  department: { code: string };
  pge: {
    loanCount: number;
    amountEur: number;
    manufacturingLoanCount: number;
    manufacturingAmountEur: number;
    date: string;
    dataset: unknown;
  };
  franceRelanceIndustry: { value: number; dataset: { nature: string } };
}

describe('departmental context (REAL data)', () => {
  it('Department.financingContext matches the PGE and Baromètre files for Ain, Nord and Réunion', async () => {
    const r = await sg.execute<{ _entities: { code: string; financingContext: Context | null }[] }>(
      `query($r:[_Any!]!){ _entities(representations:$r){ ... on Department { code financingContext { ${CONTEXT} } } } }`,
      { r: ['01', '59', '974'].map((code) => ({ __typename: 'Department', code })) },
    );
    expect(r.errors).toBeUndefined();
    for (const entity of r.data!._entities) {
      expect(entity.financingContext, entity.code).not.toBeNull();
      const ctx = entity.financingContext!;
      expect(ctx.department.code).toBe(entity.code);
      const pge = expectedPge(entity.code);
      expect(ctx.pge.loanCount).toBe(pge.loanCount);
      expect(ctx.pge.amountEur).toBeCloseTo(pge.amountEur, 2);
      expect(ctx.pge.manufacturingLoanCount).toBe(pge.manufacturingLoanCount);
      expect(ctx.pge.manufacturingAmountEur).toBeCloseTo(pge.manufacturingAmountEur, 2);
      expect(ctx.pge.date).toBe('2021-12-31');
      expect(ctx.pge.dataset).toEqual({ id: 'pge-etat-bpifrance-departemental', nature: 'REAL' });
      expect(ctx.franceRelanceIndustry).toMatchObject({
        id: 'nb-entreprises-industrielles-agricoles',
        ...expectedIndicator(entity.code),
      });
      expect(ctx.franceRelanceIndustry.dataset.nature).toBe('REAL');
    }
    // Ain's published manufacturing row, as a sanity anchor of the recomputation itself.
    expect(expectedPge('01').manufacturingLoanCount).toBe(718);
  });

  it('an unknown department resolves to null, as in the territories subgraph; a known one without data has no context', async () => {
    const r = await sg.execute<{ _entities: ({ code: string; name: string; financingContext: unknown } | null)[] }>(
      `query($r:[_Any!]!){ _entities(representations:$r){ ... on Department { code name financingContext { pge { loanCount } } } } }`,
      { r: ['99', '01'].map((code) => ({ __typename: 'Department', code })) },
    );
    expect(r.errors).toBeUndefined();
    expect(r.data!._entities[0]).toBeNull();
    expect(r.data!._entities[1]).toMatchObject({ code: '01', name: 'Ain' });
    // A COG department that neither PGE nor the Baromètre covers (overseas collectivities such as 977): a
    // department, with no context.
    const covered = new Set([...pgeRows.map((p) => p.dep), ...barometreRows.map((b) => b.code_departement)]);
    const uncovered = loadGeography().departments.find((d) => !covered.has(d.code));
    expect(uncovered).toBeDefined();
    const u = await sg.execute<{ _entities: { code: string; financingContext: unknown }[] }>(
      `query($r:[_Any!]!){ _entities(representations:$r){ ... on Department { code financingContext { pge { loanCount } } } } }`,
      { r: [{ __typename: 'Department', code: uncovered!.code }] },
    );
    expect(u.data!._entities).toEqual([{ code: uncovered!.code, financingContext: null }]);
  });

  it("a territory's slice lists the context of each of its departments", async () => {
    const territory = loadPerimeters().find((t) => t.phase === '2023-2027' && t.departmentCodes.length > 1)!;
    const r = await sg.execute<{ _entities: { financing: { departments: Context[] } }[] }>(
      `query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { financing { departments { ${CONTEXT} } } } } }`,
      { r: [{ __typename: 'Territory', id: territory.id }] },
    );
    expect(r.errors).toBeUndefined();
    const departments = r.data!._entities[0]!.financing.departments;
    expect(departments.map((d) => d.department.code)).toEqual(territory.departmentCodes);
    for (const d of departments) {
      expect(d.pge.loanCount).toBe(expectedPge(d.department.code).loanCount);
      expect(d.franceRelanceIndustry.value).toBe(expectedIndicator(d.department.code).value);
    }
  });
});

describe('catalogue', () => {
  it('lists the Bpifrance services with their axes and a REAL catalogue dataset', async () => {
    const r = await sg.execute<{
      financingCatalogue: {
        id: string;
        name: string;
        operator: string;
        axes: string[];
        dataset: { nature: string; note: string };
      }[];
    }>('{ financingCatalogue { id name operator carrier axes dataset { id nature note } } }');
    expect(r.errors).toBeUndefined();
    const services = r.data!.financingCatalogue;
    expect(services.map((s) => s.id)).toEqual([
      'financing:fonds-acceleration',
      'financing:aide-innovation',
      'financing:pret-developpement',
      'financing:garantie',
      'financing:fonds-propres',
    ]);
    const fund = services[0]!;
    expect(fund.name).toBe("Fonds d'accélération des investissements industriels dans les territoires");
    expect(fund.axes).toEqual(['INNOVATE', 'ATTRACT']);
    for (const s of services) {
      expect(s.operator).toBe('BPIFRANCE');
      expect(s.dataset.nature).toBe('REAL');
    }
    // The fund is in the programme's documents; Bpifrance's generic products are its general offer, and say so.
    expect(fund.dataset.note).toMatch(/400 M€/);
    for (const s of services.slice(1)) expect(s.dataset.note).toMatch(/not this service/);
  });

  it('filters by axis', async () => {
    type Ids = { id: string }[];
    const r = await sg.execute<{ financingCatalogue: Ids; simplify: Ids; innovate: Ids }>(
      '{ financingCatalogue(axis: RECRUIT) { id } simplify: financingCatalogue(axis: SIMPLIFY) { id } innovate: financingCatalogue(axis: INNOVATE) { id } }',
    );
    // The VTE hiring aid, Bpifrance's only recruitment entry once, is Banque des Territoires' (engineering).
    expect(r.data!.financingCatalogue).toEqual([]);
    expect(r.data!.simplify).toEqual([]);
    expect(r.data!.innovate.map((s) => s.id)).toEqual([
      'financing:fonds-acceleration',
      'financing:aide-innovation',
      'financing:pret-developpement',
      'financing:fonds-propres',
    ]);
  });

  it('the slice names its four datasets with their nature', async () => {
    const r = await sg.execute<{
      _entities: { financing: { operator: string; datasets: { id: string; nature: string }[] } }[];
    }>(
      `query($r:[_Any!]!){ _entities(representations:$r){ ... on Territory { financing { operator datasets { id nature } } } } }`,
      { r: [{ __typename: 'Territory', id: '2019-2022:ti-8401' }] },
    );
    expect(r.data!._entities[0]!.financing.operator).toBe('BPIFRANCE');
    expect(Object.fromEntries(r.data!._entities[0]!.financing.datasets.map((d) => [d.id, d.nature]))).toEqual({
      'bpifrance-panier-services': 'REAL',
      'bpifrance-financements-echantillon': 'SAMPLE',
      'pge-etat-bpifrance-departemental': 'REAL',
      'barometre-france-relance-entreprises-industrielles': 'REAL',
    });
  });
});
