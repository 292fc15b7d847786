import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { build } from 'esbuild';

const HARNESS_ENTRY = resolve(__dirname, '../../frontend/dev/browserHarness.tsx');

/** The page's own little app: the bundled card on `/`, and `/api/*` passed on to the backend like a Backstage app's proxy. */
export interface AppServer {
  url: string;
  close(): Promise<void>;
}

/** Bundles the harness (the real card, client and Backstage test app) for the browser, in process. */
export async function bundleHarness(): Promise<string> {
  const result = await build({
    entryPoints: [HARNESS_ENTRY],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"', global: 'globalThis' },
    loader: { '.svg': 'dataurl', '.png': 'dataurl', '.woff': 'dataurl', '.woff2': 'dataurl' },
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

export async function startAppServer(options: { bundle: string; entity: unknown; backendUrl: string }): Promise<AppServer> {
  const backend = new URL(options.backendUrl);
  // JSON inside a script tag: '<' is escaped so entity text cannot close the tag.
  const entityJson = JSON.stringify(options.entity).replace(/</g, '\\u003c');
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>jira-sync entity card</title></head>
<body style="margin:0;background:#f8f8f8"><div id="root"></div>
<script>window.jiraSyncEntity = ${entityJson};</script>
<script src="/harness.js"></script></body></html>`;

  const server = http.createServer((req, res) => {
    if (req.url?.startsWith('/api/')) {
      const upstream = http.request(
        {
          host: backend.hostname,
          port: backend.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: backend.host },
        },
        answer => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', error => {
        res.writeHead(502, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { name: 'BadGateway', message: error.message } }));
      });
      req.pipe(upstream);
      return;
    }
    if (req.url === '/harness.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript; charset=utf-8' });
      res.end(options.bundle);
      return;
    }
    if (req.url === '/' || req.url?.startsWith('/?')) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end(html);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>(done => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
