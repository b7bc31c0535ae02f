import { createSlice } from '@reduxjs/toolkit';
import type { PayloadAction } from '@reduxjs/toolkit';
import type { Settings } from './settingsStorage';
import { EMPTY_SETTINGS, normalizeSettings } from './settingsStorage';

export interface SettingsState {
  /** What the dashboard is (or will be) connected to. */
  current: Settings;
  /** Whether a connection was requested with `current`. */
  requested: boolean;
  /** Values of the page's link that were refused (e.g. a `data:` endpoint), shown until the next connection. */
  linkProblems: string[];
}

const initialState: SettingsState = { current: EMPTY_SETTINGS, requested: false, linkProblems: [] };

declare module '../../store/rootState' {
  interface RootState {
    settings: SettingsState;
  }
}

export const settingsSlice = createSlice({
  name: 'settings',
  initialState,
  reducers: {
    /**
     * Connect (or reconnect) with these settings; the connection listener starts the worker. `save`:
     * the person confirmed them (Save, "Save and connect"), so later visits start from them too; a
     * link's settings apply to its tab only.
     */
    connectRequested: {
      reducer(state, action: PayloadAction<Settings, string, { save: boolean }>) {
        state.current = action.payload;
        state.requested = true;
        state.linkProblems = [];
      },
      prepare: (settings: Settings, options: { save?: boolean } = {}) => ({
        payload: normalizeSettings(settings),
        meta: { save: options.save ?? false },
      }),
    },
    /** Forget the settings and disconnect (the original's "Clear", without reconnecting). */
    settingsCleared(state) {
      state.current = EMPTY_SETTINGS;
      state.requested = false;
      state.linkProblems = [];
    },
  },
});

export const { connectRequested, settingsCleared } = settingsSlice.actions;
