// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, screen, waitFor } from '@testing-library/react';
import { SETTINGS_KEY } from '../../connection/settings/settingsStorage';
import { renderWithProviders } from '../../test/renderWithProviders';
import { SettingsPage } from './SettingsPage';

afterEach(cleanup);

const REST = 'http://127.0.0.1:5001';

/** Answers as a REST endpoint without authentication that stores two grid searches. */
const endpoint: typeof fetch = async (input) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.origin === REST && url.pathname === '/grid_searches')
    return Response.json([
      { grid_search_id: '2024-06-02--10-00-00', experiments: 12, modified: '2024-06-02T10:30:00Z' },
      { grid_search_id: '2024-06-01--09-00-00', experiments: 1, modified: '2024-06-01T09:10:00Z' },
    ]);
  return Response.json({ message: 'Cannot GET' }, { status: 404 });
};

const field = (name: string) => screen.getByRole('textbox', { name }) as HTMLInputElement;

describe('the settings page', () => {
  it('refuses an endpoint that is no http(s) URL, and connects only when all three are given', async () => {
    const { user, workers } = renderWithProviders(<SettingsPage />, { store: { fetchFn: endpoint } });
    expect(screen.getByTestId('connection-state').textContent).toBe('Not connected.');
    const save = screen.getByRole('button', { name: 'Save and connect' }) as HTMLButtonElement;
    expect(save.disabled).toBe(true);
    await user.type(field('Socket Connection Url'), 'data:text/html,hi');
    expect(screen.getByText('Refused: only http:// and https:// endpoints are allowed, not data:')).toBeTruthy();
    await user.clear(field('Socket Connection Url'));
    await user.type(field('Socket Connection Url'), 'http://127.0.0.1:5002/');
    await user.type(field('Rest API Url'), `${REST}//`);
    expect(save.disabled).toBe(true);
    await user.type(field('Grid Search-id'), ' gs-1 ');
    expect(save.disabled).toBe(false);
    expect(workers).toHaveLength(0);
  });

  it('lists what the REST endpoint stores; a pick fills the grid search, and "Save and connect" saves and connects', async () => {
    const { user, workers, storage, store } = renderWithProviders(<SettingsPage />, { store: { fetchFn: endpoint } });
    await user.type(field('Socket Connection Url'), 'http://127.0.0.1:5002');
    await user.type(field('Rest API Url'), REST);
    await user.click(await screen.findByText('2024-06-01--09-00-00'));
    expect(field('Grid Search-id').value).toBe('2024-06-01--09-00-00');
    await user.click(screen.getByRole('button', { name: 'Save and connect' }));
    const settings = {
      gridSearchId: '2024-06-01--09-00-00',
      socketConnectionUrl: 'http://127.0.0.1:5002',
      restApiUrl: REST,
    };
    expect(workers).toHaveLength(1);
    expect(workers[0]!.posted[0]).toMatchObject({ type: 'connect', settings, lastEventId: -1 });
    expect(JSON.parse(storage.getItem(SETTINGS_KEY)!)).toEqual(settings);
    await waitFor(() =>
      expect(screen.getByTestId('connection-state').textContent).toBe('Grid search 2024-06-01--09-00-00: connecting.'),
    );
    expect(screen.getByRole('button', { name: 'Reconnect' })).toBeTruthy();
    // who the board is on each endpoint: neither has GET /whoami, so neither asks for a token
    await waitFor(() =>
      expect(screen.getAllByTestId('identity').map((e) => e.textContent)).toEqual([
        'no authentication (the endpoint has no GET /whoami)',
        'no authentication (the endpoint has no GET /whoami)',
      ]),
    );

    await user.click(screen.getByRole('button', { name: 'Clear' }));
    expect(workers[0]!.terminated).toBe(true);
    expect(storage.getItem(SETTINGS_KEY)).toBeNull();
    expect(store.getState().settings.requested).toBe(false);
    expect(field('Grid Search-id').value).toBe('');
  });
});
