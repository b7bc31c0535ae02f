import type { TypedStartListening, ThunkDispatch, UnknownAction } from '@reduxjs/toolkit';

/**
 * The store's state, declared from the bottom up: every slice adds its own part where it is defined
 * (`declare module '…/store/rootState'` beside the slice), so a selector in any layer reads the state
 * it needs without importing the layers above it. app/store.ts assembles the reducer and checks that
 * the parts declared here are exactly what it makes.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by the slices (declaration merging)
export interface RootState {}

/** `dispatch` of the store: actions, and thunks (RTK Query's) given the store's extra argument. */
export type AppDispatch = ThunkDispatch<RootState, unknown, UnknownAction>;

/** `startListening` of the store's listener middleware, typed: how a layer reacts to actions. */
export type AppStartListening = TypedStartListening<RootState, AppDispatch>;
