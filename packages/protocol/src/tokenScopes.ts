import type { TokenScope } from './auth.js';

const RANK: Readonly<Record<TokenScope, number>> = { read: 0, write: 1, admin: 2 };

/** Whether a token of scope `have` may do what needs `need` (`write` includes `read`, `admin` both). */
export function scopeAllows(have: TokenScope, need: TokenScope): boolean {
  return RANK[have] >= RANK[need];
}

/**
 * What each scope may do, in words: the servers' refusals and the README say the same. `write` is everything a
 * trainer and its workers do; `admin` adds what only a person managing the store does.
 */
export const SCOPE_DESCRIPTIONS: Readonly<Record<TokenScope, string>> = {
  read: 'read grid searches: join rooms, the history, configs, checkpoints, metrics, model cards',
  write:
    'read, and what a trainer does: publish events, store configs, upload checkpoints, delete old checkpoint epochs',
  admin: 'write, and delete single checkpoint files',
};
