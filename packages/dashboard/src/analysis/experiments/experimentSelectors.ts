import { createSelector } from '@reduxjs/toolkit';
import type { RootState } from '../../store/rootState';
import { experimentsAdapter } from './experimentsSlice';
import { deriveHyperParameters } from './hyperParameters';
import type { HyperParameters } from './hyperParameters';
import { isFoldPath } from './foldPaths';

const rowSelectors = experimentsAdapter.getSelectors((s: RootState) => s.experiments);
export const selectExperimentRows = rowSelectors.selectAll;
export const selectExperimentById = rowSelectors.selectById;

/** The swept hyper-parameters of the experiments' configs (see deriveHyperParameters). */
export const selectHyperParameters = createSelector([(s: RootState) => s.experiments.configs], deriveHyperParameters);

/** Swept hyper-parameters without CV fold bookkeeping (fold ids and split indices differ per experiment too). */
export const selectSweptAxes = createSelector([selectHyperParameters], (hyper): HyperParameters => ({
  ...hyper,
  columns: hyper.columns.filter((c) => !isFoldPath(c.path)),
}));
