import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MlgymError } from '@mlgym/protocol';
import { loadRunConfig } from './loadRunConfig.js';

const dir = mkdtempSync(join(tmpdir(), 'mlgym-run-config-'));
let counter = 0;
function write(text: string): string {
  const file = join(dir, `run_config_${counter++}.yml`);
  writeFileSync(file, text);
  return file;
}
function failure(text: string): MlgymError {
  try {
    loadRunConfig(write(text));
  } catch (e) {
    if (e instanceof MlgymError) return e;
    throw e;
  }
  throw new Error('expected loadRunConfig to fail');
}

const valid = `run_configuration:
  type: train
  config:
    num_epochs: 3
    num_batches_per_epoch: 100
    gs_config_path: ./gs/gs_config.yml
    seed: 4
environment:
  type: multiprocessing
  config:
    process_count: 2
    computation_device_ids: [0, 1]
    backend: wasm
logging:
  websocket_logging_servers: [http://127.0.0.1:5002]
  gs_rest_api_endpoint: http://127.0.0.1:5001
`;

describe('loadRunConfig', () => {
  it('loads the original format and resolves relative paths against the config file', () => {
    const loaded = loadRunConfig(write(valid));
    expect(loaded.config.run_configuration).toMatchObject({ type: 'train', config: { num_epochs: 3, seed: 4 } });
    expect(loaded.gsConfigPath).toBe(join(dir, 'gs', 'gs_config.yml'));
    expect(loaded.config.environment).toEqual({
      type: 'multiprocessing',
      config: { process_count: 2, computation_device_ids: [0, 1], backend: 'wasm' },
    });
  });

  it('accepts a run without a logging section (local event storage) and warm-start runs', () => {
    const local = loadRunConfig(
      write(
        'run_configuration: {type: train, config: {num_epochs: 1, gs_config_path: gs.yml}}\nenvironment: {type: main_process}\n',
      ),
    );
    expect(local.config.logging).toBeUndefined();
    expect(local.eventStoragePath).toMatch(/event_storage$/);
    const warm = loadRunConfig(
      write(
        'run_configuration: {type: warmstart, config: {gridsearch_id: 2023-06-03--10-26-58, num_epochs: 5}}\nenvironment: {type: main_process}\n',
      ),
    );
    expect(warm.config.run_configuration).toEqual({
      type: 'warmstart',
      config: { gridsearch_id: '2023-06-03--10-26-58', num_epochs: 5 },
    });
    expect(warm.gsConfigPath).toBeUndefined();
  });

  it('names a missing file', () => {
    let error: MlgymError | undefined;
    try {
      loadRunConfig(join(dir, 'nope.yml'));
    } catch (e) {
      error = e as MlgymError;
    }
    expect(error?.code).toBe('CONFIG_FILE_NOT_FOUND');
    expect(error?.message).toContain('nope.yml');
  });

  it('points at YAML syntax errors', () => {
    const error = failure('run_configuration:\n  type: train\n  config: {num_epochs: 1\nenvironment: x\n');
    expect(error.code).toBe('CONFIG_PARSE_ERROR');
    expect(error.issues[0]?.line).toBeGreaterThanOrEqual(3);
    expect(error.message).toMatch(/run_config_\d+\.yml:\d+:\d+: invalid YAML/);
  });

  it('refuses an unknown run type instead of treating it as a warm start', () => {
    const error = failure(valid.replace('type: train', 'type: warm_start'));
    expect(error.code).toBe('UNKNOWN_RUN_TYPE');
    expect(error.issues[0]).toMatchObject({
      line: 2,
      column: 9,
      keyPath: 'run_configuration.type',
      found: 'the string "warm_start"',
      expected: 'one of train, warmstart',
      hint: 'Did you mean "warmstart"?',
    });
  });

  it('refuses an unknown environment type', () => {
    expect(failure(valid.replace('type: multiprocessing', 'type: multiprocesing')).issues[0]).toMatchObject({
      code: 'UNKNOWN_ENVIRONMENT_TYPE',
      hint: 'Did you mean "multiprocessing"?',
    });
    expect(failure(valid.replace('type: multiprocessing', 'type: acelerate')).issues[0]?.hint).toBe(
      'Did you mean "accelerate"?',
    );
  });

  it("reads the original's accelerate environment as one experiment per device, and says so", () => {
    const local = loadRunConfig(
      write(
        'run_configuration: {type: train, config: {num_epochs: 1, gs_config_path: gs.yml}}\nenvironment: {type: accelerate}\n',
      ),
    );
    expect(local.config.environment).toEqual({ type: 'main_process', config: { computation_device_id: null } });
    expect(local.notices).toEqual([
      expect.stringMatching(/no data-parallel training.*one after another in this process/),
    ]);
    const devices = loadRunConfig(
      write(
        'run_configuration: {type: train, config: {num_epochs: 1, gs_config_path: gs.yml}}\nenvironment: {type: accelerate, config: {computation_device_ids: [0, 1], backend: wasm}}\n',
      ),
    );
    expect(devices.config.environment).toEqual({
      type: 'multiprocessing',
      config: { process_count: 2, computation_device_ids: [0, 1], backend: 'wasm' },
    });
    expect(devices.notices[0]).toMatch(/2 at a time in worker processes \(devices 0, 1\)/);
    // It places one experiment per device: a process count of its own is refused where it is written.
    expect(
      failure(valid.replace('type: multiprocessing', 'type: accelerate')).issues.map(
        (i) => `${i.line}: ${i.keyPath}: ${i.problem}`,
      ),
    ).toEqual([
      '11: environment.config.process_count: accelerate runs one experiment per device: the process count is the number of computation_device_ids',
    ]);
    expect(loadRunConfig(write(valid)).notices).toEqual([]);
  });

  it('reports wrong types, unknown keys and missing keys with line, column, key path, found and expected', () => {
    const error = failure(
      valid.replace('num_epochs: 3', 'num_epochs: three').replace('process_count: 2', 'process_cont: 2'),
    );
    expect(error.code).toBe('CONFIG_INVALID');
    const byPath = Object.fromEntries(error.issues.map((i) => [i.keyPath, i]));
    expect(byPath['run_configuration.config.num_epochs']).toMatchObject({
      line: 4,
      column: 17,
      found: 'the string "three"',
      expected: 'a number',
    });
    expect(byPath['environment.config.process_cont']).toMatchObject({
      line: 11,
      problem: 'unknown key "process_cont"',
      hint: 'Did you mean "process_count"?',
    });
    expect(byPath['environment.config.process_count']).toMatchObject({ problem: 'required key is missing' });
  });

  it('refuses logging servers that are not URLs', () => {
    const error = failure(valid.replace('http://127.0.0.1:5002', '127.0.0.1:5002'));
    expect(error.issues[0]).toMatchObject({ keyPath: 'logging.websocket_logging_servers[0]', line: 15 });
  });
});
