// dataVersion follows SCALE; record counts are linear in it.
import { afterEach, expect, it } from 'vitest';
import { dataVersion } from '../load.ts';
import { RECORD_SPECS } from '../records.ts';
import { generateRecords } from '../sample.ts';

const saved = process.env.SCALE;
afterEach(() => {
  if (saved === undefined) delete process.env.SCALE;
  else process.env.SCALE = saved;
});

it('changes the data version with the scale', () => {
  delete process.env.SCALE;
  const one = dataVersion();
  process.env.SCALE = '3';
  expect(dataVersion()).not.toBe(one);
  expect(dataVersion()).toMatch(/-scale3$/);
});

it('scales record counts linearly', () => {
  const one = generateRecords(1).length;
  const three = generateRecords(3).length;
  expect(three / one).toBeGreaterThan(2.6);
  expect(three / one).toBeLessThan(3.4);
});

it("each kind's sample hook gives exactly that kind's sample records", () => {
  const all = generateRecords(1);
  const hooked = RECORD_SPECS.flatMap((spec) => spec.sample!(1));
  expect(hooked).toHaveLength(all.length);
  for (const spec of RECORD_SPECS) {
    const rows = spec.sample!(1);
    expect(rows.length, spec.kind).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.record_kind)).size, spec.kind).toBe(1);
  }
  expect(new Set(hooked.map((r) => r.reference)).size).toBe(all.length);
});
