/**
 * Several grid searches on one page: an experiment is keyed by (grid search, experiment id). The page
 * numbers its grid searches 0, 1, 2… in the order the link names them and keys experiment `id` of grid
 * search `i` as `i × KEY_STRIDE + id`, one number, so every view that keys lines, rows and colours by
 * a number keeps working; the first grid search's keys are its ids, as when it is alone.
 */
export const KEY_STRIDE = 2 ** 32;

/** Grid searches one page shows at most (keys stay exact integers far below 2^53). */
export const MAX_GRID_SEARCHES = 8;

/** The key of experiment `id` of the page's grid search `index`; null for an id the key cannot hold. */
export function experimentKey(index: number, id: number): number | null {
  if (!Number.isInteger(id) || id < 0 || id >= KEY_STRIDE) return null;
  return index * KEY_STRIDE + id;
}

/** The grid search (its index on the page) and the experiment id a key stands for. */
export function splitKey(key: number): { index: number; id: number } {
  const index = Math.floor(key / KEY_STRIDE);
  return { index, id: key - index * KEY_STRIDE };
}

/**
 * How a person reads an experiment's key: `experiment_7` on a page of one grid search, and with its
 * grid search's name on a page of several: `2026-12-02--04-11-28/experiment_7`.
 */
export function experimentName(key: number, gridSearches: readonly string[]): string {
  const { index, id } = splitKey(key);
  return gridSearches.length > 1
    ? `${gridSearches[index] ?? `grid search ${index + 1}`}/experiment_${id}`
    : `experiment_${id}`;
}
