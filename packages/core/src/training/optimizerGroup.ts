import * as tf from '@tensorflow/tfjs';
import { MlgymError } from '@mlgym/protocol';
import { decodeTensors, encodeTensors } from './checkpointCodec.js';
import { createLrScheduler } from './lrScheduler.js';
import type { LrScheduler, LrSchedulerSpec } from './lrScheduler.js';
import { createOptimizer } from './optimizers.js';
import type { OptimizerSpec, TrainingOptimizer } from './optimizers.js';

/** OPTIMIZER/BUNDLE: several optimizers, each over the weights whose name contains one of its filters. */
export interface OptimizerBundleSpec {
  bundle: true;
  optimizers_config: Record<string, OptimizerSpec>;
  optimizer_key_to_param_key_filters: Record<string, string[]>;
}

interface Member {
  id: string;
  opt: TrainingOptimizer;
  variables: tf.Variable[];
  scheduler: LrScheduler;
}

/** A weight's name as a fresh process gives it: tfjs adds `_1`, `_2`… to names already used in the process. */
type NameOf = (v: tf.Variable) => string;

const DEFAULT_SCHEDULER: LrSchedulerSpec = { lr_scheduler_key: 'dummy', params: {}, step_per: 'epoch' };

/**
 * The optimizers of one experiment (usually one; several for a bundle): one gradient computation
 * per batch, each optimizer applying its share, each with its own learning-rate schedule, and
 * their state saved and restored together.
 */
export class OptimizerGroup {
  private constructor(
    private readonly members: Member[],
    private readonly nameOf: NameOf,
  ) {}

  /** `names` (parallel to `variables`): the weights' names without tfjs's per-process suffixes. */
  static create(
    spec: OptimizerSpec | OptimizerBundleSpec,
    schedulerSpec: LrSchedulerSpec | undefined,
    variables: tf.Variable[],
    names?: readonly string[],
  ): OptimizerGroup {
    const canonical = new Map(variables.map((v, i) => [v, names?.[i] ?? v.name]));
    const nameOf: NameOf = (v) => canonical.get(v) ?? v.name;
    const schedule = schedulerSpec ?? DEFAULT_SCHEDULER;
    const member = (id: string, s: OptimizerSpec, vars: tf.Variable[]): Member => {
      const opt = createOptimizer(s);
      return { id, opt, variables: vars, scheduler: createLrScheduler(schedule, opt.baseLr) };
    };
    if (!('bundle' in spec)) return new OptimizerGroup([member('', spec, variables)], nameOf);
    const claimed = new Set<tf.Variable>();
    const members = Object.entries(spec.optimizers_config).map(([id, s]) => {
      const filters = spec.optimizer_key_to_param_key_filters[id] ?? [];
      // A weight matched by several optimizers is updated by the first one only.
      const mine = variables.filter((v) => !claimed.has(v) && filters.some((f) => nameOf(v).includes(f)));
      for (const v of mine) claimed.add(v);
      return member(id, s, mine);
    });
    if (members.every((m) => m.variables.length === 0)) {
      throw MlgymError.fromIssue({
        code: 'CONFIG_INVALID',
        keyPath: 'optimizer_key_to_param_key_filters',
        problem: 'no weight name matches any filter',
        expected: `substrings of ${variables.map(nameOf).join(', ')}`,
      });
    }
    return new OptimizerGroup(members, nameOf);
  }

  get scheduleStep(): 'epoch' | 'batch' {
    return this.members[0]?.scheduler.stepPer ?? 'epoch';
  }

  /** Sets every optimizer's rate for a scheduler step (an epoch or a global batch count). */
  schedule(step: number): void {
    for (const m of this.members) m.opt.setLr(m.scheduler.lr(step));
  }

  /** One training step on `loss` (plus coupled weight decay); returns the cost, which the caller disposes. */
  step(loss: () => tf.Scalar): tf.Scalar {
    const all = this.members.flatMap((m) => m.variables);
    const { value, grads } = tf.variableGrads(() => {
      let total = loss();
      for (const m of this.members) {
        const penalty = m.opt.penalty(m.variables);
        if (penalty) total = total.add(penalty);
      }
      return total;
    }, all);
    // PyTorch's AdamW shrinks the weights, then applies the update computed from the gradients at the old weights.
    for (const m of this.members) m.opt.beforeUpdate(m.variables);
    for (const m of this.members)
      m.opt.optimizer.applyGradients(m.variables.map((v) => ({ name: v.name, tensor: grads[v.name] as tf.Tensor })));
    tf.dispose(grads);
    return value;
  }

  /** Slots of every optimizer as one file; a single optimizer keeps plain names. */
  async encode(): Promise<Uint8Array> {
    const named: Array<{ name: string; tensor: tf.Tensor }> = [];
    const fresh: tf.Tensor[] = [];
    for (const m of this.members) {
      const weights = await m.opt.optimizer.getWeights();
      // getWeights() makes a new `iter` scalar on each call; the slots are the optimizer's own.
      fresh.push(...weights.filter((w) => w.name === 'iter').map((w) => w.tensor));
      const prefix = m.id ? `${m.id}::` : '';
      // Slots are named after their weight (`<weight>/m`); the file uses the process-independent name.
      const rename = (n: string) => {
        const v = m.variables.find((x) => n.startsWith(`${x.name}/`));
        return v ? `${this.nameOf(v)}${n.slice(v.name.length)}` : n;
      };
      for (const w of [...weights, ...m.opt.extraState()])
        named.push({ name: `${prefix}${rename(w.name)}`, tensor: w.tensor });
    }
    try {
      return await encodeTensors(named);
    } finally {
      tf.dispose(fresh);
    }
  }

  async restore(bytes: Uint8Array): Promise<void> {
    const saved = decodeTensors(bytes);
    try {
      for (const m of this.members) {
        const prefix = m.id ? `${m.id}::` : '';
        const mine = saved
          .filter((s) => (prefix ? s.name.startsWith(prefix) : !s.name.includes('::')))
          .map((s) => ({ name: s.name.slice(prefix.length), tensor: s.tensor }));
        await m.opt.optimizer.setWeights(mine.filter((s) => !s.name.startsWith('__')));
        m.opt.restoreExtraState(mine.filter((s) => s.name.startsWith('__')));
      }
    } finally {
      tf.dispose(saved.map((s) => s.tensor));
    }
  }

  dispose(): void {
    for (const m of this.members) m.opt.optimizer.dispose();
  }
}
