import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { MlgymError } from '@mlgym/protocol';
import { ExperimentStatusEntrySchema } from '@mlgym/protocol';
import type { ExperimentStatusEntry } from '@mlgym/protocol';
import { z } from 'zod';
import { writeAtomic, writeSmallAtomic } from './atomicWrite.js';
import type { CheckpointFile, CheckpointRef, GridSearchStore } from './gridSearchStore.js';
import { configSegments } from './configFile.js';
import { ExperimentListing } from './experimentListing.js';
import { checkpointList, visibleFiles } from './listing.js';
import { StorageRoot, integerName, safeName } from './storageRoot.js';

const ExperimentStatusEntryListSchema = z.array(ExperimentStatusEntrySchema);

function segments(gridSearchId: string, experimentId?: number): Array<string | number> {
  safeName(gridSearchId, 'grid_search_id');
  if (experimentId === undefined) return [gridSearchId];
  integerName(String(experimentId), 'experiment_id');
  return [gridSearchId, experimentId];
}

/** A grid-search store in a local folder, in the MLboard layout (`<root>/<gs>/<exp>/<epoch>/<file>`). */
export class LocalGridSearchStore implements GridSearchStore {
  private readonly storage: StorageRoot;
  private readonly listing: ExperimentListing;
  private ready: Promise<void> | undefined;

  constructor(root: string) {
    this.storage = new StorageRoot(root);
    // Read afresh on each call: other processes write this folder too, and runs list rarely.
    this.listing = new ExperimentListing(this.storage, { watch: false });
  }

  get root(): string {
    return this.storage.root;
  }

  private async init(): Promise<void> {
    this.ready ??= this.storage.init();
    await this.ready;
  }

  async putConfig(gridSearchId: string, name: string, content: string, experimentId?: number): Promise<void> {
    await this.init();
    const where = configSegments(name, experimentId === undefined ? 'grid_search' : 'experiment', 'write');
    const dir = await this.storage.ensureDir(...segments(gridSearchId, experimentId), ...where.slice(0, -1));
    await writeSmallAtomic(join(dir, where.at(-1) as string), content);
  }

  async getConfig(gridSearchId: string, name: string, experimentId?: number): Promise<string | undefined> {
    await this.init();
    const where = configSegments(name, experimentId === undefined ? 'grid_search' : 'experiment', 'read');
    return this.storage.readText(await this.storage.checked(...segments(gridSearchId, experimentId), ...where));
  }

  async experiments(gridSearchId: string): Promise<ExperimentStatusEntry[]> {
    await this.init();
    return ExperimentStatusEntryListSchema.parse(
      JSON.parse((await this.listing.listJson(gridSearchId)).toString('utf8')),
    );
  }

  async saveCheckpoint(ref: CheckpointRef, files: readonly CheckpointFile[]): Promise<void> {
    await this.init();
    const dir = await this.storage.ensureDir(
      ...segments(ref.gridSearchId, ref.experimentId),
      integerName(String(ref.epoch), 'epoch'),
    );
    for (const file of files)
      await writeAtomic(join(dir, safeName(file.name, 'checkpoint file name')), Buffer.from(file.bytes));
  }

  async loadCheckpoint(ref: CheckpointRef): Promise<CheckpointFile[]> {
    await this.init();
    const dir = await this.storage.checked(
      ...segments(ref.gridSearchId, ref.experimentId),
      integerName(String(ref.epoch), 'epoch'),
    );
    const names = await visibleFiles(dir);
    return Promise.all(
      names.map(async (name) => {
        const bytes = await this.storage.readBytes(join(dir, name));
        if (!bytes)
          throw MlgymError.fromIssue({ code: 'NOT_FOUND', problem: `checkpoint ${join(dir, name)} vanished` });
        return { name, bytes: new Uint8Array(bytes) };
      }),
    );
  }

  async listCheckpoints(gridSearchId: string, experimentId: number): Promise<number[]> {
    await this.init();
    return (
      await checkpointList(await this.storage.checked(...segments(gridSearchId, experimentId)), experimentId)
    ).map((c) => c.epoch);
  }

  async deleteCheckpoint(ref: CheckpointRef): Promise<void> {
    await this.init();
    await rm(
      await this.storage.checked(
        ...segments(ref.gridSearchId, ref.experimentId),
        integerName(String(ref.epoch), 'epoch'),
      ),
      { recursive: true, force: true },
    );
  }
}
