import { z } from 'zod';

/**
 * How losses, metrics and post-processors are written in TRAIN_COMPONENT and EVAL_COMPONENT: `key`
 * picks the entry, the subscription keys say which tensors it reads, the other keys are its
 * arguments (checked by the entry when it is created).
 */
export const ScoreSpecSchema = z.looseObject({
  key: z.string().min(1),
  tag: z.string().optional(),
  target_subscription_key: z.string().optional(),
  prediction_subscription_key: z.string().optional(),
  params: z.record(z.string(), z.unknown()).optional(),
});

export const PostProcessorSpecSchema = z.looseObject({
  key: z.string().min(1),
  params: z.record(z.string(), z.unknown()).optional(),
  applicable_splits: z.array(z.string()).optional(),
});

/** Post-processors for every split, and those written for some splits only. */
export function splitPostProcessors<P>(
  create: (spec: z.output<typeof PostProcessorSpecSchema>) => P,
  specs: ReadonlyArray<z.output<typeof PostProcessorSpecSchema>>,
): { all: P[]; bySplit: Record<string, P[]> } {
  const all: P[] = [];
  const bySplit: Record<string, P[]> = {};
  for (const spec of specs) {
    const p = create(spec);
    if (!spec.applicable_splits) all.push(p);
    else for (const s of spec.applicable_splits) (bySplit[s] ??= []).push(p);
  }
  return { all, bySplit };
}
