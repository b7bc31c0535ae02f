import { isAnyOf } from '@reduxjs/toolkit';
import type { AppStartListening } from '../store/rootState';
import type { AnalysisState } from './analysisSlice';
import { allColumnsShown, columnVisibilitySet, initialAnalysisState, viewDeleted, viewSaved } from './analysisSlice';
import { readSavedViews, readViewParams, writeSavedViews } from './view/analysisView';

/** Where the column choice is kept (the name of the table's state before it moved here). */
export const ANALYSIS_KEY = 'MLboardTable';

function storedHidden(storage: Pick<Storage, 'getItem'> | undefined): string[] {
  try {
    const raw: unknown = JSON.parse(storage?.getItem(ANALYSIS_KEY) ?? 'null');
    const hidden = (raw as { hiddenColumns?: unknown } | null)?.hiddenColumns;
    if (Array.isArray(hidden)) return hidden.filter((h): h is string => typeof h === 'string');
  } catch {
    // unreadable: start with every column shown
  }
  return [];
}

/**
 * The analysis state a page starts with: the column choice and the saved views from storage, and the
 * view (grouping, band, expression filter) its link names (`search`: the URL's query).
 */
export function readStoredAnalysis(storage: Pick<Storage, 'getItem'> | undefined, search = ''): AnalysisState {
  const { view, problems } = readViewParams(search);
  return {
    ...initialAnalysisState,
    hiddenColumns: storedHidden(storage),
    savedViews: readSavedViews(storage),
    groupBy: view.groupBy,
    lastGroupBy: view.groupBy?.kind === 'none' ? null : view.groupBy,
    band: view.band,
    expression: view.expression,
    viewProblems: problems,
  };
}

/** Saves the column choice and the saved views whenever the person changes them. */
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
  startListening({
    matcher: isAnyOf(viewSaved, viewDeleted),
    effect: (_action, api) => writeSavedViews(storage, api.getState().analysis.savedViews),
  });
}
