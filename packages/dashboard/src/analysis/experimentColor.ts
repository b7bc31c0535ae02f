/** The original's colour per experiment (golden-angle hues): the same in every chart. */
export function experimentColor(experimentId: number): string {
  return `hsl(${(experimentId * 137.5) % 360}, 75%, 50%)`;
}

/** One colour per grid search on a page of several (Tableau's ten, the first eight): far apart, colour-blind aware. */
const GRID_SEARCH_COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7'];

/** The colour of the page's grid search `index` (when lines are coloured by grid search). */
export function gridSearchColor(index: number): string {
  return GRID_SEARCH_COLORS[index % GRID_SEARCH_COLORS.length] as string;
}
