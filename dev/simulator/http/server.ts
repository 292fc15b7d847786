import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { JqlError } from '../jql/parser';
import type { FaultDecision } from '../runtime/limits';
import type { SimulatorState } from '../runtime/state';
import { HttpError } from './errors';
import { route, type Reply } from './routes';

/** The transport around the routes: auth, burst limits and quota, injected faults, latency, and the request log. */

/** Normalised endpoint names for the request log (ids and keys replaced). */
/** How the request log names an injected fault: `truncate-short`, `503`, `reset`... */
function faultLabel(fault: Exclude<FaultDecision, { kind: 'none' }>): string {
  if (fault.kind === 'truncate') return `truncate-${fault.mode}`;
  if (fault.kind === '5xx') return String(fault.status);
  return fault.kind;
}

export function endpointOf(method: string, path: string): string {
  return `${method} ${path.replace(/\/issue\/(?!bulkfetch$)[^/]+/, '/issue/{id}')}`;
}

export async function startServer(state: SimulatorState, port: number): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    handle(state, req, res).catch(error => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'application/json;charset=UTF-8' });
        res.end(JSON.stringify({ errorMessages: [`Simulator error: ${String(error?.message ?? error)}`], errors: {} }));
      }
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const { port: actual } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${actual}` };
}

/** The base URL the client called: a proxy's X-Forwarded-Host/-Proto, else the Host header, else the configured one. */
export function publicBaseOf(state: Pick<SimulatorState, 'url' | 'publicBaseUrl'>, req: Pick<IncomingMessage, 'headers'>): string {
  if (state.publicBaseUrl) return state.publicBaseUrl.replace(/\/+$/, '');
  const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.split(',')[0].trim() || undefined;
  const host = first(req.headers['x-forwarded-host']) ?? first(req.headers.host);
  if (!host || !/^[A-Za-z0-9.\-\[\]:]+$/.test(host)) return state.url;
  const proto = first(req.headers['x-forwarded-proto']) === 'https' ? 'https' : new URL(state.url).protocol.slice(0, -1);
  const prefix = first(req.headers['x-forwarded-prefix'])?.replace(/\/+$/, '') ?? '';
  return `${proto}://${host}${/^\/[\w\-/.]*$/.test(prefix) ? prefix : ''}`;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
const rateLimited = (message: string, headers: Record<string, string>) => new HttpError(429, { errorMessages: [message], errors: {} }, headers);

async function handle(state: SimulatorState, req: IncomingMessage, res: ServerResponse) {
  const started = Date.now();
  const url = new URL(req.url ?? '/', 'http://simulator');
  const method = req.method ?? 'GET';
  const endpoint = endpointOf(method, url.pathname);
  const beforeRetryAfter = state.rateLimiter.early(endpoint, started);
  const rawBody = method === 'POST' || method === 'PUT' ? await readBody(req) : '';
  const fault = state.faults.decide();
  const log = (status: number, bytes: number) =>
    state.requestLog.push({
      method, path: url.pathname + url.search, endpoint, status, bytes, ms: Date.now() - started, at: started,
      ...(beforeRetryAfter ? { beforeRetryAfter } : {}),
      ...(fault.kind !== 'none' ? { fault: faultLabel(fault) } : {}),
    });

  if (fault.kind === 'reset') {
    log(0, 0);
    req.socket.destroy();
    return;
  }
  if (fault.kind === 'slow') await sleep(fault.ms);

  let reply: Reply;
  try {
    const rate = state.rateLimiter.take(endpoint, Date.now(), state.clock.now());
    if (!rate.allowed) {
      state.rateLimiter.announced(rate.reason === 'jira-burst-based' ? endpoint : '*', Date.now() + rate.retryAfterSeconds * 1000);
      throw rateLimited('Rate limit exceeded.', { ...rate.headers, 'Retry-After': String(rate.retryAfterSeconds), 'RateLimit-Reason': rate.reason });
    }
    if (fault.kind === '429') {
      state.rateLimiter.announced(endpoint, Date.now() + 1000);
      throw rateLimited('Rate limit exceeded.', {
        'Retry-After': '1',
        'X-RateLimit-Limit': '100',
        'X-RateLimit-Remaining': '0',
        'X-RateLimit-Reset': new Date(Date.now() + 1000).toISOString(),
        'RateLimit-Reason': 'jira-burst-based',
      });
    }
    if (fault.kind === '5xx') {
      if (fault.retryAfterSeconds) state.rateLimiter.announced(endpoint, Date.now() + fault.retryAfterSeconds * 1000);
      const message = { 500: 'Internal server error', 502: 'Bad gateway', 503: 'Service unavailable' }[fault.status];
      throw new HttpError(fault.status, { errorMessages: [`${message} (injected by the simulator)`], errors: {} }, fault.retryAfterSeconds ? { 'Retry-After': String(fault.retryAfterSeconds) } : {});
    }
    state.authenticate(req.headers.authorization);
    reply = route(state, method, url, rawBody, publicBaseOf(state, req));
    reply.headers = { ...rate.headers, ...reply.headers };
  } catch (error) {
    if (error instanceof HttpError) reply = { status: error.status, body: error.body, headers: error.headers };
    else if (error instanceof JqlError) reply = { status: 400, body: { errorMessages: [error.message], errors: {} } };
    else throw error;
  }

  const latency = state.latency ? state.latency.fixedMs + state.latency.perIssueMs * (reply.issues ?? 0) : 0;
  if (latency > 0) await sleep(latency);
  const text = reply.body === undefined ? '' : JSON.stringify(reply.body);
  const bytes = Buffer.byteLength(text);
  const headers: Record<string, string> = {
    'content-type': 'application/json;charset=UTF-8',
    'content-length': String(bytes),
    'x-arequestid': `sim-${state.requestLog.length + 1}`,
    // Jira's clock, not this process's: clients anchor sweeps to it (whole seconds, as HTTP dates are).
    date: new Date(state.clock.now()).toUTCString(),
    ...reply.headers,
  };
  log(reply.status, bytes);
  if (fault.kind === 'truncate' && bytes > 2) {
    const prefix = Buffer.from(text).subarray(0, Math.floor(bytes / 2));
    if (fault.mode === 'short') {
      // A complete HTTP response whose JSON is cut off: only a parser notices.
      res.writeHead(reply.status, { ...headers, 'content-length': String(prefix.length) });
      res.end(prefix);
    } else {
      // The promised length with half the body, then the connection dies.
      res.writeHead(reply.status, headers);
      res.write(prefix, () => res.socket?.destroy());
    }
    return;
  }
  res.writeHead(reply.status, headers);
  res.end(text);
}
