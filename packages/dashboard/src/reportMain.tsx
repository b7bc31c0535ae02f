import './shared/noEval';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { REPORT_DATA_ELEMENT_ID, decodeReportBundle } from '@mlgym/protocol';
import type { ReportBundle } from '@mlgym/protocol';
import { App } from './App';
import { makeStore } from './app/store';
import { createReportFetch } from './connection/report/reportFetch';
import { createReportWorker } from './connection/report/reportWorker';
import { connectRequested } from './connection/settings/settingsSlice';

/** Where a report's requests would go: nowhere (its fetch and socket worker answer from the file). */
const NOWHERE = 'http://report.invalid';

/** The report's own Storage: what a person changes in a report (hidden columns) stays in that tab. */
function tabStorage(): Storage {
  const items = new Map<string, string>();
  return {
    get length() {
      return items.size;
    },
    clear: () => items.clear(),
    getItem: (k) => items.get(k) ?? null,
    key: (i) => [...items.keys()][i] ?? null,
    removeItem: (k) => void items.delete(k),
    setItem: (k, v) => void items.set(k, String(v)),
  };
}

/**
 * The entry of a report (report.html, see vite.report.config.ts): reads the grid search the file carries and
 * mounts the board on it, read-only, with no connection.
 */
async function startReport(root: HTMLElement): Promise<void> {
  let bundle: ReportBundle;
  try {
    bundle = await decodeReportBundle(document.getElementById(REPORT_DATA_ELEMENT_ID)?.textContent ?? '');
  } catch (error) {
    root.textContent = `This report's data cannot be read (${(error as Error).message}): was the file cut short?`;
    return;
  }
  const settings = { gridSearchId: bundle.grid_search_id, socketConnectionUrl: NOWHERE, restApiUrl: NOWHERE };
  const storage = tabStorage();
  const store = makeStore({
    createWorker: () => createReportWorker(bundle),
    fetchFn: createReportFetch(bundle.grid_search_id, bundle.files),
    storage,
    tokens: storage,
    preloadedState: {
      settings: {
        current: settings,
        requested: false,
        linkProblems: [],
        also: [],
        report: {
          gridSearchId: bundle.grid_search_id,
          exportedAt: bundle.exported_at,
          source: bundle.source,
          logEvents: bundle.log_events,
        },
      },
    },
  });
  store.dispatch(connectRequested(settings, { save: false }));
  createRoot(root).render(
    <StrictMode>
      <App store={store} router="hash" />
    </StrictMode>,
  );
}

const root = document.getElementById('root');
if (root) void startReport(root);
