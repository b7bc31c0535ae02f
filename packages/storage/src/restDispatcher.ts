import { EnvHttpProxyAgent, Pool } from 'undici';
import type { Dispatcher } from 'undici';
import { largeReadConnector } from './largeReadConnector.js';

export interface DispatcherLimits {
  connectMs: number;
  /** undici's headers timeout (refreshed as an upload drains) and body timeout. */
  idleMs: number;
}

const PROXY_VARIABLES = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY'];

/**
 * What carries a REST client's requests to `origin`: a Pool of one kept-alive connection (calls made
 * at once queue on it; with more, undici 7's pool opens a second connection for a call made as the
 * previous one ends, because it frees a connection a tick later). With NODE_USE_ENV_PROXY=1 (the
 * switch node's own clients take from Node 24) and a proxy in HTTP(S)_PROXY, requests go through
 * it, CONNECT-tunnelled, except to hosts in NO_PROXY; off by default, as for node's clients, so a
 * proxy set for other tools never captures a local endpoint.
 */
export function restDispatcher(origin: string, limits: DispatcherLimits, env: NodeJS.ProcessEnv): Dispatcher {
  const options = {
    connections: 1,
    connect: largeReadConnector(limits.connectMs),
    headersTimeout: limits.idleMs,
    bodyTimeout: limits.idleMs,
  };
  const proxied = env['NODE_USE_ENV_PROXY'] === '1' && PROXY_VARIABLES.some((name) => env[name]);
  if (!proxied) return new Pool(origin, options);
  const variable = (lower: string) => env[lower] || env[lower.toUpperCase()] || undefined;
  return new EnvHttpProxyAgent({
    ...options,
    httpProxy: variable('http_proxy'),
    httpsProxy: variable('https_proxy'),
    noProxy: variable('no_proxy') ?? '',
    proxyTls: { timeout: limits.connectMs },
    requestTls: { timeout: limits.connectMs },
  });
}
