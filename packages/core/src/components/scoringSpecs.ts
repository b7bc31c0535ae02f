import type { z } from 'zod';
import { LossSpecSchema } from '../training/lossSpecs.js';
import { MetricSpecSchema } from '../training/metricSpecs.js';
import { PostProcessorSpecSchema } from '../training/postProcessorSpecs.js';

/**
 * How losses, metrics and post-processors are written in TRAIN_COMPONENT and EVAL_COMPONENT: `key`
 * picks the entry, the subscription keys say which tensors it reads, the other keys are its
 * arguments, each checked against what the original's entry takes (see training/*Specs.ts).
 */
export { LossSpecSchema, MetricSpecSchema, PostProcessorSpecSchema };

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
