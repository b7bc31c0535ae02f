import type { ReactElement, ReactNode } from 'react';
import { render } from '@testing-library/react';
import type { RenderOptions } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Provider } from 'react-redux';
import { MemoryRouter } from 'react-router-dom';
import type { AppStore, StoreOptions } from '../app/store';
import { makeStore } from '../app/store';
import { FakeWorker, memoryStorage } from './fakes';

export interface ProvidersOptions extends Omit<RenderOptions, 'queries' | 'wrapper'> {
  /**
   * The store's options (its storage, fetch, state); the socket worker is a FakeWorker, the settings'
   * storage one in memory, the tokens' the DOM's (cleared) sessionStorage.
   */
  store?: StoreOptions;
  /** The page's URL (path and query). @default '/' */
  route?: string;
}

/**
 * Renders a component as the app does, with a real store (makeStore: every slice, listener and the
 * REST api) and a router, as Redux Toolkit's testing guide recommends. Returns the store, the socket
 * workers the store started (fakes the test answers for), a user-event session and RTL's queries.
 */
export function renderWithProviders(
  ui: ReactElement,
  { store: options = {}, route = '/', ...rest }: ProvidersOptions = {},
) {
  const workers: FakeWorker[] = [];
  const storage = options.storage ?? memoryStorage();
  // the tab's sessionStorage, as in the app: the token dialog and the access panel write there
  sessionStorage.clear();
  const tokens = options.tokens ?? sessionStorage;
  const store: AppStore = makeStore({
    createWorker: () => {
      const worker = new FakeWorker();
      workers.push(worker);
      return worker;
    },
    // a test that needs an endpoint answers for it; no request leaves the test
    fetchFn: () => Promise.reject(new TypeError('no endpoint in this test')),
    ...options,
    storage,
    tokens,
  });
  const Wrapper = ({ children }: { children: ReactNode }) => (
    <Provider store={store}>
      <MemoryRouter initialEntries={[route]}>{children}</MemoryRouter>
    </Provider>
  );
  const user = userEvent.setup();
  return { store, workers, storage, tokens, user, ...render(ui, { wrapper: Wrapper, ...rest }) };
}
