import { MlgymError } from '@mlgym/protocol';
import type { ComponentGraph, ComponentNode } from './componentGraph.js';
import type { ExperimentContext } from './componentRegistry.js';
import { applySubscription } from './applySubscription.js';

/**
 * Builds the named components of one experiment. Each component is built once and shared by every
 * component that requires it (the original rebuilt it per dependent), so a dataset loaded for the
 * trainer is the same object the evaluator sees.
 */
export class ComponentBuilder {
  private readonly built = new Map<string, Promise<unknown>>();

  constructor(
    private readonly graph: ComponentGraph,
    readonly experiment: ExperimentContext,
  ) {}

  /** Builds `names` (default: the graph's requested components); returns name → value. */
  async buildAll(names: readonly string[] = this.graph.requested): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const name of names) out[name] = await this.build(name);
    return out;
  }

  build(name: string): Promise<unknown> {
    let pending = this.built.get(name);
    if (!pending) {
      const node = this.graph.nodes.get(name);
      if (!node) {
        return Promise.reject(
          MlgymError.fromIssue({
            code: 'MISSING_COMPONENT',
            problem: `component "${name}" is not part of the validated graph`,
            hint: 'Request it when creating the ComponentGraph',
          }),
        );
      }
      pending = this.construct(node);
      this.built.set(name, pending);
    }
    return pending;
  }

  private async construct(node: ComponentNode): Promise<unknown> {
    const { entry, definition } = node;
    const requirements: Record<string, unknown> = {};
    for (const req of entry.requirements ?? []) {
      const value = await this.build(req.component_name);
      requirements[req.name] = applySubscription(
        value,
        req.subscription,
        `requirement "${req.name}" of "${node.name}"`,
      );
    }
    if (!definition.build) {
      throw MlgymError.fromIssue({
        code: 'COMPONENT_NOT_BUILDABLE',
        keyPath: node.name,
        problem: `${entry.component_type_key}/${entry.variant_key} is declared (its config is validated) but has no builder in this version`,
      });
    }
    try {
      return await definition.build({
        name: node.name,
        typeKey: entry.component_type_key,
        variantKey: entry.variant_key,
        config: node.config,
        requirements,
        experiment: this.experiment,
      });
    } catch (cause) {
      const detail = cause instanceof Error ? cause.message : String(cause);
      throw new MlgymError({
        code: cause instanceof MlgymError ? cause.code : 'COMPONENT_BUILD_FAILED',
        message: `building component "${node.name}" (${entry.component_type_key}/${entry.variant_key}) failed: ${detail}`,
        issues: cause instanceof MlgymError ? [...cause.issues] : [],
        cause,
      });
    }
  }
}
