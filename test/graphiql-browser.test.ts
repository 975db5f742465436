// GraphiQL as served by the gateway, in a real headless Chromium (Debian's package, driven by playwright-core):
// it loads without any request leaving the hub, offers the example operations as tabs and runs them.
// CI needs Chromium: `command -v chromium || (apt-get update && apt-get install -y chromium)`.
import { existsSync } from 'node:fs';
import { parse, type OperationDefinitionNode } from 'graphql';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOperations } from '../gateway/operations.ts';
import { startTestHub, type TestHub } from './support/hub.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOT = '/tmp/graphiql.png';

let hub: TestHub;
let browser: Browser;
let page: Page;
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
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.on('request', (request) => requests.push(request.url()));
  page.on('pageerror', (error) => pageErrors.push(error.message));
});

afterAll(async () => {
  await browser?.close();
  await hub?.stop();
});

/** The tab title GraphiQL shows for an operation: its name. */
const operationName = (query: string) =>
  (parse(query).definitions.find((d) => d.kind === 'OperationDefinition') as OperationDefinitionNode | undefined)?.name
    ?.value;

// A browser on a busy machine: wait for what the page must show, however long it takes within the test.
const POLL = { timeout: 50_000 };

describe('GraphiQL in a browser', () => {
  it('loads from the gateway alone, without any request to another host', async () => {
    // A browser navigating to the GraphQL URL sends Accept: text/html, and gets GraphiQL.
    const response = await page.goto(hub.gatewayUrl);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);
    await page.waitForSelector('.graphiql-tab', POLL);
    await page.waitForLoadState('networkidle');
    const origin = new URL(hub.gatewayUrl).origin;
    expect(requests.length).toBeGreaterThanOrEqual(5); // page, css, react, react-dom, graphiql (+ introspection)
    expect(requests.filter((url) => !url.startsWith(`${origin}/`))).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('offers every example operation of queries/ as a tab', async () => {
    const expected = readOperations().map((op) => operationName(op.query) ?? '<untitled>');
    expect(expected).toContain('Territories');
    const tabs = (await page.locator('.graphiql-tab-button').allInnerTexts()).map((t) => t.trim());
    expect(tabs).toEqual(expected);
  });

  it('runs the active operation and shows the response', async () => {
    await page.locator('.graphiql-tab-button', { hasText: /^Territories$/ }).click();
    await expect.poll(() => page.locator('.graphiql-query-editor').innerText(), POLL).toContain('query Territories(');
    // The variables of the file's `# variables:` line come with the tab.
    await expect.poll(() => page.locator('.graphiql-editor-tool').innerText(), POLL).toContain('PHASE_2023_2027');
    // GraphiQL learns the operation name of the new tab 100 ms after the editor changes (debounced), then
    // stores it: clicking run before that would send the previous tab's operation name.
    await expect
      .poll(() => page.evaluate(() => sessionStorage.getItem('graphiql:operationName')), POLL)
      .toMatch(/^"?Territories"?$/);
    const answered = page.waitForResponse(
      (r) =>
        r.url() === hub.gatewayUrl &&
        r.request().method() === 'POST' &&
        (r.request().postData() ?? '').includes('query Territories'),
    );
    await page.locator('.graphiql-execute-button').click();
    const body = await (await answered).json();
    expect(body.errors).toBeUndefined();
    expect(body.data.territories.nodes.map((n: { name: string }) => n.name)).toContain('Bassin de Bourg-en-Bresse');
    // The result pane is a CodeMirror editor that renders only the lines in view: read its whole text from it.
    const resultText = () =>
      page
        .locator('.graphiql-response .CodeMirror')
        .evaluate((e) => (e as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue());
    await expect.poll(resultText, POLL).toContain('"name": "Bassin de Bourg-en-Bresse"');
    expect(JSON.parse(await resultText())).toEqual(body);
    expect(await resultText()).toContain('"totalCount": 24');
    // …and what is on screen is the start of that response.
    expect(await page.locator('.graphiql-response').innerText()).toContain('"territories"');
    await page.screenshot({ path: SCREENSHOT });
    expect(pageErrors).toEqual([]);
  });
});
