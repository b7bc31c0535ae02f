import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { makeStore } from './app/store';
import { createSocketWorker } from './connection/createSocketWorker';
import type { EarlySocketWorker } from './connection/earlySocketWorker';
import { connectRequested } from './connection/settings/settingsSlice';
import type { Settings } from './connection/settings/settingsStorage';
import { readStoredAnalysis } from './analysis/analysisPersistence';

/** Makes the store and mounts the app; `early` is the socket worker main.tsx started, if any. */
export function bootApp({
  settings,
  also,
  fromUrl,
  refused,
  early,
}: {
  settings: Settings;
  /** Grid searches the link shows beside `settings.gridSearchId`. */
  also: string[];
  fromUrl: boolean;
  refused: string[];
  early: EarlySocketWorker | undefined;
}) {
  const store = makeStore({
    createWorker: createSocketWorker,
    adoptWorker: early?.adopt,
    preloadedState: {
      settings: { current: settings, requested: false, linkProblems: refused, report: null, also },
      analysis: readStoredAnalysis(localStorage, window.location.search),
    },
  });
  // The printed URL names everything: connect at once, no popup to confirm (for this tab: not saved).
  if (fromUrl) store.dispatch(connectRequested(settings, { save: false }));

  const root = document.getElementById('root');
  if (!root) throw new Error('index.html has no #root element');
  createRoot(root).render(
    <StrictMode>
      <App store={store} />
    </StrictMode>,
  );
}
