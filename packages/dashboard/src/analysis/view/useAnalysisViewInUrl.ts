import { useEffect, useRef } from 'react';
import { createSelector } from '@reduxjs/toolkit';
import { useLocation, useNavigate } from 'react-router-dom';
import type { RootState } from '../../store/rootState';
import { useAppDispatch, useAppSelector } from '../../store/hooks';
import { viewApplied } from '../analysisSlice';
import { VIEW_PARAMS, readViewParams, writeViewParams } from './analysisView';
import type { AnalysisView } from './analysisView';

export const selectAnalysisView = createSelector(
  [(s: RootState) => s.analysis.groupBy, (s: RootState) => s.analysis.band, (s: RootState) => s.analysis.expression],
  (groupBy, band, expression): AnalysisView => ({ groupBy, band, expression }),
);

/** The URL follows a change of the view once this long has passed without another (typing). */
const URL_PAUSE_MS = 300;

const sameView = (a: AnalysisView, b: AnalysisView) =>
  a.band === b.band && a.expression === b.expression && JSON.stringify(a.groupBy) === JSON.stringify(b.groupBy);

/**
 * Keeps the view (grouping, band, expression filter) in every page's URL, so a reload or a shared
 * link shows the same. A link followed inside the page that names a view applies it; one that names
 * none (the drawer's links) keeps the view and gets it written in.
 */
export function useAnalysisViewInUrl(): void {
  const view = useAppSelector(selectAnalysisView);
  const location = useLocation();
  const navigate = useNavigate();
  const dispatch = useAppDispatch();
  const shown = useRef(view);
  const written = useRef<string | null>(null);
  /** A write waiting for typing to pause (a new URL re-renders every page that reads the location). */
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const latest = useRef(location);
  latest.current = location;
  useEffect(() => {
    const params = new URLSearchParams(location.search);
    const viewChanged = shown.current !== view;
    shown.current = view;
    const named = Object.values(VIEW_PARAMS).some((p) => params.has(p));
    if (!viewChanged && pending.current === null && named && location.search !== written.current) {
      const linked = readViewParams(params).view;
      if (!sameView(linked, view)) {
        dispatch(viewApplied(linked));
        return;
      }
    }
    const write = () => {
      pending.current = null;
      const at = latest.current;
      const current = new URLSearchParams(at.search);
      const next = writeViewParams(view, current);
      const search = next.size ? `?${next}` : '';
      written.current = search;
      if (next.toString() !== current.toString())
        navigate({ pathname: at.pathname, search, hash: at.hash }, { replace: true });
    };
    if (pending.current !== null) clearTimeout(pending.current);
    if (viewChanged) pending.current = setTimeout(write, URL_PAUSE_MS);
    else write();
  }, [view, location, navigate, dispatch]);
  useEffect(
    () => () => {
      if (pending.current !== null) clearTimeout(pending.current);
    },
    [],
  );
}
