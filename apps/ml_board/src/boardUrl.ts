export interface BoardUrlOptions {
  /** @default http */
  scheme?: 'http' | 'https';
  host: string;
  port: number;
  restEndpoint?: string;
  wsEndpoint?: string;
  runId?: string;
}

/** Encodes a query value but keeps `:` and `/` readable (URLSearchParams accepts both). */
function readable(value: string): string {
  return encodeURIComponent(value).replace(/%3A/gi, ':').replace(/%2F/gi, '/');
}

/** The URL that opens the board on a grid search: `http(s)://host:port/?rest_endpoint=…&ws_endpoint=…&run_id=…`. */
export function boardUrl(o: BoardUrlOptions): string {
  const host = o.host === '0.0.0.0' || o.host === '::' ? '127.0.0.1' : o.host.includes(':') ? `[${o.host}]` : o.host;
  const params: Array<[string, string | undefined]> = [
    ['rest_endpoint', o.restEndpoint],
    ['ws_endpoint', o.wsEndpoint],
    ['run_id', o.runId],
  ];
  const query = params
    .filter((p): p is [string, string] => p[1] !== undefined && p[1] !== '')
    .map(([k, v]) => `${k}=${readable(v)}`)
    .join('&');
  return `${o.scheme ?? 'http'}://${host}:${o.port}/${query ? `?${query}` : ''}`;
}
