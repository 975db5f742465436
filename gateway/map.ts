// The map page: the territories of a phase drawn from the graph's own GeoJSON (no CDN, no tile server),
// coloured by a figure of the panier; a click opens the territory's panier. Static files from gateway/map/.
import { readFileSync } from 'node:fs';
import type { Route } from '../subgraphs/runtime/http.ts';

const FILES: Record<string, { file: string; type: string }> = {
  '/map': { file: 'index.html', type: 'text/html' },
  '/map/map.js': { file: 'map.js', type: 'text/javascript' },
  '/map/map.css': { file: 'map.css', type: 'text/css' },
};

export function mapRoutes(): Record<string, Route> {
  const routes: Record<string, Route> = {};
  for (const [path, { file, type }] of Object.entries(FILES)) {
    let body: Buffer | undefined;
    routes[path] = (_req, res) => {
      body ??= readFileSync(new URL(`./map/${file}`, import.meta.url));
      res.writeHead(200, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-cache' });
      res.end(body);
    };
  }
  return routes;
}
