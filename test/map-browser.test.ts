// The map page as served by the gateway, in a real headless Chromium (Debian's package, driven by playwright-core):
// every territory of the phase is drawn, the legend is that of the figure chosen, a click opens the territory's panier,
// and nothing is fetched from another host.
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { post } from './support/harness.ts';
import { startTestHub, type TestHub } from './support/hub.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = process.env.MAP_SCREENSHOT ?? '/tmp/map.png';

/** A page of territories with the fields each query selects. */
interface Territories<N> {
  territories: { totalCount: number; nodes: N[] };
}

let hub: TestHub;
let browser: Browser;
let page: Page;
let origin: string;
const requests: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  // No silent skip: without a browser this test fails and says how to get one.
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}: install Debian's chromium (\`apt-get update && apt-get install -y chromium\`) or set CHROMIUM_PATH`,
    );
  }
  hub = await startTestHub();
  origin = new URL(hub.gatewayUrl).origin;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 950 } });
  page.on('request', (request) => requests.push(request.url()));
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
});

/** Waits until the page has drawn `phase` coloured by `figure` (the script marks <body> when done). */
const ready = (phase: string, figure: string) =>
  page.waitForFunction((mark) => document.body.dataset.ready === mark, `${phase}/${figure}`, { timeout: 60_000 });

/** What the page shows: each shape's id, fill and value, and the legend's classes. */
const screen = () =>
  page.evaluate(() => ({
    shapes: [...document.querySelectorAll<SVGPathElement>('#map .territory')].map((p) => ({
      id: p.dataset.id!,
      fill: p.getAttribute('fill')!,
      value: p.dataset.value === '' ? null : Number(p.dataset.value),
      drawn: (p.getAttribute('d') ?? '').length > 0,
    })),
    title: document.querySelector('#legend h2')?.textContent,
    classes: [...document.querySelectorAll<HTMLElement>('#legend li')].map((li) => ({
      colour: li.dataset.colour!,
      min: li.dataset.min === '' ? null : Number(li.dataset.min),
      max: li.dataset.max === '' ? null : Number(li.dataset.max),
    })),
  }));

/** Every shape's fill is the legend class its value falls in (grey class for no value). */
function expectLegendMatches(view: Awaited<ReturnType<typeof screen>>) {
  const mismatched = view.shapes.filter((s) => {
    const numeric = view.classes.filter((c) => c.min !== null);
    const cls =
      s.value === null
        ? view.classes.find((c) => c.min === null)
        : numeric.find((c, i) => s.value! >= c.min! && (s.value! < c.max! || i === numeric.length - 1));
    return !cls || cls.colour !== s.fill;
  });
  expect(mismatched).toEqual([]);
}

describe('the map page', () => {
  it('draws one shape per territory of the phase, from the gateway alone', async () => {
    const response = await page.goto(`${origin}/map`);
    expect(response?.status()).toBe(200);
    await ready('PHASE_2023_2027', 'jobSeekers');
    const view = await screen();
    const { data } = await post<Territories<{ id: string }>>(
      hub.gatewayUrl,
      '{ territories(phase: PHASE_2023_2027, first: 200) { totalCount nodes { id } } }',
    );
    expect(view.shapes.map((s) => s.id).sort()).toEqual(data!.territories.nodes.map((t) => t.id).sort());
    expect(view.shapes).toHaveLength(data!.territories.totalCount);
    expect(view.shapes.every((s) => s.drawn)).toBe(true);
    expect(await page.locator('#status').innerText()).toBe(`${data!.territories.totalCount} territoires`);
    expect(requests.filter((url) => !url.startsWith(`${origin}/`))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it("colours the shapes by the figure chosen, with that figure's legend and the graph's values", async () => {
    const { data } = await post<
      Territories<{
        id: string;
        recruitment: { jobSeekersLatest: { value: number } | null };
        engineering: { summary: { amountEur: number | null } };
      }>
    >(
      hub.gatewayUrl,
      '{ territories(phase: PHASE_2023_2027, first: 200) { nodes { id recruitment { jobSeekersLatest { value } } engineering { summary { amountEur } } } } }',
    );
    let view = await screen();
    expect(view.title).toBe("Demandeurs d'emploi (décembre 2024)");
    const seekers = new Map(data!.territories.nodes.map((t) => [t.id, t.recruitment.jobSeekersLatest?.value ?? null]));
    expect(view.shapes.map((s) => [s.id, s.value])).toEqual(view.shapes.map((s) => [s.id, seekers.get(s.id)]));
    expect(view.classes.filter((c) => c.min !== null).length).toBeGreaterThan(2);
    expectLegendMatches(view);

    await page.selectOption('#figure', 'engineeringEuros');
    await ready('PHASE_2023_2027', 'engineeringEuros');
    view = await screen();
    expect(view.title).toBe('Euros — Banque des Territoires');
    const euros = new Map(data!.territories.nodes.map((t) => [t.id, t.engineering.summary.amountEur ?? null]));
    expect(view.shapes.map((s) => [s.id, s.value])).toEqual(view.shapes.map((s) => [s.id, euros.get(s.id)]));
    expectLegendMatches(view);
  });

  it('offers the real hiring needs of the industrial occupations', async () => {
    await page.selectOption('#figure', 'hiringNeedsIndustrial');
    await ready('PHASE_2023_2027', 'hiringNeedsIndustrial');
    const view = await screen();
    expect(view.title).toBe('Projets de recrutement, métiers industriels (BMO 2024)');
    const { data } = await post<
      Territories<{ id: string; recruitment: { hiringNeeds: { industrial: { projects: { value: number } } } } }>
    >(
      hub.gatewayUrl,
      '{ territories(phase: PHASE_2023_2027, first: 200) { nodes { id recruitment { hiringNeeds { industrial { projects { value } } } } } } }',
    );
    const needs = new Map(
      data!.territories.nodes.map((t) => [t.id, t.recruitment.hiringNeeds.industrial.projects.value]),
    );
    expect(view.shapes.map((s) => [s.id, s.value])).toEqual(view.shapes.map((s) => [s.id, needs.get(s.id)]));
    expectLegendMatches(view);
  });

  it("opens the territory's name and panier on a click", async () => {
    type Count = { summary: { recordCount: number } };
    const { data } = await post<{ territory: { name: string; financing: Count; engineering: Count } | null }>(
      hub.gatewayUrl,
      `{ territory(id: "2023-2027:ti-8402") { name financing { summary { recordCount } } engineering { summary { recordCount } } } }`,
    );
    await page.locator('#map .territory[data-id="2023-2027:ti-8402"]').click({ force: true });
    await page.waitForFunction(
      () => document.querySelector('#panel')?.getAttribute('data-territory') === '2023-2027:ti-8402',
    );
    const territory = data!.territory!;
    expect(await page.locator('#panel h2').innerText()).toBe(territory.name);
    const rows = await page
      .locator('#panel tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [
          tr.getAttribute('data-operator'),
          ...[...tr.querySelectorAll('td')].map((td) => td.textContent),
        ]),
      );
    expect(rows.map((r) => r[0])).toEqual(['BPIFRANCE', 'FRANCE_TRAVAIL', 'BUSINESS_FRANCE', 'BANQUE_DES_TERRITOIRES']);
    const count = (text: string | null) => Number((text ?? '').replace(/\D/g, ''));
    expect(count(rows[0]![3]!)).toBe(territory.financing.summary.recordCount);
    expect(count(rows[3]![3]!)).toBe(territory.engineering.summary.recordCount);
    await page.screenshot({ path: SCREENSHOT });
    expect(pageErrors).toEqual([]);
  });

  it('draws the other phase when asked, points included', async () => {
    await page.selectOption('#phase', 'PHASE_2019_2022');
    await ready('PHASE_2019_2022', 'hiringNeedsIndustrial');
    const view = await screen();
    const { data } = await post<{ territories: { totalCount: number } }>(
      hub.gatewayUrl,
      '{ territories(phase: PHASE_2019_2022, first: 200) { totalCount } }',
    );
    expect(view.shapes).toHaveLength(data!.territories.totalCount);
    expect(view.shapes.every((s) => s.drawn)).toBe(true);
  });
});
