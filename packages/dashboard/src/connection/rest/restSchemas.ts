import { z } from 'zod';

/**
 * Shapes of REST answers the protocol package has no schema for. `GET /grid_searches` lists what
 * `listGridSearches` of @mlgym/storage returns.
 */
export const gridSearchEntrySchema = z.object({
  grid_search_id: z.string(),
  experiments: z.number().int().nonnegative(),
  modified: z.string(),
});
export type GridSearchEntry = z.infer<typeof gridSearchEntrySchema>;
export const gridSearchListSchema = z.array(gridSearchEntrySchema);

/** A stored JSON document (experiment config, system info, model card): any object, never null or a list. */
export const jsonObjectSchema = z.record(z.string(), z.unknown());
