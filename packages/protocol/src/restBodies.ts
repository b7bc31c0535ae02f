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

/** One element of `GET /checkpoint_list/{gs}/{exp}` and `GET /checkpoint_list/{gs}/{exp}/{epoch}`. */
export const CheckpointListEntrySchema = z.object({
  experiment_id: z.number().int().nonnegative(),
  epoch: z.number().int().nonnegative(),
  checkpoints: z.array(z.string()),
});
export type CheckpointListEntry = z.infer<typeof CheckpointListEntrySchema>;

/** Answer to a checkpoint upload (`PUT /checkpoints/…`, or a chunk of it): what the server stored. */
export const UploadAnswerSchema = z.looseObject({
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  /** Chunked uploads: true once every chunk arrived and the file was assembled. */
  complete: z.boolean().optional(),
  /** Chunked uploads in progress: the chunk numbers the server already has. */
  received: z.array(z.number().int().nonnegative()).optional(),
});
export type UploadAnswer = z.infer<typeof UploadAnswerSchema>;
