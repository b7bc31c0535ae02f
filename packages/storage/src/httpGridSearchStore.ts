import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { MlgymError } from '@mlgym/protocol';
import type { ExperimentStatusEntry } from '@mlgym/protocol';
import type { CheckpointFile, CheckpointRef, GridSearchStore } from './gridSearchStore.js';
import { rawRequest } from './rawHttp.js';
import type { RawResponse } from './rawHttp.js';

export interface HttpGridSearchStoreOptions {
  /** `gs_rest_api_endpoint`, e.g. http://127.0.0.1:5001 */
  baseUrl: string;
  authToken?: string | undefined;
  /** Files larger than this go up in chunks of this size (resumable). @default 256 MiB */
  chunkBytes?: number;
  /** Attempts per request on network errors and 5xx. @default 4 */
  attempts?: number;
}

const enc = encodeURIComponent;

/** The grid-search store of ml_board_rest_endpoint, so runs need no shared disk. */
export class HttpGridSearchStore implements GridSearchStore {
  private readonly base: string;
  private readonly chunkBytes: number;
  private readonly attempts: number;

  constructor(private readonly options: HttpGridSearchStoreOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.chunkBytes = options.chunkBytes ?? 256 * 1024 * 1024;
    this.attempts = options.attempts ?? 4;
  }

  /** One request with retries on network errors and 5xx; 4xx is final. Returns undefined for 404 when asked. */
  private async request(
    path: string,
    init: {
      method?: string;
      headers?: Record<string, string>;
      body?: readonly Uint8Array[];
      /** The hash state before the body; each attempt hashes the body into its own copy (`sentHash`). */
      bodyHash?: Hash;
      allow404?: boolean;
    } = {},
  ): Promise<(RawResponse & { sentHash?: Hash }) | undefined> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.options.authToken) headers['Authorization'] = `Bearer ${this.options.authToken}`;
    const method = init.method ?? 'GET';
    let lastError: unknown;
    for (let attempt = 0; attempt < this.attempts; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 200 * 2 ** attempt));
      let response: RawResponse & { sentHash?: Hash };
      const sentHash = init.bodyHash?.copy();
      try {
        response = {
          ...(await rawRequest(`${this.base}${path}`, method, headers, { body: init.body, bodyHash: sentHash })),
          sentHash,
        };
      } catch (error) {
        lastError = error;
        continue;
      }
      if (response.status >= 200 && response.status < 300) return response;
      if (response.status === 404 && init.allow404) return undefined;
      lastError = new Error(`${method} ${path}: HTTP ${response.status} ${response.body.toString('utf8', 0, 300)}`);
      if (response.status < 500) break;
    }
    throw MlgymError.fromIssue(
      {
        code: 'INTERNAL',
        problem: `the REST endpoint ${this.base} failed: ${(lastError as Error | undefined)?.message ?? 'unknown error'}`,
        hint: 'Check that ml_board_rest_endpoint is running and reachable (gs_rest_api_endpoint)',
      },
      lastError,
    );
  }

  private async json<T>(path: string): Promise<T> {
    return JSON.parse(((await this.request(path)) as RawResponse).body.toString('utf8')) as T;
  }

  private configPath(gridSearchId: string, name: string, experimentId?: number): string {
    return experimentId === undefined
      ? `/grid_searches/${enc(gridSearchId)}/${enc(name)}`
      : `/grid_searches/${enc(gridSearchId)}/${experimentId}/${enc(name)}`;
  }

  async putConfig(gridSearchId: string, name: string, content: string, experimentId?: number): Promise<void> {
    const file_format = name.endsWith('.json') ? 'JSON' : 'YAML';
    await this.request(this.configPath(gridSearchId, name, experimentId), {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: [Buffer.from(JSON.stringify({ file_format, content }))],
    });
  }

  async getConfig(gridSearchId: string, name: string, experimentId?: number): Promise<string | undefined> {
    const response = await this.request(this.configPath(gridSearchId, name, experimentId), { allow404: true });
    return response?.body.toString('utf8');
  }

  async experiments(gridSearchId: string): Promise<ExperimentStatusEntry[]> {
    return this.json<ExperimentStatusEntry[]>(`/grid_searches/${enc(gridSearchId)}/experiments`);
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
  private async uploadWhole(ref: CheckpointRef, file: CheckpointFile): Promise<[string, Hash]> {
    const response = (await this.request(`/checkpoints/${this.epochPath(ref)}/${enc(file.name)}`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/octet-stream' },
      body: [file.bytes],
      bodyHash: createHash('sha256'),
    })) as RawResponse & { sentHash: Hash };
    return [(JSON.parse(response.body.toString('utf8')) as { sha256: string }).sha256, response.sentHash];
  }

  /** Sends the chunks the server does not have yet; resumes an interrupted upload. */
  private async uploadChunked(ref: CheckpointRef, file: CheckpointFile): Promise<[string, Hash]> {
    const url = `/checkpoints/${this.epochPath(ref)}/${enc(file.name)}/chunks`;
    const count = Math.ceil(file.bytes.length / this.chunkBytes);
    const state = await this.request(url, { allow404: true });
    const have = new Set(
      state ? ((JSON.parse(state.body.toString('utf8')) as { received?: number[] }).received ?? []) : [],
    );
    let last: { sha256?: string; complete?: boolean } = {};
    let sent = createHash('sha256');
    // The whole file's digest names this upload (the server refuses chunks of another one meanwhile) and is checked on assembly.
    const whole = createHash('sha256').update(file.bytes).digest('hex');
    for (let i = 0; i < count; i++) {
      const chunk = file.bytes.subarray(i * this.chunkBytes, Math.min(file.bytes.length, (i + 1) * this.chunkBytes));
      if (have.has(i)) {
        sent.update(chunk);
        continue;
      }
      const response = (await this.request(
        `${url}/${i}?num_chunks=${count}&chunk_size=${this.chunkBytes}&sha256=${whole}`,
        {
          method: 'PUT',
          headers: { 'Content-Type': 'application/octet-stream' },
          body: [chunk],
          bodyHash: sent,
        },
      )) as RawResponse & { sentHash: Hash };
      sent = response.sentHash;
      last = JSON.parse(response.body.toString('utf8')) as typeof last;
    }
    if (!last.complete) last = await this.json<typeof last>(url);
    return [last.sha256 ?? '', sent];
  }

  async loadCheckpoint(ref: CheckpointRef): Promise<CheckpointFile[]> {
    const list = await this.json<Array<{ checkpoints: string[] }>>(`/checkpoint_list/${this.epochPath(ref)}`);
    const out: CheckpointFile[] = [];
    for (const name of list[0]?.checkpoints ?? []) {
      const response = (await this.request(`/checkpoints/${this.epochPath(ref)}/${enc(name)}`)) as RawResponse;
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
    return (await this.json<Array<{ epoch: number }>>(`/checkpoint_list/${enc(gridSearchId)}/${experimentId}`)).map(
      (c) => c.epoch,
    );
  }

  async deleteCheckpoint(ref: CheckpointRef): Promise<void> {
    await this.request(`/checkpoints/${this.epochPath(ref)}`, { method: 'DELETE', allow404: true });
  }
}
