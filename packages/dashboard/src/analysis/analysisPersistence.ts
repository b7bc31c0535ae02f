import { isAnyOf } from '@reduxjs/toolkit';
import type { AppStartListening } from '../store/rootState';
import type { AnalysisState } from './analysisSlice';
import { allColumnsShown, columnVisibilitySet, initialAnalysisState } from './analysisSlice';

/** Where the column choice is kept (the name of the table's state before it moved here). */
export const ANALYSIS_KEY = 'MLboardTable';

/** The persisted column choice (only the hidden columns are remembered across reloads). */
export function readStoredAnalysis(storage: Pick<Storage, 'getItem'> | undefined): AnalysisState {
  try {
    const raw: unknown = JSON.parse(storage?.getItem(ANALYSIS_KEY) ?? 'null');
    const hidden = (raw as { hiddenColumns?: unknown } | null)?.hiddenColumns;
    if (Array.isArray(hidden))
      return { ...initialAnalysisState, hiddenColumns: hidden.filter((h) => typeof h === 'string') };
  } catch {
    // unreadable: start with every column shown
  }
  return initialAnalysisState;
}

/** Saves the column choice whenever the person changes it. */
export function startAnalysisPersistence(startListening: AppStartListening, storage: Storage | undefined): void {
  startListening({
    matcher: isAnyOf(columnVisibilitySet, allColumnsShown),
    effect: (_action, api) => {
      const { hiddenColumns } = api.getState().analysis;
      try {
        storage?.setItem(ANALYSIS_KEY, JSON.stringify({ hiddenColumns }));
      } catch {
        // not remembered, still applied
      }
    },
  });
}
