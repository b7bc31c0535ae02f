import { combineSlices, configureStore } from '@reduxjs/toolkit';
import { chartsSlice } from '../features/charts/chartsSlice';
import { compareSlice } from '../features/compare/compareSlice';
import { sweepSlice } from '../features/sweep/sweepSlice';
import { connectionSlice } from '../features/connection/connectionSlice';
import { createConnectionListener } from '../features/connection/connectionListener';
import type { WorkerLike } from '../features/connection/createSocketWorker';
import type { Settings } from '../features/settings/settingsStorage';
import { experimentsSlice } from '../features/experiments/experimentsSlice';
import { searchSlice } from '../features/search/searchSlice';
import { seriesSlice } from '../features/series/seriesSlice';
import { settingsSlice } from '../features/settings/settingsSlice';
import { tableSlice } from '../features/table/tableSlice';
import { createTablePersistence } from '../features/table/tablePersistence';
import { authSlice } from '../features/auth/authSlice';
import type { TokenStore } from '../features/auth/tokenStorage';
import { api } from './api';
import type { ApiExtra } from './api';

export const rootReducer = combineSlices(
  settingsSlice,
  connectionSlice,
  experimentsSlice,
  seriesSlice,
  tableSlice,
  chartsSlice,
  sweepSlice,
  compareSlice,
  authSlice,
  searchSlice,
  api,
);
export type RootState = ReturnType<typeof rootReducer>;

export interface StoreOptions {
  preloadedState?: Partial<RootState>;
  /** Starts the socket worker. @default a real Web Worker; tests pass a fake */
  createWorker?: () => WorkerLike;
  /** A socket worker started before the store (see earlySocketWorker.ts). */
  adoptWorker?: (settings: Settings) => WorkerLike | undefined;
  /** Where settings and the column choice persist. @default window.localStorage */
  storage?: Storage;
  /** Where the tokens entered for endpoints are kept, per origin. @default window.sessionStorage */
  tokens?: TokenStore;
  /** How REST requests are made. @default the global fetch */
  fetchFn?: typeof fetch;
}

export function makeStore(options: StoreOptions = {}) {
  const storage = options.storage ?? (typeof localStorage === 'undefined' ? undefined : localStorage);
  const tokens = options.tokens ?? (typeof sessionStorage === 'undefined' ? undefined : sessionStorage);
  const extra: ApiExtra = { tokens, ...(options.fetchFn ? { fetchFn: options.fetchFn } : {}) };
  const connection = createConnectionListener({
    storage,
    tokens,
    createWorker:
      options.createWorker ??
      (() => {
        throw new Error('no socket worker factory given');
      }),
    adoptWorker: options.adoptWorker,
  });
  const table = createTablePersistence(storage);
  const store = configureStore({
    reducer: rootReducer,
    preloadedState: options.preloadedState,
    middleware: (getDefault) =>
      getDefault({
        thunk: { extraArgument: extra },
        // Series arrays grow large; checking them on every action would cost more than the fold.
        immutableCheck: { ignoredPaths: ['series', 'experiments'] },
        // The worker's points arrive as typed arrays (transferred, not cloned).
        serializableCheck: {
          ignoredPaths: ['series', 'experiments'],
          // RTK's own defaults (a failed query's meta holds its Request and Response) and the points
          ignoredActionPaths: ['meta.arg', 'meta.baseQueryMeta', 'payload.points'],
        },
      })
        .prepend(connection.middleware, table.middleware)
        .concat(api.middleware),
  });
  return Object.assign(store, { closeConnection: connection.close });
}

export type AppStore = ReturnType<typeof makeStore>;
export type AppDispatch = AppStore['dispatch'];
