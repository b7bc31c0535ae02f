/** Background colours of tags: light, distinct, readable with dark text. */
const PALETTE = [
  '#d7e9ff',
  '#ffe0b2',
  '#c8f2d2',
  '#f8d1e6',
  '#e3dcff',
  '#fff3b0',
  '#c6eef2',
  '#ffd6d1',
  '#dde8c8',
  '#e6e0d4',
];

/** A tag's colour, the same wherever it is shown (board, report) and on every machine: from its name alone. */
export function tagColor(tag: string): string {
  let h = 2166136261;
  for (let i = 0; i < tag.length; i++) h = Math.imul(h ^ tag.charCodeAt(i), 16777619);
  return PALETTE[(h >>> 0) % PALETTE.length] as string;
}
