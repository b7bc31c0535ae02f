import { describe, expect, it } from 'vitest';
import { hasBidiControls, isolateBidi } from './isolateBidi';

describe('isolateBidi', () => {
  it('leaves ordinary names as they are', () => {
    for (const name of ['val_accuracy', 'optimizer.params.lr', 'مرحبا', '']) expect(isolateBidi(name)).toBe(name);
  });

  it('wraps a name with bidi controls in FSI … PDI and drops its own isolate controls', () => {
    expect(isolateBidi('acc\u202Etxt.exe')).toBe('\u2068acc\u202Etxt.exe\u2069');
    // an unpaired PDI in the name would otherwise close the wrapper and let the override run on
    expect(isolateBidi('\u2069\u202Eevil')).toBe('\u2068\u202Eevil\u2069');
    expect(isolateBidi('a\u2067b')).toBe('\u2068ab\u2069');
    expect(hasBidiControls('x\u200Fy')).toBe(true);
    expect(hasBidiControls('xy')).toBe(false);
  });
});
