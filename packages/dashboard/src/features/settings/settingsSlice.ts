import { createSlice } from '@reduxjs/toolkit';
import type { PayloadAction } from '@reduxjs/toolkit';
import type { Settings } from './settingsStorage';
import { EMPTY_SETTINGS, normalizeSettings } from './settingsStorage';

export interface SettingsState {
  /** What the dashboard is (or will be) connected to. */
  current: Settings;
  /** Whether a connection was requested with `current`. */
  requested: boolean;
}

const initialState: SettingsState = { current: EMPTY_SETTINGS, requested: false };

export const settingsSlice = createSlice({
  name: 'settings',
  initialState,
  reducers: {
    /** Connect (or reconnect) with these settings; the connection listener starts the worker. */
    connectRequested: {
      reducer(state, action: PayloadAction<Settings>) {
        state.current = action.payload;
        state.requested = true;
      },
      prepare: (settings: Settings) => ({ payload: normalizeSettings(settings) }),
    },
    /** Forget the settings and disconnect (the original's "Clear", without reconnecting). */
    settingsCleared(state) {
      state.current = EMPTY_SETTINGS;
      state.requested = false;
    },
  },
});

export const { connectRequested, settingsCleared } = settingsSlice.actions;
