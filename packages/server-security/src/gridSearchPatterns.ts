/** A grid-search id pattern of a tokens file: the characters of grid search ids, `*` (any run) and `?` (one). */
export const PATTERN_SYNTAX = /^[A-Za-z0-9_.*?-]{1,128}$/;

function toRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.*?-]/g, (c) => (c === '*' ? '.*' : c === '?' ? '.' : `\\${c}`));
  return new RegExp(`^${body}$`, 's');
}

/** A matcher for grid search ids; null patterns (a token for every grid search) match everything. */
export function gridSearchMatcher(patterns: readonly string[] | null): (gridSearchId: string) => boolean {
  if (patterns === null) return () => true;
  const compiled = patterns.map(toRegExp);
  return (id) => compiled.some((re) => re.test(id));
}
