// The benchmark's workloads: the operations every target answers (bench/run.ts), and workload 4's write
// and the check that a read sees the writes made before it. test/monolith.test.ts asks them too.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SignJWT } from 'jose';
import { ROOT } from '../subgraphs/runtime/registry.ts';

export const WORKLOAD_NAMES: Record<number, string> = {
  1: 'panier of one territory (183 ids rotated)',
  2: '183 territories × one figure per operator',
  3: 'four operators’ totals by region',
  4: 'mixed: 95 % panier reads, 5 % financing writes, random territories (a quarter of the reads on one of the 16 written last); a read after a write of its territory must see it',
};

export const PANIER = readFileSync(resolve(ROOT, 'queries/territory-panier.graphql'), 'utf8');

export const PHASE_FIGURES = `query PhaseFigures {
  territories(phase: PHASE_2023_2027, first: 200) {
    totalCount
    nodes {
      id name
      financing { summary { amountEur } }
      recruitment { jobSeekersLatest { value } }
      attractiveness { summary { recordCount } }
      engineering { summary { recordCount } }
    }
  }
}`;

export const REGION_TOTALS = `query RegionTotals {
  financing: financingTotals(by: REGION, phase: PHASE_2023_2027) { key territoryCount recordCount amountEur beneficiaryCount }
  recruitment: recruitmentTotals(by: REGION, phase: PHASE_2023_2027) { key territoryCount recordCount amountEur beneficiaryCount }
  attractiveness: attractivenessTotals(by: REGION, phase: PHASE_2023_2027) { key territoryCount recordCount amountEur beneficiaryCount }
  engineering: engineeringTotals(by: REGION, phase: PHASE_2023_2027) { key territoryCount recordCount amountEur beneficiaryCount }
}`;

/** The request body of a read of workload 1 to 3 (workload 4 reads as workload 1). */
export function readBody(workload: number, territoryId: string): string {
  if (workload === 1 || workload === 4) return JSON.stringify({ query: PANIER, variables: { id: territoryId } });
  return JSON.stringify({ query: workload === 2 ? PHASE_FIGURES : REGION_TOTALS });
}

// ---------- workload 4: the write ----------
export const WRITE = `mutation BenchWrite($input: FinancingInput!) { createFinancing(input: $input) { created } }`;
export const CLEANUP = `mutation BenchCleanup($reference: ID!) { deleteFinancing(reference: $reference) { deleted } }`;

/** A financing Bpifrance declares on a 2023-2027 territory: one more record in its panier's financing summary. */
export function writeBody(territoryId: string, reference: string): string {
  return JSON.stringify({
    query: WRITE,
    variables: {
      input: {
        reference,
        territoryId,
        companySiren: '512345604',
        companyName: 'Entreprise du banc d’essai (benchmark)',
        companyNaf: '25.62B',
        serviceId: 'financing:fonds-propres',
        instrument: 'EQUITY',
        amountEur: 100_000,
        date: '2024-06-15',
        status: 'GRANTED',
      },
    },
  });
}

/** The financing records a panier answer counts for its territory; undefined when the answer has none. */
export function financingRecordCount(answer: unknown): number | undefined {
  const count = (answer as { data?: { territory?: { financing?: { summary?: { recordCount?: unknown } } } } })?.data
    ?.territory?.financing?.summary?.recordCount;
  return typeof count === 'number' ? count : undefined;
}

/** A Bpifrance writer's token, HS256 as test/support/token.ts signs them; the bench sets JWT_SECRET for its processes. */
export function writerToken(secret: string): Promise<string> {
  return new SignJWT({ operator: 'BPIFRANCE', scope: 'financing:write' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('benchmark')
    .setAudience('territoires-industrie-hub')
    .setIssuedAt()
    .setExpirationTime('12h')
    .sign(new TextEncoder().encode(secret));
}
