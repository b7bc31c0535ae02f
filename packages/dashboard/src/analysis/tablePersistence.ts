import { createListenerMiddleware, isAnyOf } from '@reduxjs/toolkit';
import type { TableState } from './tableSlice';
import { TABLE_KEY, allColumnsShown, columnVisibilitySet } from './tableSlice';

/** Saves the column choice whenever the user changes it. */
export function createTablePersistence(storage: Storage | undefined) {
  const listener = createListenerMiddleware();
  listener.startListening({
    matcher: isAnyOf(columnVisibilitySet, allColumnsShown),
    effect: (_action, api) => {
      const { hiddenColumns } = (api.getState() as { table: TableState }).table;
      try {
        storage?.setItem(TABLE_KEY, JSON.stringify({ hiddenColumns }));
      } catch {
        // not remembered, still applied
      }
    },
  });
  return listener;
}
