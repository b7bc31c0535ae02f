import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../../test/fakes';
import {
  SETTINGS_KEY,
  endpointProblem,
  initialSettings,
  isComplete,
  normalizeUrl,
  readStoredSettings,
  writeStoredSettings,
} from './settingsStorage';

describe('settings', () => {
  it('URL parameters win over stored settings; all three named connects at once', () => {
    const storage = memoryStorage();
    writeStoredSettings(storage, { gridSearchId: 'old', socketConnectionUrl: 'http://a:1', restApiUrl: 'http://b:2' });
    expect(initialSettings(storage, '')).toEqual({
      settings: { gridSearchId: 'old', socketConnectionUrl: 'http://a:1', restApiUrl: 'http://b:2' },
      also: [],
      fromUrl: false,
      refused: [],
    });
    expect(initialSettings(storage, '?run_id=new&ws_endpoint=http://c:3/')).toEqual({
      settings: { gridSearchId: 'new', socketConnectionUrl: 'http://c:3', restApiUrl: 'http://b:2' },
      also: [],
      fromUrl: true,
      refused: [],
    });
    expect(initialSettings(memoryStorage(), '?run_id=x').fromUrl).toBe(false);
  });

  it('a link naming only an endpoint does not connect at once with the stored grid search', () => {
    const storage = memoryStorage();
    writeStoredSettings(storage, { gridSearchId: 'mine', socketConnectionUrl: 'http://a:1', restApiUrl: 'http://b:2' });
    expect(initialSettings(storage, '?rest_endpoint=http://evil.example:5001')).toEqual({
      settings: { gridSearchId: 'mine', socketConnectionUrl: 'http://a:1', restApiUrl: 'http://evil.example:5001' },
      also: [],
      fromUrl: false,
      refused: [],
    });
  });

  it('endpoints other than http(s) URLs are refused, from a link and from storage', () => {
    const storage = memoryStorage();
    const link = initialSettings(
      storage,
      `?run_id=gs&ws_endpoint=${encodeURIComponent('data:text/plain,made up')}&rest_endpoint=http://127.0.0.1:5001`,
    );
    expect(link.fromUrl).toBe(false);
    expect(link.settings).toEqual({ gridSearchId: 'gs', socketConnectionUrl: '', restApiUrl: 'http://127.0.0.1:5001' });
    expect(link.refused).toEqual([
      "The link's ws_endpoint was refused: only http:// and https:// endpoints are allowed, not data:.",
    ]);
    for (const bad of ['javascript:alert(1)', 'ws://127.0.0.1:5002', 'not a url', 'http://user:pw@127.0.0.1:5001'])
      expect(endpointProblem(bad), bad).not.toBeNull();
    expect(endpointProblem('https://board.example.org:8443/ws')).toBeNull();
    expect(isComplete({ gridSearchId: 'gs', socketConnectionUrl: 'data:,x', restApiUrl: 'http://a:1' })).toBe(false);
    storage.setItem(
      SETTINGS_KEY,
      JSON.stringify({ gridSearchId: 'gs', socketConnectionUrl: 'data:,x', restApiUrl: 'http://a:1' }),
    );
    expect(readStoredSettings(storage)).toEqual({
      gridSearchId: 'gs',
      socketConnectionUrl: '',
      restApiUrl: 'http://a:1',
    });
  });

  it('a link naming run_id several times shows those grid searches beside the first; a bad name is left out', () => {
    const link = initialSettings(
      memoryStorage(),
      `?run_id=gs-a&run_id=gs-b&run_id=${encodeURIComponent('../etc')}&run_id=gs-c&ws_endpoint=http://a:1&rest_endpoint=http://b:2`,
    );
    expect(link.settings.gridSearchId).toBe('gs-a');
    expect(link.also).toEqual(['gs-b', 'gs-c']);
    expect(link.fromUrl).toBe(true);
    expect(link.refused).toEqual([
      'The link\'s run_id "../etc" was refused: not a grid search name (letters, digits, "_", "-", ".").',
    ]);
  });

  it('normalises URLs in one place and survives garbage in storage', () => {
    expect(normalizeUrl(' http://127.0.0.1:5001/// ')).toBe('http://127.0.0.1:5001');
    const storage = memoryStorage();
    storage.setItem(SETTINGS_KEY, '{not json');
    expect(readStoredSettings(storage)).toEqual({ gridSearchId: '', socketConnectionUrl: '', restApiUrl: '' });
    storage.setItem(SETTINGS_KEY, JSON.stringify({ gridSearchId: 5, restApiUrl: 'http://x/' }));
    expect(readStoredSettings(storage)).toEqual({ gridSearchId: '', socketConnectionUrl: '', restApiUrl: 'http://x' });
  });
});
