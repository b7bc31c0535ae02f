import { describe, expect, it } from 'vitest';
import { YamlSource } from '../config/yamlSource.js';
import { scanSweeps } from './scanSweeps.js';

function scan(yaml: string) {
  const source = YamlSource.parse(yaml, 'gs.yml');
  return scanSweeps(source.data, source);
}

describe('scanSweeps', () => {
  it('reports a sweep with no values at its line, with the key path', () => {
    const { issues } = scan('opt:\n  config:\n    lr:\n      sweep: absolute\n      values: []\n');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      code: 'SWEEP_INVALID',
      file: 'gs.yml',
      line: 5,
      keyPath: 'opt.config.lr.values',
      problem: 'a sweep needs at least one value',
    });
  });

  it('reports an unknown sweep kind with the known kinds and the nearest one', () => {
    const { issues } = scan('lr:\n  sweep: absolut\n  values: [1]\n');
    expect(issues[0]).toMatchObject({
      code: 'SWEEP_INVALID',
      line: 2,
      keyPath: 'lr.sweep',
      expected: 'one of absolute, range, linspace, logspace, random',
    });
    expect(issues[0]?.hint).toBe('Did you mean "absolute"?');
  });

  it('reports ranges that yield nothing and bad random specs', () => {
    expect(scan('a: {sweep: range, start: 5, stop: 1}\n').issues[0]?.problem).toBe('this sweep yields no values');
    expect(
      scan('a: {sweep: random, distribution: loguniform, low: 0, high: 1, num_samples: 2}\n').issues[0]?.problem,
    ).toBe('loguniform needs low > 0');
    expect(scan('a: {sweep: random, distribution: uniform, low: 0, high: 1}\n').issues[0]?.keyPath).toBe(
      'a.num_samples',
    );
  });

  it('lists swept sites, including sweeps nested in swept mappings', () => {
    const { issues, sites } = scan(
      'a: {sweep: absolute, values: [{x: {sweep: absolute, values: [1, 2]}}, 5]}\nb: {c: {sweep: linspace, start: 0, stop: 1, num: 3}}\n',
    );
    expect(issues).toEqual([]);
    expect(sites).toEqual([
      { path: ['a'], kind: 'absolute' },
      { path: ['a', 'x'], kind: 'absolute' },
      { path: ['b', 'c'], kind: 'linspace' },
    ]);
  });
});
