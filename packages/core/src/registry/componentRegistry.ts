import type { z } from 'zod';
import { MlgymError } from '@mlgym/protocol';
import type { MlgymIssue } from '@mlgym/protocol';
import { didYouMean } from '../util/nearest.js';

/** A requirement name a component reads (e.g. DATA_LOADER reads `iterators` and `data_collator`). */
export interface RequirementSpec {
  name: string;
  optional?: boolean;
  description?: string;
}

/** Everything one experiment's components share while being built. */
export interface ExperimentContext {
  gridSearchId?: string | undefined;
  experimentId?: number | undefined;
  /** Global seed of the run, for components without a seed of their own. */
  seed?: number | undefined;
  /** Free slots for services (dataset repository, backend, …) that builders may need. */
  services: Map<string, unknown>;
}

export interface BuildContext<C> {
  /** The component's name in gs_config.yml (the original's `component_identifier`). */
  name: string;
  typeKey: string;
  variantKey: string;
  config: C;
  /** Requirement name → the required component's value, after subscription. */
  requirements: Readonly<Record<string, unknown>>;
  experiment: ExperimentContext;
}

/** How to validate and build one variant of a component family. */
export interface ComponentDefinition<C = unknown, O = unknown> {
  description?: string;
  /** Validates `config` (after injection). Without it any mapping is accepted. */
  configSchema?: z.ZodType<C>;
  /** Requirement names the builder reads. */
  requirements?: readonly RequirementSpec[];
  /** The builder reads every requirement under its own name (e.g. COMBINED_DATASET_ITERATORS). */
  anyRequirements?: boolean;
  build?: (ctx: BuildContext<C>) => O | Promise<O>;
  /** What a run using this variant says once in its output (e.g. that it stands in for another). */
  notice?: string;
}

/**
 * Type key → variant key → definition. Registration is explicit: a second registration of the same
 * pair is an error, `replace` overrides on purpose (the original's blueprint overrides).
 */
export class ComponentRegistry {
  private readonly families = new Map<string, Map<string, ComponentDefinition>>();
  private readonly injectables = new Map<string, unknown>();

  register<C, O>(typeKey: string, variantKey: string, definition: ComponentDefinition<C, O>): this {
    const family = this.families.get(typeKey) ?? new Map<string, ComponentDefinition>();
    if (family.has(variantKey)) {
      throw MlgymError.fromIssue({
        code: 'DUPLICATE_REGISTRATION',
        problem: `component ${typeKey}/${variantKey} is already registered`,
        hint: 'Use registry.replace() to override a built-in on purpose, or pick another variant key',
      });
    }
    family.set(variantKey, definition as ComponentDefinition);
    this.families.set(typeKey, family);
    return this;
  }

  /** Overrides (or adds) a variant deliberately. */
  replace<C, O>(typeKey: string, variantKey: string, definition: ComponentDefinition<C, O>): this {
    const family = this.families.get(typeKey) ?? new Map<string, ComponentDefinition>();
    family.set(variantKey, definition as ComponentDefinition);
    this.families.set(typeKey, family);
    return this;
  }

  /** Makes `{injectable: {id}}` placeholders resolve to `value`. */
  registerInjectable(id: string, value: unknown): this {
    if (this.injectables.has(id)) {
      throw MlgymError.fromIssue({
        code: 'DUPLICATE_REGISTRATION',
        problem: `injectable "${id}" is already registered`,
        hint: 'Pick another id',
      });
    }
    this.injectables.set(id, value);
    return this;
  }

  injectableMap(): ReadonlyMap<string, unknown> {
    return this.injectables;
  }

  typeKeys(): string[] {
    return [...this.families.keys()];
  }

  variantKeys(typeKey: string): string[] {
    return [...(this.families.get(typeKey)?.keys() ?? [])];
  }

  has(typeKey: string, variantKey: string): boolean {
    return this.families.get(typeKey)?.has(variantKey) ?? false;
  }

  /**
   * The definition, or the issue that explains why there is none (listing the registered keys and
   * the nearest one). `issue` receives the partial issue to locate.
   */
  lookup(
    typeKey: string,
    variantKey: string,
  ): { definition: ComponentDefinition } | { issue: Omit<MlgymIssue, 'file'>; at: 'type' | 'variant' } {
    const family = this.families.get(typeKey);
    if (!family) {
      return {
        at: 'type',
        issue: {
          code: 'UNKNOWN_COMPONENT_TYPE',
          problem: `unknown component_type_key "${typeKey}"`,
          expected: `one of ${this.typeKeys().join(', ')}`,
          hint: didYouMean(typeKey, this.typeKeys()) || 'Register the component family first',
        },
      };
    }
    const definition = family.get(variantKey);
    if (!definition) {
      const variants = [...family.keys()];
      return {
        at: 'variant',
        issue: {
          code: 'UNKNOWN_VARIANT',
          problem: `unknown variant_key "${variantKey}" for ${typeKey}`,
          expected: `one of ${variants.join(', ')}`,
          hint:
            didYouMean(variantKey, variants) || `Register it with registry.register('${typeKey}', '${variantKey}', …)`,
        },
      };
    }
    return { definition };
  }

  /** A copy that can be extended without touching this registry. */
  clone(): ComponentRegistry {
    const copy = new ComponentRegistry();
    for (const [type, family] of this.families) copy.families.set(type, new Map(family));
    for (const [id, value] of this.injectables) copy.injectables.set(id, value);
    return copy;
  }
}
