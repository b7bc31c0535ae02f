import type { EventLogProvider } from '@mlgym/event-store';
import { MlgymError } from '@mlgym/protocol';
import type { GridSearchListEntry } from '@mlgym/protocol';
import type { AccessControl } from '@mlgym/server-security';
import type { MlgymSocket, Permit } from './socketAccess.js';

/** `list_grid_searches`: the stored grid searches the socket's token may read. */
export function createGridSearchList(o: { storage: EventLogProvider; access: AccessControl; permit: Permit }) {
  return async function listGridSearches(socket: MlgymSocket): Promise<GridSearchListEntry[]> {
    const denied = o.permit(socket.data.token, 'list_grid_searches', 'list grid searches');
    if (denied) throw new MlgymError(denied);
    const who = o.access.authenticate(socket.data.token);
    const list = await o.storage.list();
    return who.ok ? list.filter((entry) => o.access.mayRead(who.principal, entry.grid_search_id)) : [];
  };
}
