import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { redactRunConfig } from './redactRunConfig.js';

describe('redactRunConfig', () => {
  it('drops logging.auth_token and keeps everything else, comments included', () => {
    const text = [
      'run_configuration: {type: train, config: {num_epochs: 1}}',
      'logging:',
      '  websocket_logging_servers: [http://gpu-box:5002]  # the team server',
      '  auth_token: mlb_secret',
      '  gs_rest_api_endpoint: http://gpu-box:5001',
      '',
    ].join('\n');
    const stored = redactRunConfig(text);
    expect(stored).not.toContain('mlb_secret');
    expect(stored).toContain('# the team server');
    expect(parse(stored)).toEqual({ ...parse(text), logging: { ...parse(text).logging, auth_token: undefined } });
    expect(parse(stored).logging).not.toHaveProperty('auth_token');
  });

  it('returns a config without a token unchanged, byte for byte', () => {
    const text = 'run_configuration: {type: train}   # spaced\nlogging: null\n';
    expect(redactRunConfig(text)).toBe(text);
  });
});
