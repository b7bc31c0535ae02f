import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { makeStore } from './app/store';
import { createSocketWorker } from './features/connection/createSocketWorker';
import { connectRequested } from './features/settings/settingsSlice';
import { initialSettings } from './features/settings/settingsStorage';
import { readStoredTable } from './features/table/tableSlice';

const { settings, fromUrl } = initialSettings(localStorage, window.location.search);
const store = makeStore({
  createWorker: createSocketWorker,
  preloadedState: { settings: { current: settings, requested: false }, table: readStoredTable(localStorage) },
});
// The printed URL names everything: connect at once, no popup to confirm.
if (fromUrl) store.dispatch(connectRequested(settings));

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App store={store} />
  </StrictMode>,
);
