/**
 * The code of each page, one chunk each (the table's grid and the charts load only where they are
 * shown). `routes.tsx` renders them lazily; `main.tsx` starts loading the opened page's chunk at
 * once, beside the application's own, instead of after the application has mounted.
 */
export const pageChunks = {
  '/': () => import('../features/charts/AnalysisBoardPage'),
  '/analysisboard': () => import('../features/charts/AnalysisBoardPage'),
  '/dashboard': () => import('../features/table/DashboardPage'),
  '/experiment': () => import('../features/experiment/ExperimentPage'),
  '/modelcard': () => import('../features/experiment/modelcard/ModelCardPage'),
  '/settings': () => import('../features/settings/SettingsPage'),
  '/sweep': () => import('../features/sweep/SweepPage'),
  '/compare': () => import('../features/compare/ComparePage'),
  '/cv-report': () => import('../features/cvReport/CvReportPage'),
  '/search': () => import('../features/search/SearchPage'),
} as const;

export type PagePath = keyof typeof pageChunks;

const isPagePath = (path: string): path is PagePath => Object.hasOwn(pageChunks, path);

/** Starts loading the chunk of the page at `path` (a later lazy render gets the same module). */
export function preloadPage(path: string): void {
  // a failed load is retried, and reported, by the page's own lazy render
  if (isPagePath(path)) pageChunks[path]().catch(() => undefined);
}
