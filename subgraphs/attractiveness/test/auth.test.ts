// Authorization matrix of the attractiveness writes: only BUSINESS_FRANCE with the scope attractiveness:write
// may write; every refusal writes nothing; reads stay open without a token.
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { startTestSubgraph, type TestSubgraph } from '../../../test/support/harness.ts';
import attractiveness from '../subgraph.ts';
import type { AttractivenessContext } from '../resolvers.ts';
import {
  CREATE_INVESTMENT,
  DELETE_INVESTMENT,
  UPDATE_INVESTMENT,
  investmentInput,
  run,
  snapshot,
  token,
} from './support.ts';

let sg: TestSubgraph<AttractivenessContext>;
beforeAll(async () => {
  sg = await startTestSubgraph(attractiveness);
});
afterAll(() => sg?.stop());

const EXISTING = 'BFOP-IDE-2025-AUTH-0';
const others = {
  create: (reference: string) => [CREATE_INVESTMENT, { input: investmentInput({ reference }) }] as const,
  update: () => [UPDATE_INVESTMENT, { reference: EXISTING, patch: { status: 'ABANDONED' } }] as const,
  delete: () => [DELETE_INVESTMENT, { reference: EXISTING }] as const,
};

describe('authorization matrix', () => {
  beforeAll(async () => {
    const created = await run(sg, await token(), CREATE_INVESTMENT, {
      input: investmentInput({ reference: EXISTING }),
    });
    expect(created.errors).toBeUndefined();
  });

  const refused: [string, () => Promise<string | undefined>, string, RegExp][] = [
    ['no token', async () => undefined, 'UNAUTHENTICATED', /writing requires a token/],
    ['an expired token', () => token({ expired: true }), 'UNAUTHENTICATED', /^token expired$/],
    [
      'a forged signature (another secret)',
      () => token({ secret: 'someone-else-secret-0123456789-abcdefgh' }),
      'UNAUTHENTICATED',
      /signature is invalid/,
    ],
    [
      'a token of another operator',
      () => token({ operator: 'BPIFRANCE', scope: 'attractiveness:write financing:write' }),
      'FORBIDDEN',
      /acts for BPIFRANCE; these records belong to BUSINESS_FRANCE/,
    ],
    [
      'the right operator without the scope',
      () => token({ scope: 'attractiveness:read financing:write' }),
      'FORBIDDEN',
      /lacks the scope "attractiveness:write"/,
    ],
  ];

  for (const [name, bearer, code, message] of refused) {
    test(`${name} → ${code}, nothing written (create, update, delete)`, async () => {
      const before = await snapshot(sg);
      const jwt = await bearer();
      for (const [query, variables] of [others.create('BFOP-IDE-2025-AUTH-X'), others.update(), others.delete()]) {
        const answer = await run(sg, jwt, query, variables);
        expect(answer.data).toBeNull();
        expect(answer.errors).toHaveLength(1);
        expect(answer.errors![0]!.extensions!.code).toBe(code);
        expect(answer.errors![0]!.message).toMatch(message);
      }
      expect(await snapshot(sg)).toEqual(before);
    });
  }

  test('the right operator with the scope → success', async () => {
    const jwt = await token({ scope: 'attractiveness:read attractiveness:write' });
    const created = await run<{ createInvestmentProject: { created: boolean } }>(
      sg,
      jwt,
      ...others.create('BFOP-IDE-2025-AUTH-1'),
    );
    expect(created.errors).toBeUndefined();
    expect(created.data!.createInvestmentProject.created).toBe(true);
    const updated = await run<{ updateInvestmentProject: { updated: boolean } }>(sg, jwt, ...others.update());
    expect(updated.data!.updateInvestmentProject.updated).toBe(true);
    const deleted = await run<{ deleteInvestmentProject: { deleted: boolean } }>(sg, jwt, ...others.delete());
    expect(deleted.data!.deleteInvestmentProject.deleted).toBe(true);
  });

  test('reads stay open without a token', async () => {
    const answer = await run<{ attractivenessCatalogue: unknown[] }>(
      sg,
      undefined,
      `{ attractivenessCatalogue { id } attractivenessDatasets { id }
      _entities(representations: [{ __typename: "Territory", id: "2023-2027:ti-8412" }]) { ... on Territory { attractiveness { summary { recordCount } } } } }`,
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data!.attractivenessCatalogue.length).toBeGreaterThan(0);
  });
});
