import { describe, expect, it } from 'vitest';
import { isLoopbackHost, unsafeBindReason } from './bindCheck.js';
import { createHostCheck, hostName } from './hostCheck.js';
import { bearerToken } from './httpRefusal.js';

describe('Host check (DNS rebinding)', () => {
  it('by default allows loopback names and IP addresses, not other names', () => {
    const check = createHostCheck({ bindHost: '127.0.0.1' });
    for (const host of [
      'localhost:5002',
      'LOCALHOST',
      'localhost.',
      'app.localhost:1',
      '127.0.0.1:5002',
      '[::1]:5002',
      '10.1.2.3',
      undefined,
    ])
      expect(check.allows(host), String(host)).toBe(true);
    for (const host of ['evil.example', 'evil.example:5002', 'localhost.evil.example', 'gpu-box', '', ':5002'])
      expect(check.allows(host), host).toBe(false);
  });

  it('adds the bound name and --allowed_hosts (a leading dot: the domain and its subdomains; * any)', () => {
    const check = createHostCheck({ bindHost: 'gpu-box.lan', allowedHosts: ['board.example.org', '.team.example'] });
    for (const host of ['gpu-box.lan:5001', 'board.example.org', 'team.example', 'x.team.example:443'])
      expect(check.allows(host), host).toBe(true);
    for (const host of ['gpu-box', 'example.org', 'evilteam.example']) expect(check.allows(host), host).toBe(false);
    expect(createHostCheck({ allowedHosts: ['*'] }).allows('anything.example')).toBe(true);
    expect(createHostCheck({ bindHost: '0.0.0.0' }).allows('0.0.0.0')).toBe(true);
  });

  it('reads Host headers as browsers send them', () => {
    expect(hostName('[::1]:80')).toBe('::1');
    expect(hostName('::1')).toBe('::1');
    expect(hostName('Example.ORG.:8080')).toBe('example.org');
  });
});

describe('binding beyond loopback', () => {
  it('knows loopback addresses and names', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.2', 'gpu-box', '128.0.0.1'])
      expect(isLoopbackHost(host), host).toBe(false);
  });

  it('refuses an open server beyond loopback unless told so on purpose', () => {
    expect(unsafeBindReason({ host: '0.0.0.0', authRequired: false, insecureNoAuth: false })).toMatch(
      /--host 0\.0\.0\.0 accepts connections from other machines, and no token is configured.*--insecure_no_auth/,
    );
    expect(unsafeBindReason({ host: '0.0.0.0', authRequired: true, insecureNoAuth: false })).toBeUndefined();
    expect(unsafeBindReason({ host: '0.0.0.0', authRequired: false, insecureNoAuth: true })).toBeUndefined();
    expect(unsafeBindReason({ host: '127.0.0.1', authRequired: false, insecureNoAuth: false })).toBeUndefined();
  });
});

describe('bearer tokens', () => {
  it('takes the token of a Bearer header only', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
