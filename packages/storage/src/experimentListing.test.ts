import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ExperimentListing } from './experimentListing.js';
import { StorageRoot } from './storageRoot.js';

const GS = '2024-01-01--00-00-00';
const listings: ExperimentListing[] = [];
afterEach(() => listings.splice(0).forEach((l) => l.close()));

async function setup(options: { watch?: boolean } = {}) {
  const root = mkdtempSync(join(tmpdir(), 'mlgym-listing-'));
  const storage = new StorageRoot(root);
  await storage.init();
  const listing = new ExperimentListing(storage, options);
  listings.push(listing);
  /** Writes like another process would: a temporary renamed into place. */
  const write = (rel: string, text: string) => {
    const file = join(root, GS, rel);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(`${file}.tmp`, text);
    renameSync(`${file}.tmp`, file);
  };
  const list = async () =>
    JSON.parse((await listing.listJson(GS)).toString()) as Array<{ experiment_id: number; last_checkpoint_id: number }>;
  return { root, listing, write, list };
}

async function eventually(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 500 && !(await check()); i++) await new Promise((r) => setTimeout(r, 10));
  expect(await check()).toBe(true);
}

describe('ExperimentListing', () => {
  it('lists experiments with a config in numeric order with their last checkpoint; skips the rest', async () => {
    const { root, write, list } = await setup();
    write('10/experiment_config.json', '{"a":10}');
    write('2/experiment_config.json', '{"a":2}');
    write('2/0/model.bin', 'x');
    write('2/1/model.bin', 'x');
    mkdirSync(join(root, GS, '2', '7')); // an epoch without files is no checkpoint
    write('3/experiment_config.json', '[1]'); // not an object
    write('4/experiment_config.json', '{"a":'); // being written
    mkdirSync(join(root, GS, 'notes'));
    expect(await list()).toEqual([
      { experiment_id: 2, last_checkpoint_id: 1, experiment_config: { a: 2 } },
      { experiment_id: 10, last_checkpoint_id: -1, experiment_config: { a: 10 } },
    ]);
    expect((await (await setup()).listing.listJson('no-such-gs')).toString()).toBe('[]');
  });

  it('shows a change at once when told, and by the directory watch when another process writes', async () => {
    const { root, write, list, listing } = await setup();
    write('0/experiment_config.json', '{"a":0}');
    expect(await list()).toHaveLength(1);

    // Told (as the REST endpoint does before answering a write): the very next listing has it.
    write('0/3/model.bin', 'x');
    listing.changed(GS, 0);
    expect((await list())[0]?.last_checkpoint_id).toBe(3);

    // Not told: new experiments, a checkpoint file landing in an epoch folder made earlier, a config rewrite.
    write('5/experiment_config.json', '{"a":5}');
    await eventually(async () => (await list()).some((e) => e.experiment_id === 5));
    write('5/0/model.bin', 'x');
    await eventually(async () => (await list())[1]?.last_checkpoint_id === 0);
    write('5/1/.upload-tmp', 'partial'); // hidden: still no checkpoint 1
    write('5/1/model.bin', 'x');
    await eventually(async () => (await list())[1]?.last_checkpoint_id === 1);
    write('0/experiment_config.json', '{"a":"rewritten"}');
    await eventually(async () => JSON.stringify((await list())[0]).includes('rewritten'));
    rmSync(join(root, GS, '5'), { recursive: true });
    await eventually(async () => (await list()).length === 1);
  });

  it('without watching, reads afresh on every call', async () => {
    const { write, list } = await setup({ watch: false });
    write('1/experiment_config.json', '{}');
    expect(await list()).toHaveLength(1);
    write('2/experiment_config.json', '{}');
    expect(await list()).toHaveLength(2);
  });

  it('refuses an unsafe grid search id', async () => {
    const { listing } = await setup();
    await expect(listing.listJson('../etc')).rejects.toMatchObject({ code: 'STORAGE_PATH_UNSAFE' });
  });
});
