// HTTP checks of `npm run e2e:kube` (deploy/scripts/e2e-kube.sh), against the hub started from the ci
// overlay. Each command prints what it saw and exits 1 when the hub does not behave as users rely on.
//   wait-ready <gateway url> <seconds>        the gateway and every subgraph it routes to are ready
//   panier <gateway url> [financing records]  a territory's panier, complete, through the gateway
//   write <gateway url> <JWT_SECRET>          a financing written through the gateway with a signed token
//                                             (refused without one); prints the new record count
//   direct <subgraph url> <shared secret>     without the shared secret 401; with it, an answer
//   partial <gateway url> <subgraph>          the subgraph is down: the rest of the panier still answers
//   back <gateway url> <subgraph> <seconds>   the subgraph answers again through the gateway
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SignJWT } from 'jose';

const TERRITORY = '2023-2027:ti-8402';
const PANIER = readFileSync(resolve(import.meta.dirname, '../../queries/territory-panier.graphql'), 'utf8');
const SLICES = ['financing', 'recruitment', 'attractiveness', 'engineering'] as const;

/** One slice of the panier, as the probe reads it. */
interface Slice {
  summary?: { recordCount: number } | null;
}
/** The territory's name and its slices by subgraph name (a slice is null when its subgraph is down). */
type PanierTerritory = { name: string } & Record<string, Slice | null | undefined>;

interface Answer {
  status: number;
  body: {
    data?: { territory?: PanierTerritory | null; createFinancing?: { created: boolean }; _service?: { sdl: string } };
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
}

async function post(
  url: string,
  query: string,
  variables: object,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query, variables }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  try {
    return { status: response.status, body: JSON.parse(text) };
  } catch {
    return { status: response.status, body: { errors: [{ message: `not JSON: ${text.slice(0, 200)}` }] } };
  }
}

const panier = (gateway: string) => post(gateway, PANIER, { id: TERRITORY });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
function fail(message: string, detail?: unknown): never {
  console.error(
    `FAILED: ${message}${detail === undefined ? '' : `\n${JSON.stringify(detail, null, 2).slice(0, 3000)}`}`,
  );
  process.exit(1);
}

const [command, url, arg, seconds] = process.argv.slice(2);
if (!command || !url) fail('usage: e2e-probe.ts <command> <url> [...]');

switch (command) {
  case 'wait-ready': {
    const deadline = Date.now() + Number(arg ?? 180) * 1000;
    let last: unknown = 'no answer';
    while (Date.now() < deadline) {
      try {
        const response = await fetch(new URL('/ready', url), { signal: AbortSignal.timeout(5000) });
        const body = (await response.json()) as { status: string; subgraphs?: { name: string; reachable: boolean }[] };
        last = body;
        const down = (body.subgraphs ?? []).filter((s) => !s.reachable).map((s) => s.name);
        if (response.status === 200 && body.status === 'ready' && down.length === 0 && body.subgraphs?.length) {
          console.log(
            `gateway ready, ${body.subgraphs.length} subgraphs reachable: ${body.subgraphs.map((s) => s.name).join(', ')}`,
          );
          process.exit(0);
        }
      } catch (error) {
        last = (error as Error).message;
      }
      await sleep(2000);
    }
    fail(`the gateway at ${url} was not ready within ${arg ?? 180} s`, last);
  }
  case 'panier': {
    const { status, body } = await panier(url);
    const territory = body.data?.territory;
    if (status !== 200 || body.errors?.length || !territory) fail(`panier of ${TERRITORY}: HTTP ${status}`, body);
    if (territory.name !== 'Bassin de Bourg-en-Bresse')
      fail(`panier: unexpected territory name ${territory.name}`, territory);
    for (const slice of SLICES)
      if (!territory[slice]?.summary || territory[slice]!.summary!.recordCount <= 0)
        fail(`panier: the ${slice} slice has no records`, territory[slice]);
    if (arg && territory.financing!.summary!.recordCount !== Number(arg))
      fail(`panier: expected ${arg} financing records (the one written before included)`, territory.financing!.summary);
    console.error(
      `panier of ${TERRITORY} (${territory.name}): ${SLICES.map((s) => `${s} ${territory[s]!.summary!.recordCount} records`).join(', ')}`,
    );
    break;
  }
  case 'write': {
    const count = async () => (await panier(url)).body.data?.territory?.financing?.summary?.recordCount as number;
    const before = await count();
    const mutation = `mutation($input: FinancingInput!) { createFinancing(input: $input) { created financing { reference } } }`;
    const input = {
      reference: `E2E-KUBE-${Date.now()}`,
      territoryId: TERRITORY,
      companySiren: '512345604',
      companyName: 'Décolletage e2e (exemple)',
      companyNaf: '25.62B',
      serviceId: 'financing:pret-developpement',
      instrument: 'LOAN',
      amountEur: 250000,
      date: '2024-05-02',
      status: 'GRANTED',
    };
    const anonymous = await post(url, mutation, { input });
    if (anonymous.body.errors?.[0]?.extensions?.code !== 'UNAUTHENTICATED')
      fail('a write without a token was not refused as UNAUTHENTICATED', anonymous.body);
    const token = await new SignJWT({ operator: 'BPIFRANCE', scope: 'financing:write' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('e2e-kube')
      .setAudience('territoires-industrie-hub')
      .setIssuedAt()
      .setExpirationTime('10m')
      .sign(new TextEncoder().encode(arg ?? ''));
    const written = await post(url, mutation, { input }, { authorization: `Bearer ${token}` });
    if (written.body.errors?.length || !written.body.data?.createFinancing?.created)
      fail('a write with a signed BPIFRANCE token failed', written.body);
    const after = await count();
    if (after !== before + 1) fail(`financing records: ${before} before the write, ${after} after`);
    console.error(
      `write through the gateway: refused without a token, created with a signed one (${before} → ${after} records)`,
    );
    console.log(after);
    break;
  }
  case 'direct': {
    const query = '{ _service { sdl } }';
    const without = await post(url, query, {});
    if (without.status !== 401)
      fail(`direct request to ${url} without the shared secret: HTTP ${without.status}, expected 401`, without.body);
    const withSecret = await post(url, query, {}, { 'x-hub-gateway-secret': arg ?? '' });
    if (withSecret.status !== 200 || !withSecret.body.data?._service?.sdl)
      fail(`request to ${url} with the shared secret: HTTP ${withSecret.status}`, withSecret.body);
    console.log(`direct request to ${url}: 401 without the shared secret, 200 with it`);
    break;
  }
  case 'partial': {
    const subgraph = arg!;
    const { status, body } = await panier(url);
    const territory = body.data?.territory;
    const named = body.errors?.some(
      (e) => e.extensions?.serviceName === subgraph || e.message.includes(`"${subgraph}"`),
    );
    if (status !== 200 || !territory?.name)
      fail(`with ${subgraph} down the graph did not answer: HTTP ${status}`, body);
    // The graph must answer; the killed slice is null with an error naming it — unless the orchestrator had
    // already restarted the process when the probe arrived (e2e-kube.sh then checks the restart itself).
    if (territory[subgraph] !== null && !body.errors?.length && territory[subgraph]?.summary) {
      console.log(`${subgraph} was already restarted when the probe arrived: the graph answered in full`);
      break;
    }
    if (territory[subgraph] !== null || !named)
      fail(`with ${subgraph} killed, expected its slice null and an error naming it`, body);
    const others = SLICES.filter((s) => s !== subgraph && territory[s]?.summary);
    if (others.length !== SLICES.length - 1) fail('the other operators\u2019 slices are missing', territory);
    console.log(
      `${subgraph} down: partial answer (${territory.name}; ${others.join(', ')} present; error: ${body.errors?.[0]?.message})`,
    );
    break;
  }
  case 'back': {
    const subgraph = arg!;
    const deadline = Date.now() + Number(seconds ?? 120) * 1000;
    let last: unknown;
    while (Date.now() < deadline) {
      try {
        const { body } = await panier(url);
        last = body;
        if (!body.errors?.length && body.data?.territory?.[subgraph]?.summary) {
          console.log(
            `${subgraph} is back: ${body.data.territory[subgraph]!.summary!.recordCount} records through the gateway`,
          );
          process.exit(0);
        }
      } catch (error) {
        last = (error as Error).message;
      }
      await sleep(2000);
    }
    fail(`${subgraph} did not come back within ${seconds ?? 120} s`, last);
  }
  default:
    fail(`unknown command ${command}`);
}
