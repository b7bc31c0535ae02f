import { describe, expect, it } from 'vitest';
import { inject } from './injector.js';

describe('inject', () => {
  const mapping = new Map<string, unknown>([
    ['id_injectable_123', 'value_123'],
    ['id_injectable_124', { nested: true }],
  ]);

  it('replaces whole placeholder mappings, also inside lists, and leaves sweeps alone', () => {
    const params = {
      a: { b: { injectable: { id: 'id_injectable_123' } }, keep: 1 },
      list: [{ injectable: { id: 'id_injectable_124' } }, 2],
      lr: { sweep: 'absolute', values: [1, 2] },
    };
    const { value, unresolved } = inject(params, mapping);
    expect(value).toEqual({
      a: { b: 'value_123', keep: 1 },
      list: [{ nested: true }, 2],
      lr: { sweep: 'absolute', values: [1, 2] },
    });
    expect(unresolved).toEqual([]);
    expect(Object.keys(value)).toEqual(['a', 'list', 'lr']);
    // The input is not modified.
    expect(params.a.b).toEqual({ injectable: { id: 'id_injectable_123' } });
  });

  it('reports unknown ids with their path and keeps the placeholder', () => {
    const { value, unresolved } = inject({ x: { y: [{ injectable: { id: 'nope' } }] } }, mapping);
    expect(unresolved).toEqual([{ path: ['x', 'y', 0], id: 'nope' }]);
    expect(value).toEqual({ x: { y: [{ injectable: { id: 'nope' } }] } });
  });

  it('walks only the values of the top-level mapping', () => {
    const { value } = inject({ injectable: { id: 'id_injectable_123' } }, mapping);
    expect(value).toEqual({ injectable: { id: 'id_injectable_123' } });
  });
});
