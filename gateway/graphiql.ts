// GraphiQL served from installed packages (graphiql 3 and React 18 UMD builds): no CDN.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Route } from '../subgraphs/runtime/http.ts';
import { readOperations } from './operations.ts';

const require = createRequire(import.meta.url);

const ASSETS: Record<string, { pkg: string; file: string; type: string }> = {
  '/graphiql/react.js': { pkg: 'react', file: 'umd/react.production.min.js', type: 'text/javascript' },
  '/graphiql/react-dom.js': { pkg: 'react-dom', file: 'umd/react-dom.production.min.js', type: 'text/javascript' },
  '/graphiql/graphiql.js': { pkg: 'graphiql', file: 'graphiql.min.js', type: 'text/javascript' },
  '/graphiql/graphiql.css': { pkg: 'graphiql', file: 'graphiql.min.css', type: 'text/css' },
};

// The UMD files are not in the packages' "exports": locate them from each package.json.
const packageFile = (pkg: string, file: string) => join(dirname(require.resolve(`${pkg}/package.json`)), file);

export function graphiqlAssetRoutes(): Record<string, Route> {
  const routes: Record<string, Route> = {};
  for (const [path, asset] of Object.entries(ASSETS)) {
    let body: Buffer | undefined;
    routes[path] = (_req, res) => {
      body ??= readFileSync(packageFile(asset.pkg, asset.file));
      res.writeHead(200, { 'content-type': `${asset.type}; charset=utf-8`, 'cache-control': 'public, max-age=86400' });
      res.end(body);
    };
  }
  return routes;
}

export function graphiqlPage(endpoint = '/graphql'): string {
  const tabs = readOperations().map((op) => ({
    query: op.query,
    variables: Object.keys(op.variables).length ? JSON.stringify(op.variables, null, 2) : undefined,
  }));
  // JSON inside <script>: escape "<" so an operation's text can never close the tag.
  const config = JSON.stringify({ endpoint, tabs }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="fr">
<head>
  <meta charset="utf-8">
  <title>Territoires d'industrie — GraphiQL</title>
  <link rel="stylesheet" href="/graphiql/graphiql.css">
  <style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
  <div id="graphiql">Chargement de GraphiQL…</div>
  <script src="/graphiql/react.js"></script>
  <script src="/graphiql/react-dom.js"></script>
  <script src="/graphiql/graphiql.js"></script>
  <script>
    const config = ${config};
    const fetcher = GraphiQL.createFetcher({ url: config.endpoint });
    ReactDOM.createRoot(document.getElementById('graphiql')).render(
      React.createElement(GraphiQL, { fetcher, defaultTabs: config.tabs, defaultEditorToolsVisibility: true, storage: sessionStorage }),
    );
  </script>
</body>
</html>`;
}

/** Browsers asking for HTML on the GraphQL path get GraphiQL; API clients get GraphQL. */
export function wantsGraphiql(req: IncomingMessage): boolean {
  return req.method === 'GET' && String(req.headers.accept ?? '').includes('text/html');
}

export function sendGraphiql(res: ServerResponse): void {
  const html = graphiqlPage();
  res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
  res.end(html);
}

/** GraphiQL reads the schema by introspection: where that is off, say so and how to turn it on. */
export function sendGraphiqlOff(res: ServerResponse): void {
  res.writeHead(404, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
  res.end(`<!doctype html>
<html lang="fr">
<head><meta charset="utf-8"><title>Territoires d'industrie — GraphiQL off</title></head>
<body>
  <h1>GraphiQL is off on this deployment</h1>
  <p>Introspection is off (<code>NODE_ENV=production</code> turns it off by default), and GraphiQL needs it.
  The operator of this gateway turns both on with <code>INTROSPECTION=true</code>.
  GraphQL requests (POST /graphql) are served as usual.</p>
</body>
</html>`);
}
