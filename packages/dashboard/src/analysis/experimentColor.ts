/** The original's colour per experiment (golden-angle hues): the same in every chart. */
export function experimentColor(experimentId: number): string {
  return `hsl(${(experimentId * 137.5) % 360}, 75%, 50%)`;
}
