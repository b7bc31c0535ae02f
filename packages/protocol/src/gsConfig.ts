import { z } from 'zod';

/** Top-level keys of a gs_config.yml that are not components. */
export const RESERVED_GS_KEYS = ['global_config', 'model_info'] as const;

/** `subscription` of a requirement: whole value, one key/index, or a selection. */
export const SubscriptionSchema = z
  .union([z.string(), z.number().int(), z.array(z.union([z.string(), z.number().int()]))])
  .nullable()
  .optional();
export type Subscription = z.infer<typeof SubscriptionSchema>;

export const RequirementSchema = z.strictObject({
  name: z.string().min(1),
  component_name: z.string().min(1),
  subscription: SubscriptionSchema,
});
export type Requirement = z.infer<typeof RequirementSchema>;

/** One component of the graph, as written in gs_config.yml (after sweep expansion). */
export const ComponentEntrySchema = z.strictObject({
  component_type_key: z.string().min(1),
  variant_key: z.string().min(1),
  requirements: z.array(RequirementSchema).nullable().optional(),
  config: z.record(z.string(), z.unknown()).nullable().optional(),
});
export type ComponentEntry = z.infer<typeof ComponentEntrySchema>;

/** Model-card metadata kept beside the component graph. */
export const ModelInfoSchema = z.looseObject({
  model_description: z.string().optional(),
  model_version: z.union([z.string(), z.number()]).optional(),
  source_repo: z.string().optional(),
});
export type ModelInfo = z.infer<typeof ModelInfoSchema>;

/** An expanded experiment config: component name → entry. */
export type ExperimentConfig = Record<string, ComponentEntry>;
