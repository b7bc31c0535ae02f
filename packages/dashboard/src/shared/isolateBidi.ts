/**
 * Bidirectional formatting characters: marks, embeddings, overrides and isolates. A name holding
 * U+202E (RIGHT-TO-LEFT OVERRIDE) would otherwise reverse the text that follows it on screen, so a
 * tooltip's value or a CSV header next to it reads as something else (the "Trojan Source" trick).
 */
const BIDI_CONTROL = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
const ISOLATE_CONTROLS = /[\u2066-\u2069]/g;
const FSI = '\u2068';
const PDI = '\u2069';

/**
 * A name as text to show among other text: unchanged unless it holds bidi controls; then wrapped in
 * FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE, which ends every embedding and override the name
 * opened (Unicode's bidi algorithm, X6a), so nothing around it is reordered. The name's own isolate
 * controls are dropped: an unpaired POP DIRECTIONAL ISOLATE in it would close the wrapper early.
 */
export function isolateBidi(name: string): string {
  if (!BIDI_CONTROL.test(name)) return name;
  return `${FSI}${name.replace(ISOLATE_CONTROLS, '')}${PDI}`;
}

/** Whether a name holds bidi controls (then the page says so where it lists names). */
export function hasBidiControls(name: string): boolean {
  return BIDI_CONTROL.test(name);
}
