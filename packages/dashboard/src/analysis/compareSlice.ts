import { createSlice } from '@reduxjs/toolkit';
import type { PayloadAction } from '@reduxjs/toolkit';
import { dataReset } from '../connection/events/dataActions';

export interface CompareState {
  /** Experiments chosen for comparison, ascending. */
  ids: number[];
  /** Whether only the chosen experiments are drawn (charts) and listed (table). */
  focus: boolean;
}

const initialState: CompareState = { ids: [], focus: false };

export const compareSlice = createSlice({
  name: 'compare',
  initialState,
  reducers: {
    /** Sets the compared experiments (e.g. from the table's row selection); focusing needs two or more. */
    compareSelectionSet(state, action: PayloadAction<number[]>) {
      state.ids = [...new Set(action.payload)].sort((a, b) => a - b);
      if (state.ids.length < 2) state.focus = false;
    },
    compareToggled(state, action: PayloadAction<number>) {
      const id = action.payload;
      state.ids = state.ids.includes(id) ? state.ids.filter((x) => x !== id) : [...state.ids, id].sort((a, b) => a - b);
      if (state.ids.length < 2) state.focus = false;
    },
    compareFocusSet(state, action: PayloadAction<boolean>) {
      state.focus = action.payload && state.ids.length >= 2;
    },
  },
  extraReducers: (builder) => {
    builder.addCase(dataReset, () => initialState);
  },
});

export const { compareSelectionSet, compareToggled, compareFocusSet } = compareSlice.actions;
