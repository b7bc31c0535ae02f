import type { WhoamiResponse } from '@mlgym/protocol';
import { isolateBidi } from '../../shared/isolateBidi';

/** "alice (scope read, grid searches 2024-*)", from an endpoint's `GET /whoami`. */
export function describeIdentity(w: WhoamiResponse): string {
  if (!w.auth_required) return 'no token needed: the endpoint has no authentication';
  if (w.scope === null)
    return w.public_reads
      ? 'not signed in (reads are open to everyone)'
      : 'not signed in: the endpoint asks for a token';
  const who = w.name === null ? 'a token without a name' : isolateBidi(w.name);
  const where =
    w.grid_searches === null ? 'all grid searches' : `grid searches ${w.grid_searches.map(isolateBidi).join(', ')}`;
  return `${who} (scope ${w.scope}, ${where})`;
}
