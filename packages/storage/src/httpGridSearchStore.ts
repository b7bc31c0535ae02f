import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { z } from 'zod';
import {
  CheckpointListEntrySchema,
  ExperimentStatusEntrySchema,
  MlgymError,
  UploadAnswerSchema,
} from '@mlgym/protocol';
import type { ExperimentStatusEntry, UploadAnswer } from '@mlgym/protocol';
import type { CheckpointFile, CheckpointRef, GridSearchStore } from './gridSearchStore.js';
import { createRestClient, httpTimeoutsFromEnv } from './restClient.js';
import type { HttpTimeouts, RestCall, RestClient, RestResponse } from './restClient.js';

export interface HttpGridSearchStoreOptions {
  /** `gs_rest_api_endpoint`, e.g. http://127.0.0.1:5001 */
  baseUrl: string;
  authToken?: string | undefined;
  /** Files larger than this go up in chunks of this size (resumable). @default 256 MiB */
  chunkBytes?: number | undefined;
  /** Attempts per request on network errors and 5xx. @default 6 */
  attempts?: number | undefined;
  /** Timeouts and deadline per call. @default httpTimeoutsFromEnv() */
  timeouts?: Partial<HttpTimeouts> | undefined;
}

const enc = encodeURIComponent;

/** The grid-search store of ml_board_rest_endpoint, so runs need no shared disk. */
export class HttpGridSearchStore implements GridSearchStore {
  private readonly client: RestClient;
  private readonly chunkBytes: number;

  constructor(options: HttpGridSearchStoreOptions) {
    this.client = createRestClient({
      baseUrl: options.baseUrl,
      authToken: options.authToken,
      timeouts: {
        ...httpTimeoutsFromEnv(),
        ...options.timeouts,
        ...(options.attempts === undefined ? {} : { attempts: options.attempts }),
      },
    });
    this.chunkBytes = options.chunkBytes ?? 256 * 1024 * 1024;
  }

  /** The endpoint this store talks to (base URL without a trailing slash). */
  get endpoint(): string {
    return this.client.endpoint;
  }

  private request(path: string, call: RestCall): Promise<RestResponse | undefined> {
    return this.client.request(path, call);
  }

  /** GET `path` and validate its JSON against `schema`: a wrong answer is an error here, not a crash later. */
  private async json<T>(path: string, operation: string, schema: z.ZodType<T>): Promise<T> {
    const response = (await this.request(path, { operation })) as RestResponse;
    return this.parse(response, path, operation, schema);
  }

  private parse<T>(response: RestResponse, path: string, operation: string, schema: z.ZodType<T>): T {
    let value: unknown;
    try {
      value = JSON.parse(response.body.toString('utf8'));
    } catch (error) {
      throw MlgymError.fromIssue(
        { code: 'STORAGE_CORRUPT', problem: `${operation}: ${this.endpoint}${path} did not answer JSON` },
        error,
      );
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      throw MlgymError.fromIssue({
        code: 'STORAGE_CORRUPT',
        problem: `${operation}: ${this.endpoint}${path} answered an unexpected shape`,
        found: z.prettifyError(parsed.error),
      });
    }
    return parsed.data;
  }

  private configPath(gridSearchId: string, name: string, experimentId?: number): string {
    return experimentId === undefined
      ? `/grid_searches/${enc(gridSearchId)}/${enc(name)}`
      : `/grid_searches/${enc(gridSearchId)}/${experimentId}/${enc(name)}`;
  }

  async putConfig(gridSearchId: string, name: string, content: string, experimentId?: number): Promise<void> {
    const file_format = name.endsWith('.json') ? 'JSON' : 'YAML';
    await this.request(this.configPath(gridSearchId, name, experimentId), {
      operation: `store config ${name}`,
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: [Buffer.from(JSON.stringify({ file_format, content }))],
    });
  }

  async getConfig(gridSearchId: string, name: string, experimentId?: number): Promise<string | undefined> {
    const response = await this.request(this.configPath(gridSearchId, name, experimentId), {
      operation: `read config ${name}`,
      allow404: true,
    });
    return response?.body.toString('utf8');
  }

  async experiments(gridSearchId: string): Promise<ExperimentStatusEntry[]> {
    return this.json(
      `/grid_searches/${enc(gridSearchId)}/experiments`,
      `list the experiments of ${gridSearchId}`,
      z.array(ExperimentStatusEntrySchema),
    );
  }

  private epochPath(ref: CheckpointRef): string {
    return `${enc(ref.gridSearchId)}/${ref.experimentId}/${ref.epoch}`;
  }

  async saveCheckpoint(ref: CheckpointRef, files: readonly CheckpointFile[]): Promise<void> {
    for (const file of files) {
      const [stored, sent] =
        file.bytes.length > this.chunkBytes ? await this.uploadChunked(ref, file) : await this.uploadWhole(ref, file);
      const expected = sent.digest('hex');
      if (stored !== expected) {
        throw MlgymError.fromIssue({
          code: 'INTERNAL',
          problem: `checkpoint ${file.name} arrived corrupted (sha256 ${stored}, sent ${expected})`,
        });
      }
    }
  }

  /** Returns the server's sha256 and the hash of the bytes as they went out. */
  private async uploadWhole(ref: CheckpointRef, file: CheckpointFile): Promise<[string | undefined, Hash]> {
    const path = `/checkpoints/${this.epochPath(ref)}/${enc(file.name)}`;
    const operation = `upload checkpoint ${file.name} of ${this.epochPath(ref)}`;
    const response = (await this.request(path, {
      operation,
      method: 'PUT',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: [file.bytes],
      bodyHash: createHash('sha256'),
    })) as RestResponse & { sentHash: Hash };
    return [this.parse(response, path, operation, UploadAnswerSchema).sha256, response.sentHash];
  }

  /** Sends the chunks the server does not have yet; resumes an interrupted upload. */
  private async uploadChunked(ref: CheckpointRef, file: CheckpointFile): Promise<[string | undefined, Hash]> {
    const url = `/checkpoints/${this.epochPath(ref)}/${enc(file.name)}/chunks`;
    const operation = `upload checkpoint ${file.name} of ${this.epochPath(ref)} in chunks`;
    const count = Math.ceil(file.bytes.length / this.chunkBytes);
    const state = await this.request(url, { operation, allow404: true });
    const have = new Set(state ? (this.parse(state, url, operation, UploadAnswerSchema).received ?? []) : []);
    let last: UploadAnswer = {};
    let sent = createHash('sha256');
    // The whole file's digest names this upload (the server refuses chunks of another one meanwhile) and is checked on assembly.
    const whole = createHash('sha256').update(file.bytes).digest('hex');
    for (let i = 0; i < count; i++) {
      const chunk = file.bytes.subarray(i * this.chunkBytes, Math.min(file.bytes.length, (i + 1) * this.chunkBytes));
      if (have.has(i)) {
        sent.update(chunk);
        continue;
      }
      const path = `${url}/${i}?num_chunks=${count}&chunk_size=${this.chunkBytes}&sha256=${whole}`;
      const response = (await this.request(path, {
        operation: `${operation} (chunk ${i + 1} of ${count})`,
        method: 'PUT',
        headers: { 'Content-Type': 'application/octet-stream' },
        body: [chunk],
        bodyHash: sent,
      })) as RestResponse & { sentHash: Hash };
      sent = response.sentHash;
      last = this.parse(response, path, operation, UploadAnswerSchema);
    }
    if (!last.complete) last = await this.json(url, operation, UploadAnswerSchema);
    return [last.sha256, sent];
  }

  async loadCheckpoint(ref: CheckpointRef): Promise<CheckpointFile[]> {
    const list = await this.json(
      `/checkpoint_list/${this.epochPath(ref)}`,
      `list the files of checkpoint ${this.epochPath(ref)}`,
      z.array(CheckpointListEntrySchema),
    );
    const out: CheckpointFile[] = [];
    for (const name of list[0]?.checkpoints ?? []) {
      const response = (await this.request(`/checkpoints/${this.epochPath(ref)}/${enc(name)}`, {
        operation: `download checkpoint ${name} of ${this.epochPath(ref)}`,
      })) as RestResponse;
      const bytes = new Uint8Array(response.body.buffer, response.body.byteOffset, response.body.length);
      const digest = response.headers['x-checksum-sha256'];
      if (typeof digest === 'string' && digest !== response.sha256) {
        throw MlgymError.fromIssue({
          code: 'STORAGE_CORRUPT',
          problem: `checkpoint ${name} of ${this.epochPath(ref)} does not match its sha256`,
        });
      }
      out.push({ name, bytes });
    }
    return out;
  }

  async listCheckpoints(gridSearchId: string, experimentId: number): Promise<number[]> {
    const list = await this.json(
      `/checkpoint_list/${enc(gridSearchId)}/${experimentId}`,
      `list the checkpoints of ${gridSearchId}/${experimentId}`,
      z.array(CheckpointListEntrySchema),
    );
    return list.map((c) => c.epoch);
  }

  async deleteCheckpoint(ref: CheckpointRef): Promise<void> {
    await this.request(`/checkpoints/${this.epochPath(ref)}`, {
      operation: `delete checkpoint ${this.epochPath(ref)}`,
      method: 'DELETE',
      allow404: true,
    });
  }
}
