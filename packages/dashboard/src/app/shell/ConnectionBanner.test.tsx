// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, screen, within } from '@testing-library/react';
import { evaluation } from '../../test/events';
import { deliver } from '../../test/fakes';
import { renderWithProviders } from '../../test/renderWithProviders';
import { connectRequested } from '../../connection/settings/settingsSlice';
import { ConnectionBanner } from './ConnectionBanner';

afterEach(cleanup);

const settings = {
  gridSearchId: 'gs-1',
  socketConnectionUrl: 'http://127.0.0.1:5002',
  restApiUrl: 'http://127.0.0.1:5001',
};

function connected() {
  const r = renderWithProviders(<ConnectionBanner />);
  act(() => void r.store.dispatch(connectRequested(settings)));
  const worker = r.workers[0]!;
  return { ...r, worker };
}

const alerts = () => screen.queryAllByRole('alert').map((a) => a.textContent);

describe('the connection banner', () => {
  it('says nothing before a connection, and names a refused link endpoint', () => {
    const { store } = renderWithProviders(<ConnectionBanner />, {
      store: {
        preloadedState: {
          settings: {
            current: settings,
            requested: false,
            linkProblems: ['data: is not allowed.'],
            report: null,
            also: [],
          },
        },
      },
    });
    const alert = screen.getByRole('alert');
    expect(within(alert).getByText('This link named an endpoint that is not allowed')).toBeTruthy();
    expect(alert.textContent).toContain('data: is not allowed. Enter the endpoints in the popup or in Settings.');
    expect(store.getState().settings.requested).toBe(false);
  });

  it('follows what the socket worker reports: cannot reach, reconnecting, unknown grid search, malformed events', () => {
    const { worker, store } = connected();
    expect(alerts()).toEqual([]);
    act(() => worker.send({ type: 'connectError', message: 'xhr poll error', attempt: 3 }));
    const unreachable = screen.getByRole('alert');
    expect(within(unreachable).getByText('Cannot reach the websocket endpoint')).toBeTruthy();
    expect(unreachable.textContent).toContain('http://127.0.0.1:5002: xhr poll error. Retrying (attempt 3)');

    act(() => worker.send({ type: 'connected', reconnect: false }));
    expect(alerts()).toEqual([]);
    act(() => worker.send({ type: 'roomKnown', known: false }));
    act(() => worker.send({ type: 'historyDone', nextEventId: 0 }));
    expect(screen.getByRole('alert').textContent).toMatch(
      /^Unknown grid search "gs-1"The websocket endpoint has no events for it/,
    );

    act(() => deliver(store, [evaluation(0, 0, { f1: 0.5 })]));
    expect(alerts()).toEqual([]);
    act(() => worker.send({ type: 'disconnected', reason: 'disconnected (transport close)' }));
    expect(screen.getByRole('alert').textContent).toContain('Connection lost');
    expect(screen.getByRole('alert').textContent).toContain('the board resumes after event 0');
  });

  it('counts ignored events and missing scores, with the last problems', () => {
    const { store, worker } = connected();
    act(() => worker.send({ type: 'connected', reconnect: false }));
    act(() =>
      deliver(store, [
        evaluation(0, 0, { f1: null }),
        { event_type: 'from_the_future', creation_ts: 1, payload: {} } as never,
        { event_type: 'evaluation_result', creation_ts: 1, payload: {} } as never,
      ]),
    );
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('2 events ignored (1 of unknown type, 1 malformed); 1 score not a number');
    expect(alert.textContent).toMatch(/event 2 \(evaluation_result\) is malformed/);
  });

  it('says once that an endpoint refused access, and asks for a token when the handshake wants one', () => {
    const { worker } = connected();
    act(() => worker.send({ type: 'connectError', message: 'token required', attempt: 1, code: 'AUTH_REQUIRED' }));
    expect(alerts()).toHaveLength(1);
    expect(screen.getByRole('alert').textContent).toContain('The websocket endpoint asks for a token (AUTH_REQUIRED)');
    act(() => worker.send({ type: 'connected', reconnect: false }));
    act(() => worker.send({ type: 'serverError', message: 'not allowed to join gs-1', code: 'AUTH_FORBIDDEN' }));
    expect(alerts()).toHaveLength(1);
    expect(screen.getByRole('alert').textContent).toContain('The websocket endpoint refused access (AUTH_FORBIDDEN)');
  });
});
