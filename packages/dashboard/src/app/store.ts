import { combineSlices, configureStore, createListenerMiddleware } from '@reduxjs/toolkit';
import type { Reducer, UnknownAction } from '@reduxjs/toolkit';
import { analysisSlice } from '../analysis/analysisSlice';
import { startAnalysisPersistence } from '../analysis/analysisPersistence';
import { experimentsSlice } from '../analysis/experiments/experimentsSlice';
import { startDrawQueueListening } from '../analysis/lineChart/drawQueueListening';
import { seriesSlice } from '../analysis/series/seriesSlice';
import { authSlice } from '../connection/auth/authSlice';
import type { TokenStore } from '../connection/auth/tokenStorage';
import { connectionSlice } from '../connection/connectionSlice';
import { startConnectionListening } from '../connection/connectionListener';
import type { WorkerLike } from '../connection/createSocketWorker';
import { api } from '../connection/rest/api';
import type { ApiExtra } from '../connection/rest/api';
import { settingsSlice } from '../connection/settings/settingsSlice';
import type { Settings } from '../connection/settings/settingsStorage';
import { chartsSlice } from '../features/charts/chartsSlice';
import { searchSlice } from '../analysis/search/searchSlice';
import type { AppDispatch, RootState } from '../store/rootState';

/**
 * Every slice of the board. Typed as the state the slices declared (store/rootState.ts): a slice left
 * out here, or declared with another shape than it makes, does not compile. A new feature's slice
 * declares its part beside it and joins this list.
 */
export const rootReducer: Reducer<RootState, UnknownAction, Partial<RootState>> = combineSlices(
  settingsSlice,
  connectionSlice,
  authSlice,
  experimentsSlice,
  seriesSlice,
  analysisSlice,
  chartsSlice,
  searchSlice,
  api,
);

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

/**
 * The store: the slices above, and one listener middleware through which each layer reacts to the
 * actions of the layers below it (the connection to settings and tokens, the charts to the end of the
 * history, the column choice to its changes), without calling into one another.
 */
export function makeStore(options: StoreOptions = {}) {
  const storage = options.storage ?? (typeof localStorage === 'undefined' ? undefined : localStorage);
  const tokens = options.tokens ?? (typeof sessionStorage === 'undefined' ? undefined : sessionStorage);
  const extra: ApiExtra = { tokens, ...(options.fetchFn ? { fetchFn: options.fetchFn } : {}) };
  const listener = createListenerMiddleware();
  const startListening = listener.startListening.withTypes<RootState, AppDispatch>();
  const connection = startConnectionListening(startListening, {
    storage,
    tokens,
    createWorker:
      options.createWorker ??
      (() => {
        throw new Error('no socket worker factory given');
      }),
    adoptWorker: options.adoptWorker,
  });
  startDrawQueueListening(startListening);
  startAnalysisPersistence(startListening, storage);
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
        .prepend(listener.middleware)
        .concat(api.middleware),
  });
  return Object.assign(store, { closeConnection: connection.close });
}

export type AppStore = ReturnType<typeof makeStore>;
