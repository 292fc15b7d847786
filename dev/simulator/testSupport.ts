import type { JiraSimulator } from './index';

/** A tiny authenticated client for the simulator's own tests: status, headers and parsed JSON. */
export interface SimResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export function simClient(sim: JiraSimulator, auth: 'basic' | 'bearer' | string | null = sim.deployment === 'cloud' ? 'basic' : 'bearer') {
  const authorizations: Record<string, string> = {
    basic: `Basic ${Buffer.from(`${sim.credentials.email}:${sim.credentials.apiToken}`).toString('base64')}`,
    bearer: `Bearer ${sim.credentials.pat}`,
  };
  const authorization = auth === null ? null : (authorizations[auth] ?? auth);
  const call = async <T = any>(method: string, path: string, body?: unknown): Promise<SimResponse<T>> => {
    const response = await fetch(sim.url + path, {
      method,
      headers: { ...(authorization ? { authorization } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  };
  return {
    get: <T = any>(path: string) => call<T>('GET', path),
    post: <T = any>(path: string, body: unknown) => call<T>('POST', path, body),
  };
}

/** A fixed, DST-free instant to freeze the clock at in tests: 2026-01-15T12:00:00Z. */
export const TEST_NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
