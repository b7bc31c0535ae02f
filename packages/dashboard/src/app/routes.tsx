import { lazy } from 'react';
import type { ReactElement } from 'react';

import { pageChunks } from './pageChunks';

const AnalysisBoardPage = lazy(pageChunks['/']);
const DashboardPage = lazy(pageChunks['/dashboard']);
const ExperimentPage = lazy(pageChunks['/experiment']);
const ModelCardPage = lazy(pageChunks['/modelcard']);
const SettingsPage = lazy(pageChunks['/settings']);
const SweepPage = lazy(pageChunks['/sweep']);
const ComparePage = lazy(pageChunks['/compare']);
const CvReportPage = lazy(pageChunks['/cv-report']);
const SearchPage = lazy(pageChunks['/search']);

export interface RouteSpec {
  path: string;
  element: ReactElement;
  /** Top-bar title; pages that show an experiment id add it themselves. */
  title: string;
  /** Whether the connection popup may open over this page. */
  popup: boolean;
}

/** Every page of the app; anything else is the 404 page. */
export const ROUTES: RouteSpec[] = [
  { path: '/', element: <AnalysisBoardPage />, title: 'Analysisboard', popup: true },
  { path: '/analysisboard', element: <AnalysisBoardPage />, title: 'Analysisboard', popup: true },
  { path: '/dashboard', element: <DashboardPage />, title: 'Dashboard', popup: true },
  { path: '/experiment', element: <ExperimentPage />, title: 'Experiment', popup: true },
  { path: '/modelcard', element: <ModelCardPage />, title: 'Model card', popup: true },
  { path: '/settings', element: <SettingsPage />, title: 'Settings', popup: false },
  { path: '/sweep', element: <SweepPage />, title: 'Sweep', popup: true },
  { path: '/compare', element: <ComparePage />, title: 'Compare', popup: true },
  { path: '/cv-report', element: <CvReportPage />, title: 'CV report', popup: true },
  { path: '/search', element: <SearchPage />, title: 'Search', popup: true },
];
