import type { StoreEnhancer } from '@reduxjs/toolkit';

/**
 * A store enhancer that does not tell its subscribers (the page's components) of changes while `held`
 * says so, and tells them once when it stops: a grid search loaded in twenty parts renders once, when
 * it is whole, instead of twenty times with ever more lines (middleware and listeners run as always).
 */
export function holdNotificationsWhile(held: (state: unknown) => boolean): StoreEnhancer {
  return (next) => (reducer, preloaded) => {
    const store = next(reducer, preloaded);
    const listeners = new Set<() => void>();
    store.subscribe(() => {
      if (held(store.getState())) return;
      for (const listener of [...listeners]) listener();
    });
    return {
      ...store,
      subscribe(listener: () => void) {
        listeners.add(listener);
        return () => void listeners.delete(listener);
      },
    };
  };
}
