import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MlgymError } from '@mlgym/protocol';
import { YamlSource } from '../config/yamlSource.js';
import { ComponentBuilder } from './componentBuilder.js';
import { ComponentGraph } from './componentGraph.js';
import { ComponentRegistry } from './componentRegistry.js';

function counting() {
  const builds: string[] = [];
  const registry = new ComponentRegistry()
    .register('SOURCE', 'DEFAULT', {
      configSchema: z.strictObject({ n: z.number().int() }),
      build: ({ name, config }) => {
        builds.push(name);
        return { train: config.n, test: config.n * 10 };
      },
    })
    .register('SUM', 'DEFAULT', {
      requirements: [{ name: 'left' }, { name: 'right' }],
      build: ({ name, requirements }) => {
        builds.push(name);
        return (requirements['left'] as number) + (requirements['right'] as number);
      },
    });
  return { registry, builds };
}

function errorOf(fn: () => unknown): MlgymError {
  try {
    fn();
  } catch (e) {
    if (e instanceof MlgymError) return e;
    throw e;
  }
  throw new Error('expected an MlgymError');
}

describe('ComponentGraph + ComponentBuilder', () => {
  it('builds each component once and shares it between dependents, applying subscriptions', async () => {
    const { registry, builds } = counting();
    const config = {
      data: { component_type_key: 'SOURCE', variant_key: 'DEFAULT', config: { n: 2 } },
      a: {
        component_type_key: 'SUM',
        variant_key: 'DEFAULT',
        requirements: [
          { name: 'left', component_name: 'data', subscription: 'train' },
          { name: 'right', component_name: 'data', subscription: 'test' },
        ],
      },
      b: {
        component_type_key: 'SUM',
        variant_key: 'DEFAULT',
        requirements: [
          { name: 'left', component_name: 'a' },
          { name: 'right', component_name: 'data', subscription: 'train' },
        ],
      },
    };
    const graph = ComponentGraph.fromConfig(config, registry, { requested: ['a', 'b'] });
    const built = await new ComponentBuilder(graph, { services: new Map() }).buildAll();
    expect(built).toEqual({ a: 22, b: 24 });
    expect(builds).toEqual(['data', 'a', 'b']);
  });

  it('lets users register their own components (the original blueprint)', async () => {
    const registry = new ComponentRegistry().register('MODEL', 'MY_NET', {
      configSchema: z.strictObject({ width: z.number().int().positive() }),
      build: ({ config, name }) => ({ kind: 'my-net', width: config.width, name }),
    });
    const graph = ComponentGraph.fromConfig(
      { model: { component_type_key: 'MODEL', variant_key: 'MY_NET', config: { width: 8 } } },
      registry,
    );
    expect(await new ComponentBuilder(graph, { services: new Map() }).build('model')).toEqual({
      kind: 'my-net',
      width: 8,
      name: 'model',
    });
  });

  it('detects cycles and shows them as a path, located in the file', () => {
    const yaml = [
      'a:',
      '  component_type_key: SUM',
      '  variant_key: DEFAULT',
      '  requirements: [{name: left, component_name: b}, {name: right, component_name: b}]',
      'b:',
      '  component_type_key: SUM',
      '  variant_key: DEFAULT',
      '  requirements: [{name: left, component_name: a}, {name: right, component_name: a}]',
    ].join('\n');
    const source = YamlSource.parse(yaml, 'gs.yml');
    const error = errorOf(() =>
      ComponentGraph.fromConfig(source.data as Record<string, unknown>, counting().registry, { source }),
    );
    const cycle = error.issues.find((i) => i.code === 'COMPONENT_CYCLE');
    expect(cycle?.problem).toContain('a -> b -> a');
    expect(cycle).toMatchObject({ file: 'gs.yml', line: 4, keyPath: 'a.requirements' });
  });

  it('names a missing requirement, a missing component and a bad config with file positions', () => {
    const yaml = [
      'data:',
      '  component_type_key: SOURCE',
      '  variant_key: DEFAULT',
      '  config: {n: "two"}',
      'sum:',
      '  component_type_key: SUM',
      '  variant_key: DEFAULT',
      '  requirements:',
      '    - {name: left, component_name: dat}',
    ].join('\n');
    const source = YamlSource.parse(yaml, 'gs.yml');
    const error = errorOf(() =>
      ComponentGraph.fromConfig(source.data as Record<string, unknown>, counting().registry, { source }),
    );
    const byCode = Object.fromEntries(error.issues.map((i) => [i.code, i]));
    expect(byCode['MISSING_COMPONENT']).toMatchObject({
      line: 9,
      keyPath: 'sum.requirements[0].component_name',
      hint: 'Did you mean "data"?',
    });
    expect(byCode['MISSING_REQUIREMENT']).toMatchObject({ line: 5, keyPath: 'sum' });
    expect(byCode['MISSING_REQUIREMENT']?.problem).toContain('"right"');
    expect(byCode['CONFIG_INVALID']).toMatchObject({ line: 4, keyPath: 'data.config.n', expected: 'a number' });
    expect(byCode['CONFIG_INVALID']?.found).toBe('the string "two"');
    expect(error.message).toMatch(/^3 problems found:\n {2}- gs\.yml:/);
  });

  it('reports a requested component that the config lacks, and unknown injectables', () => {
    const registry = counting().registry.register('ANY', 'DEFAULT', {});
    const config = {
      x: { component_type_key: 'ANY', variant_key: 'DEFAULT', config: { c: { injectable: { id: 'id_missing' } } } },
    };
    const error = errorOf(() => ComponentGraph.fromConfig(config, registry, { requested: ['x', 'trainer'] }));
    expect(error.issues.map((i) => i.code).sort()).toEqual(['INJECTABLE_UNKNOWN', 'MISSING_COMPONENT']);
    expect(error.issues.find((i) => i.code === 'INJECTABLE_UNKNOWN')?.keyPath).toBe('x.config.c');
  });
});
