import { configureStore, createSlice } from '@reduxjs/toolkit';
import { describe, expect, it } from 'vitest';
import { holdNotificationsWhile } from './holdNotifications';

const slice = createSlice({
  name: 'parts',
  initialState: { applied: 0, of: 0 },
  reducers: { part: (_s, a: { payload: { applied: number; of: number } }) => a.payload },
});

describe('holdNotificationsWhile', () => {
  it('tells subscribers nothing while held, then once, and as usual afterwards', () => {
    const store = configureStore({
      reducer: slice.reducer,
      enhancers: (getDefault) =>
        getDefault().concat(
          holdNotificationsWhile((s) => {
            const { applied, of } = s as { applied: number; of: number };
            return applied < of;
          }),
        ),
    });
    const seen: number[] = [];
    const unsubscribe = store.subscribe(() => seen.push(store.getState().applied));
    store.dispatch(slice.actions.part({ applied: 1, of: 3 }));
    store.dispatch(slice.actions.part({ applied: 2, of: 3 }));
    expect(seen).toEqual([]);
    store.dispatch(slice.actions.part({ applied: 3, of: 3 }));
    expect(seen).toEqual([3]);
    store.dispatch(slice.actions.part({ applied: 4, of: 3 }));
    expect(seen).toEqual([3, 4]);
    unsubscribe();
    store.dispatch(slice.actions.part({ applied: 5, of: 3 }));
    expect(seen).toEqual([3, 4]);
  });
});
