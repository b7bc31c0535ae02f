import { isIP } from 'node:net';

export interface HostCheckOptions {
  /** The interface the server binds (`--host`): a name there is one the server is reachable by. */
  bindHost?: string | undefined;
  /**
   * `--allowed_hosts`: more names clients use (a reverse proxy's, the machine's). `.example.org` allows that
   * domain and its subdomains; `*` allows any Host (when something in front already checks it).
   */
  allowedHosts?: readonly string[] | undefined;
}

export interface HostCheck {
  /** Whether a request's `Host` header names this server. */
  allows(hostHeader: string | undefined): boolean;
  /** The names allowed, for messages. */
  readonly description: string;
}

/** `Host` without its port, lowercase, without a trailing dot; IPv6 without brackets. */
export function hostName(hostHeader: string): string {
  const host = hostHeader.trim().toLowerCase();
  if (isIP(host) === 6) return host;
  const bracketed = /^\[([^\]]*)\](?::\d*)?$/.exec(host);
  const name = bracketed ? (bracketed[1] as string) : host.replace(/:\d*$/, '');
  return name.replace(/\.$/, '');
}

const WILDCARD_BIND = new Set(['0.0.0.0', '::', '']);

/**
 * The DNS-rebinding defence (as the Vite and webpack dev servers do it): a page at `evil.example` whose name was
 * made to resolve to this server still sends `Host: evil.example`, so only names the server is reachable by are
 * served: `localhost` and its subdomains, IP addresses (a name never rebinds to them), the bound host, and
 * `--allowed_hosts`. Requests without a Host header do not come from a browser and pass.
 */
export function createHostCheck(options: HostCheckOptions = {}): HostCheck {
  const exact = new Set<string>(['localhost']);
  const suffixes = ['.localhost'];
  let any = false;
  const bind = options.bindHost === undefined ? '' : hostName(options.bindHost);
  if (!WILDCARD_BIND.has(bind) && isIP(bind) === 0) exact.add(bind);
  for (const entry of options.allowedHosts ?? []) {
    const name = entry.trim().toLowerCase().replace(/\.$/, '');
    if (name === '*' || name === 'all') any = true;
    else if (name.startsWith('.')) {
      suffixes.push(name);
      exact.add(name.slice(1));
    } else if (name !== '') exact.add(hostName(name));
  }
  const listed = [...exact, ...suffixes.map((s) => `*${s}`), 'IP addresses'];
  return {
    description: any ? 'any host' : listed.join(', '),
    allows(hostHeader) {
      if (any || hostHeader === undefined) return true;
      const name = hostName(hostHeader);
      if (name === '') return false;
      return isIP(name) !== 0 || exact.has(name) || suffixes.some((s) => name.endsWith(s));
    },
  };
}

/** The refusal message for a Host that is not allowed. */
export function hostRefusal(
  hostHeader: string | undefined,
  check: HostCheck,
): { code: 'HOST_NOT_ALLOWED'; message: string } {
  return {
    code: 'HOST_NOT_ALLOWED',
    message: `the Host "${String(hostHeader).slice(0, 200)}" is not a name of this server (allowed: ${check.description}); add it with --allowed_hosts`,
  };
}
