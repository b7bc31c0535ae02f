import { splitKey } from '../events/experimentKey';
import type { FetchBaseQueryMeta } from '@reduxjs/toolkit/query/react';
import { z } from 'zod';
import { CheckpointListEntrySchema } from '@mlgym/protocol';
import type { CheckpointListEntry } from '@mlgym/protocol';
import { api } from './api';
import { useAppSelector } from '../../store/hooks';
import { jsonObjectSchema } from './restSchemas';

/** Where stored files are read from: the connected REST endpoint and grid search. */
export interface StoreTarget {
  rest: string;
  gs: string;
}

export interface ExperimentTarget extends StoreTarget {
  exp: number;
}

/** One epoch's checkpoint files, as `GET /checkpoint_list/{gs}/{exp}` lists them (newest first). */
export type CheckpointEntry = CheckpointListEntry;

/** What the endpoint tells about a stored checkpoint file. */
export interface CheckpointFileInfo {
  size: number | null;
  /** The server's sha256 of the stored bytes (X-Checksum-Sha256), when it keeps one. */
  sha256: string | null;
}

export type JsonObject = Record<string, unknown>;

const enc = encodeURIComponent;

/**
 * Stored files of a grid search, read through the REST endpoint. The endpoint URL is part of
 * every argument, so switching endpoints never serves another server's cached answer.
 */
export const storedFilesApi = api.injectEndpoints({
  endpoints: (builder) => ({
    checkpointList: builder.query<CheckpointEntry[], ExperimentTarget>({
      query: ({ rest, gs, exp }) => `${rest}/checkpoint_list/${enc(gs)}/${exp}`,
      rawResponseSchema: z.array(CheckpointListEntrySchema),
      providesTags: ['Auth'],
    }),
    // One byte by range: the response names the file's size (Content-Range) and sha256 without the server
    // reading the whole file, as a HEAD on a streamed download would.
    checkpointFileInfo: builder.query<CheckpointFileInfo, ExperimentTarget & { epoch: number; file: string }>({
      query: ({ rest, gs, exp, epoch, file }) => ({
        url: `${rest}/checkpoints/${enc(gs)}/${exp}/${epoch}/${enc(file)}`,
        headers: { Range: 'bytes=0-0' },
        responseHandler: () => Promise.resolve(null),
        // 416: an empty file has no first byte; its Content-Range still names the size.
        validateStatus: (response) => response.ok || response.status === 416,
      }),
      transformResponse: (_body: unknown, meta) => {
        // The app's base query wraps fetchBaseQuery, whose meta carries the response.
        const response = (meta as FetchBaseQueryMeta | undefined)?.response;
        const total = /\/(\d+)\s*$/.exec(response?.headers.get('content-range') ?? '')?.[1];
        const length = response?.status === 200 ? response.headers.get('content-length') : null;
        const size =
          total !== undefined ? Number(total) : length !== null && length !== undefined ? Number(length) : null;
        const sha256 = response?.headers.get('x-checksum-sha256') ?? null;
        return {
          size: size !== null && Number.isSafeInteger(size) && size >= 0 ? size : null,
          sha256: sha256 !== null && /^[0-9a-f]{64}$/.test(sha256) ? sha256 : null,
        };
      },
      providesTags: ['Auth'],
    }),
    experimentJson: builder.query<JsonObject, ExperimentTarget & { name: string }>({
      query: ({ rest, gs, exp, name }) => `${rest}/grid_searches/${enc(gs)}/${exp}/${enc(name)}`,
      rawResponseSchema: jsonObjectSchema,
      providesTags: ['Auth'],
    }),
    systemInfo: builder.query<JsonObject, ExperimentTarget>({
      query: ({ rest, gs, exp }) => `${rest}/system-info/${enc(gs)}/${exp}`,
      rawResponseSchema: jsonObjectSchema,
      providesTags: ['Auth'],
    }),
    modelCard: builder.query<JsonObject, ExperimentTarget>({
      query: ({ rest, gs, exp }) => `${rest}/model-card/${enc(gs)}/${exp}`,
      rawResponseSchema: jsonObjectSchema,
      providesTags: ['Auth'],
    }),
    /** A grid-search level YAML file (`grid_search_config`, `run_config`) as text. */
    gridSearchFile: builder.query<string, StoreTarget & { name: string }>({
      query: ({ rest, gs, name }) => ({
        url: `${rest}/grid_searches/${enc(gs)}/${enc(name)}`,
        responseHandler: 'text',
      }),
      rawResponseSchema: z.string(),
      providesTags: ['Auth'],
    }),
  }),
});

export const {
  useCheckpointListQuery,
  useCheckpointFileInfoQuery,
  useExperimentJsonQuery,
  useSystemInfoQuery,
  useModelCardQuery,
  useGridSearchFileQuery,
} = storedFilesApi;

/** The grid search the page is connected to (null before a connection was requested). */
export function useStoreTarget(): StoreTarget | null {
  const requested = useAppSelector((s) => s.settings.requested);
  const rest = useAppSelector((s) => s.settings.current.restApiUrl);
  const gs = useAppSelector((s) => s.settings.current.gridSearchId);
  return requested && rest && gs ? { rest, gs } : null;
}

/**
 * Where an experiment's files are stored, by the page's key of it: with several grid searches on the
 * page the key names the grid search too (see experimentKey.ts).
 */
export function useExperimentTarget(key: number | null): ExperimentTarget | null {
  const target = useStoreTarget();
  const also = useAppSelector((s) => s.settings.also);
  if (!target || key === null) return null;
  const { index, id } = splitKey(key);
  const gs = index === 0 ? target.gs : also[index - 1];
  return gs === undefined ? null : { rest: target.rest, gs, exp: id };
}

/** The URL a stored checkpoint file downloads from. */
export function checkpointUrl(t: ExperimentTarget, epoch: number, file: string): string {
  return `${t.rest}/checkpoints/${enc(t.gs)}/${t.exp}/${epoch}/${enc(file)}`;
}
