import { createAction } from '@reduxjs/toolkit';
import type { DataUpdate } from './dataUpdate';

/** A batch of folded events from the socket worker. */
export const dataReceived = createAction<DataUpdate>('data/received');
/** Forget every row and series (a new grid search or endpoint was chosen). */
export const dataReset = createAction('data/reset');
