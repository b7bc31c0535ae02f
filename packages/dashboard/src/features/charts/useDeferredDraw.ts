import { useEffect, useRef, useState } from 'react';
import type { RefObject } from 'react';

/** Whether the element is on screen (or near it); true where IntersectionObserver is missing. */
export function useInView(ref: RefObject<Element | null>, margin = '200px'): boolean {
  const [inView, setInView] = useState(true);
  useEffect(() => {
    const element = ref.current;
    if (!element || typeof IntersectionObserver === 'undefined') return;
    const observer = new IntersectionObserver((entries) => setInView(entries.some((e) => e.isIntersecting)), {
      rootMargin: margin,
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [ref, margin]);
  return inView;
}

/**
 * What a chart draws: the latest value, but at most once per `intervalMs`, and not at all while it
 * is off screen (it catches up when scrolled to). Many charts then update one at a time instead of
 * all in one long task.
 */
export function useDeferredDraw<T>(value: T, intervalMs: number, paused: boolean): T {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  useEffect(() => {
    if (paused || Object.is(value, shown)) return;
    const wait = Math.max(0, last.current + intervalMs - performance.now());
    const timer = setTimeout(() => {
      last.current = performance.now();
      setShown(value);
    }, wait);
    return () => clearTimeout(timer);
  }, [value, shown, intervalMs, paused]);
  return shown;
}
