import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MlgymError } from '@mlgym/protocol';
import { ComponentRegistry } from './componentRegistry.js';

describe('ComponentRegistry', () => {
  it('rejects a second registration of the same type and variant, allows an explicit replace', () => {
    const registry = new ComponentRegistry().register('MODEL', 'DEFAULT', { build: () => 1 });
    expect(() => registry.register('MODEL', 'DEFAULT', { build: () => 2 })).toThrow(MlgymError);
    try {
      registry.register('MODEL', 'DEFAULT', {});
    } catch (e) {
      expect((e as MlgymError).code).toBe('DUPLICATE_REGISTRATION');
    }
    registry.replace('MODEL', 'DEFAULT', { build: () => 3 });
    const found = registry.lookup('MODEL', 'DEFAULT');
    expect('definition' in found && found.definition.build?.({} as never)).toBe(3);
  });

  it('explains unknown types and variants with the registered keys and the nearest one', () => {
    const registry = new ComponentRegistry()
      .register('DATA_LOADER', 'DEFAULT', { configSchema: z.object({}) })
      .register('DATA_LOADER', 'FUTURE', {});
    const variant = registry.lookup('DATA_LOADER', 'FUTUER');
    expect('issue' in variant && variant.issue).toMatchObject({
      code: 'UNKNOWN_VARIANT',
      expected: 'one of DEFAULT, FUTURE',
      hint: 'Did you mean "FUTURE"?',
    });
    const type = registry.lookup('DATA_LOADR', 'DEFAULT');
    expect('issue' in type && type.issue).toMatchObject({
      code: 'UNKNOWN_COMPONENT_TYPE',
      hint: 'Did you mean "DATA_LOADER"?',
    });
  });

  it('clones without sharing later registrations', () => {
    const base = new ComponentRegistry().register('A', 'X', {});
    const copy = base.clone().register('A', 'Y', {}).registerInjectable('id', 1);
    expect(base.variantKeys('A')).toEqual(['X']);
    expect(copy.variantKeys('A')).toEqual(['X', 'Y']);
    expect(base.injectableMap().has('id')).toBe(false);
  });
});
