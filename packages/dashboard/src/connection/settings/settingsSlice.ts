import { createSlice } from '@reduxjs/toolkit';
import type { PayloadAction } from '@reduxjs/toolkit';
import type { Settings } from './settingsStorage';
import { EMPTY_SETTINGS, normalizeSettings } from './settingsStorage';
import { MAX_GRID_SEARCHES } from '../events/experimentKey';

export interface SettingsState {
  /** What the dashboard is (or will be) connected to. */
  current: Settings;
  /** Whether a connection was requested with `current`. */
  requested: boolean;
  /** Values of the page's link that were refused (e.g. a `data:` endpoint), shown until the next connection. */
  linkProblems: string[];
  /** Set when the page is a report opened from a file: what it holds, where from; then nothing is edited or fetched. */
  report: ReportInfo | null;
  /**
   * Grid searches shown beside `current.gridSearchId`, from the same endpoints (a warm start's extension
   * and its original, two searches over different spaces): each streams through its own socket worker.
   */
  also: string[];
}

/** What a report page says about itself (see the report bundle in @mlgym/protocol). */
export interface ReportInfo {
  gridSearchId: string;
  exportedAt: string;
  source: string;
  logEvents: number;
}

const initialState: SettingsState = {
  current: EMPTY_SETTINGS,
  requested: false,
  linkProblems: [],
  report: null,
  also: [],
};

/** The other grid searches as shown: no repeats, not the connected one, at most MAX_GRID_SEARCHES in all. */
export function otherGridSearches(primary: string, ids: readonly string[]): string[] {
  return [...new Set(ids.map((g) => g.trim()))]
    .filter((g) => g !== '' && g !== primary)
    .slice(0, MAX_GRID_SEARCHES - 1);
}

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
        state.also = otherGridSearches(action.payload.gridSearchId, state.also);
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
      state.also = [];
    },
    /** Shows these grid searches beside the connected one (the connection listener reconnects all). */
    alsoShown(state, action: PayloadAction<string[]>) {
      state.also = otherGridSearches(state.current.gridSearchId, action.payload);
    },
  },
});

export const { connectRequested, settingsCleared, alsoShown } = settingsSlice.actions;
