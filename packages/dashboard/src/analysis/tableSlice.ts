import { createSlice } from '@reduxjs/toolkit';
import type { PayloadAction } from '@reduxjs/toolkit';
import type { ColumnFilter } from './rowFilter';

export const TABLE_KEY = 'MLboardTable';

export interface TableState {
  quickFilter: string;
  columnFilters: ColumnFilter[];
  /** Columns the user hid; new columns (new scores, new hyper-parameters) start visible. */
  hiddenColumns: string[];
}

export const initialTableState: TableState = { quickFilter: '', columnFilters: [], hiddenColumns: [] };

/** Reads the persisted column choice (only the hidden columns are remembered across reloads). */
export function readStoredTable(storage: Pick<Storage, 'getItem'> | undefined): TableState {
  try {
    const raw: unknown = JSON.parse(storage?.getItem(TABLE_KEY) ?? 'null');
    const hidden = (raw as { hiddenColumns?: unknown } | null)?.hiddenColumns;
    if (Array.isArray(hidden))
      return { ...initialTableState, hiddenColumns: hidden.filter((h) => typeof h === 'string') };
  } catch {
    // unreadable: start with every column shown
  }
  return initialTableState;
}

export const tableSlice = createSlice({
  name: 'table',
  initialState: initialTableState,
  reducers: {
    quickFilterChanged(state, action: PayloadAction<string>) {
      state.quickFilter = action.payload;
    },
    /** Sets (or, with `null`, removes) the filter of one column. */
    columnFilterSet(state, action: PayloadAction<{ column: string; filter: ColumnFilter | null }>) {
      const rest = state.columnFilters.filter((f) => f.column !== action.payload.column);
      state.columnFilters = action.payload.filter ? [...rest, action.payload.filter] : rest;
    },
    filtersCleared(state) {
      state.quickFilter = '';
      state.columnFilters = [];
    },
    columnVisibilitySet(state, action: PayloadAction<{ column: string; visible: boolean }>) {
      const { column, visible } = action.payload;
      const hidden = state.hiddenColumns.filter((c) => c !== column);
      state.hiddenColumns = visible ? hidden : [...hidden, column];
    },
    allColumnsShown(state) {
      state.hiddenColumns = [];
    },
  },
});

export const { quickFilterChanged, columnFilterSet, filtersCleared, columnVisibilitySet, allColumnsShown } =
  tableSlice.actions;
