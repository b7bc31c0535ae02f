// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { act, cleanup, screen } from '@testing-library/react';
import { renderWithProviders } from '../../test/renderWithProviders';
import { connectRequested } from '../settings/settingsSlice';
import { authRefused } from './authSlice';
import { readToken } from './tokenStorage';
import { TokenDialog } from './TokenDialog';

afterEach(cleanup);

const settings = {
  gridSearchId: 'gs-1',
  socketConnectionUrl: 'http://127.0.0.1:5002',
  restApiUrl: 'http://127.0.0.1:5001',
};
const REST = 'http://127.0.0.1:5001';
const WS = 'http://127.0.0.1:5002';

function asked(code: 'AUTH_REQUIRED' | 'AUTH_INVALID' = 'AUTH_REQUIRED') {
  const r = renderWithProviders(<TokenDialog />);
  act(() => void r.store.dispatch(connectRequested(settings)));
  act(() => void r.store.dispatch(authRefused({ origin: REST, kind: 'REST', code, message: 'a token is required' })));
  return r;
}

describe('the token dialog', () => {
  it('asks only when an endpoint wants a token, naming the endpoint and why', () => {
    const { store } = renderWithProviders(<TokenDialog />);
    expect(screen.queryByRole('dialog')).toBeNull();
    act(() => void store.dispatch(authRefused({ origin: REST, kind: 'REST', code: 'AUTH_FORBIDDEN', message: 'no' })));
    expect(screen.queryByRole('dialog')).toBeNull();
    act(
      () =>
        void store.dispatch(authRefused({ origin: REST, kind: 'REST', code: 'AUTH_INVALID', message: 'bad token' })),
    );
    const dialog = screen.getByRole('dialog', { name: 'Sign in to the REST endpoint' });
    expect(dialog.textContent).toContain(`${REST} refused the token it was sent: bad token`);
  });

  it('keeps the token for that endpoint alone, and the next request goes with it', async () => {
    const { user, store, tokens } = asked();
    const signIn = screen.getByRole('button', { name: 'Sign in' });
    expect((signIn as HTMLButtonElement).disabled).toBe(true);
    await user.type(screen.getByLabelText('Token'), '  s3cret  ');
    // the other endpoint only when the person ticks it
    expect(
      (screen.getByRole('checkbox', { name: `Use it for the websocket endpoint ${WS} too` }) as HTMLInputElement)
        .checked,
    ).toBe(false);
    await user.click(signIn);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(readToken(tokens, REST)).toBe('s3cret');
    expect(readToken(tokens, WS)).toBeNull();
    expect(store.getState().auth.generation).toBe(1);
  });

  it('with the box ticked, the websocket endpoint gets it too (the worker is told)', async () => {
    const { user, tokens, workers } = asked();
    await user.type(screen.getByLabelText('Token'), 'shared');
    await user.click(screen.getByRole('checkbox', { name: /websocket endpoint/ }));
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(readToken(tokens, WS)).toBe('shared');
    expect(workers[0]!.posted).toContainEqual({ type: 'token', token: 'shared' });
  });

  it('closed without a token, it does not ask again for that endpoint', async () => {
    const { user, store } = asked();
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    act(
      () => void store.dispatch(authRefused({ origin: REST, kind: 'REST', code: 'AUTH_REQUIRED', message: 'again' })),
    );
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(store.getState().auth.declined).toEqual([REST]);
  });
});
