import { describe, expect, it } from 'vitest';
import { memoryStorage } from '../../test/fakes';
import {
  SETTINGS_KEY,
  initialSettings,
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
      fromUrl: false,
    });
    expect(initialSettings(storage, '?run_id=new&ws_endpoint=http://c:3/')).toEqual({
      settings: { gridSearchId: 'new', socketConnectionUrl: 'http://c:3', restApiUrl: 'http://b:2' },
      fromUrl: true,
    });
    expect(initialSettings(memoryStorage(), '?run_id=x').fromUrl).toBe(false);
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
