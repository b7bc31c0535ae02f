import { useEffect, useState } from 'react';

/**
 * False until the page first has a moment with nothing to do (or `timeoutMs` passed), then true.
 * For the parts of a page that may appear a moment after the rest, such as the picker under each
 * chart: a page of twelve charts spent as long making their pickers as drawing their lines.
 */
export function useWhenIdle(timeoutMs = 2000): boolean {
  const [idle, setIdle] = useState(false);
  useEffect(() => {
    if (typeof requestIdleCallback !== 'function') {
      setIdle(true);
      return;
    }
    const handle = requestIdleCallback(() => setIdle(true), { timeout: timeoutMs });
    return () => cancelIdleCallback(handle);
  }, [timeoutMs]);
  return idle;
}
