import type { SplitResult } from './earlyStopping.js';

/** What to do after an epoch: save it, and which earlier checkpoints to delete. */
export interface CheckpointInstruction {
  save: boolean;
  delete: number[];
}

/** Only decides; a store saves and deletes. Its state (kept epochs) goes into checkpoints. */
export interface CheckpointingStrategy {
  decide(epoch: number, results: readonly SplitResult[], lastEpoch: boolean): CheckpointInstruction;
  getState(): unknown;
  setState(state: unknown): void;
}

function value(results: readonly SplitResult[], split: string, key: string): number | undefined {
  const r = results.find((x) => x.split === split);
  const v = r ? (key in r.metrics ? r.metrics[key] : r.losses[key]) : undefined;
  return typeof v === 'number' ? v : undefined;
}

function keeping(
  decide: (epoch: number, results: readonly SplitResult[], kept: number[], last: boolean) => CheckpointInstruction,
): CheckpointingStrategy {
  let kept: number[] = [];
  return {
    decide(epoch, results, last) {
      const instruction = decide(epoch, results, kept, last);
      if (instruction.save) kept.push(epoch);
      kept = kept.filter((e) => !instruction.delete.includes(e));
      return instruction;
    },
    getState: () => ({ kept: [...kept] }),
    setState(state) {
      kept = [...((state as { kept?: number[] }).kept ?? [])];
    },
  };
}

/** A checkpointing strategy by key, with its complete config (the CHECKPOINTING_STRATEGY schema writes defaults). */
export type CheckpointingSpec =
  | { checkpointing_key: 'SAVE_LAST_EPOCH_ONLY_CHECKPOINTING_STRATEGY' | 'SAVE_ALL_CHECKPOINTING_STRATEGY' }
  | {
      checkpointing_key: 'EVERY_N_EPOCHS_CHECKPOINTING_STRATEGY' | 'KEEP_LAST_N_CHECKPOINTING_STRATEGY';
      checkpointing_config: { n: number };
    }
  | {
      checkpointing_key: 'BEST_K_CHECKPOINTING_STRATEGY';
      checkpointing_config: { k: number; split_name: string; monitoring_key: string; mode: 'min' | 'max' };
    };

export function createCheckpointingStrategy(spec: CheckpointingSpec): CheckpointingStrategy {
  switch (spec.checkpointing_key) {
    /** Always save; delete the previous epoch (the original's default). */
    case 'SAVE_LAST_EPOCH_ONLY_CHECKPOINTING_STRATEGY':
      return keeping((_e, _r, kept) => ({ save: true, delete: [...kept] }));
    case 'SAVE_ALL_CHECKPOINTING_STRATEGY':
      return keeping(() => ({ save: true, delete: [] }));
    /** Every n epochs, and always the last one (so a run can be resumed or inspected at its end). */
    case 'EVERY_N_EPOCHS_CHECKPOINTING_STRATEGY': {
      const { n } = spec.checkpointing_config;
      return keeping((e, _r, _k, last) => ({ save: (e + 1) % n === 0 || last, delete: [] }));
    }
    /** The newest n checkpoints. */
    case 'KEEP_LAST_N_CHECKPOINTING_STRATEGY': {
      const { n } = spec.checkpointing_config;
      return keeping((_e, _r, kept) => ({ save: true, delete: kept.slice(0, Math.max(0, kept.length + 1 - n)) }));
    }
    case 'BEST_K_CHECKPOINTING_STRATEGY':
      return bestK(spec.checkpointing_config);
  }
}

/** The k best epochs by a monitored value (min or max), plus the newest one for resuming. */
function bestK(c: {
  k: number;
  split_name: string;
  monitoring_key: string;
  mode: 'min' | 'max';
}): CheckpointingStrategy {
  const { k, split_name: split, monitoring_key: key } = c;
  const max = c.mode === 'max';
  const scores = new Map<number, number>();
  let newest = -1;
  const strategy = keeping((e, results, kept) => {
    const v = value(results, split, key);
    if (v !== undefined) scores.set(e, v);
    const previousNewest = newest;
    newest = e;
    const ranked = [...kept, e]
      .filter((x) => scores.has(x))
      .sort((a, b) => (max ? scores.get(b)! - scores.get(a)! : scores.get(a)! - scores.get(b)!));
    const best = new Set(ranked.slice(0, k));
    const drop = kept.filter((x) => !best.has(x) && x !== e && x !== previousNewest);
    if (previousNewest >= 0 && !best.has(previousNewest) && kept.includes(previousNewest)) drop.push(previousNewest);
    return { save: true, delete: [...new Set(drop)] };
  });
  return {
    ...strategy,
    getState: () => ({ ...(strategy.getState() as object), scores: [...scores], newest }),
    setState(state) {
      strategy.setState(state);
      const s = state as { scores?: Array<[number, number]>; newest?: number };
      scores.clear();
      for (const [e, v] of s.scores ?? []) scores.set(e, v);
      newest = s.newest ?? -1;
    },
  };
}
