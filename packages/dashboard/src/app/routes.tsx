import { lazy } from 'react';
import type { ReactElement } from 'react';

// Each page is its own chunk: the table's grid and the charts load only where they are shown.
const AnalysisBoardPage = lazy(() => import('../features/charts/AnalysisBoardPage'));
const DashboardPage = lazy(() => import('../features/table/DashboardPage'));
const ExperimentPage = lazy(() => import('../features/experiment/ExperimentPage'));
const ModelCardPage = lazy(() => import('../features/modelcard/ModelCardPage'));
const SettingsPage = lazy(() => import('../features/settings/SettingsPage'));
const SweepPage = lazy(() => import('../features/sweep/SweepPage'));
const ComparePage = lazy(() => import('../features/compare/ComparePage'));
const CvReportPage = lazy(() => import('../features/cvReport/CvReportPage'));

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
];
