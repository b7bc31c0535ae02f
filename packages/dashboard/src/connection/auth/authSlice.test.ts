import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../../test/fakes';
import { settingsCleared } from '../settings/settingsSlice';
import { authRefused, authSlice, promptDismissed, signInRequested, tokenEntered } from './authSlice';
import { authorizationFor, originOf, readToken, writeToken } from './tokenStorage';

const reduce = authSlice.reducer;
const ws = { origin: 'http://127.0.0.1:5002', kind: 'websocket' as const };
const rest = { origin: 'http://127.0.0.1:5001', kind: 'REST' as const };

describe('tokens kept per endpoint origin', () => {
  it('a token is read back only for URLs of the origin it was entered for', () => {
    const store = memoryStorage();
    expect(writeToken(store, 'http://127.0.0.1:5002/', 's3cret')).toBe(true);
    expect(readToken(store, 'http://127.0.0.1:5002/history/gs?from=0')).toBe('s3cret');
    expect(authorizationFor(store, 'http://127.0.0.1:5002/whoami')).toBe('Bearer s3cret');
    // another port, scheme or host is another endpoint
    for (const other of [
      'http://127.0.0.1:5001',
      'https://127.0.0.1:5002',
      'http://localhost:5002',
      'http://evil.example',
    ])
      expect(readToken(store, other), other).toBeNull();
    // a URL whose user part names the origin does not fool it
    expect(readToken(store, 'http://127.0.0.1:5002@evil.example/')).toBeNull();
    expect(writeToken(store, 'data:text/plain,x', 't')).toBe(false);
    expect(originOf('javascript:alert(1)')).toBeNull();
    writeToken(store, 'http://127.0.0.1:5002', '');
    expect(readToken(store, 'http://127.0.0.1:5002')).toBeNull();
  });
});

describe('auth reducer', () => {
  it('a 401 opens the dialog for its endpoint; a token entered closes it and repeats the requests', () => {
    let s = reduce(undefined, authRefused({ ...ws, code: 'AUTH_REQUIRED', message: 'a token is required' }));
    expect(s.prompt).toMatchObject({ origin: ws.origin, kind: 'websocket', code: 'AUTH_REQUIRED' });
    // the REST endpoint asking meanwhile does not take the dialog over
    s = reduce(s, authRefused({ ...rest, code: 'AUTH_REQUIRED', message: 'x' }));
    expect(s.prompt?.origin).toBe(ws.origin);
    s = reduce(s, authRefused({ ...ws, code: 'AUTH_INVALID', message: 'unknown token' }));
    expect(s.prompt).toMatchObject({ code: 'AUTH_INVALID', message: 'unknown token' });
    s = reduce(s, tokenEntered({ origin: ws.origin }));
    expect(s.prompt).toBeNull();
    expect(s.generation).toBe(1);
  });

  it('a forbidden request is remembered with its message, never a dialog; a dismissed dialog is not asked again', () => {
    let s = reduce(undefined, authRefused({ ...rest, code: 'AUTH_FORBIDDEN', message: 'read scope' }));
    expect(s.prompt).toBeNull();
    expect(s.refused[rest.origin]?.message).toBe('read scope');
    s = reduce(s, authRefused({ ...ws, code: 'AUTH_REQUIRED', message: 'x' }));
    s = reduce(s, promptDismissed());
    expect(s.prompt).toBeNull();
    s = reduce(s, authRefused({ ...ws, code: 'AUTH_REQUIRED', message: 'x' }));
    expect(s.prompt).toBeNull();
    s = reduce(s, signInRequested(ws));
    expect(s.prompt?.origin).toBe(ws.origin);
    s = reduce(s, settingsCleared());
    expect(s).toMatchObject({ prompt: null, declined: [], refused: {} });
  });
});
