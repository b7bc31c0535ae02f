import { z } from 'zod';

/** Body of `PUT /grid_searches/{gs}/{config_name}` and `PUT /grid_searches/{gs}/{exp}/{config_name}`. */
export const PutConfigBodySchema = z.strictObject({
  file_format: z.enum(['YAML', 'JSON']),
  content: z.string(),
});
export type PutConfigBody = z.infer<typeof PutConfigBodySchema>;

/** One element of `GET /grid_searches/{gs}/experiments`. */
export const ExperimentStatusEntrySchema = z.object({
  experiment_id: z.number().int().nonnegative(),
  last_checkpoint_id: z.number().int(),
  experiment_config: z.record(z.string(), z.unknown()),
});
export type ExperimentStatusEntry = z.infer<typeof ExperimentStatusEntrySchema>;
