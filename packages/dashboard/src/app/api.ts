import { createApi, fetchBaseQuery } from '@reduxjs/toolkit/query/react';
import type { BaseQueryFn, FetchArgs, FetchBaseQueryError } from '@reduxjs/toolkit/query/react';
import type { SettingsState } from '../features/settings/settingsSlice';

/** One grid search as `GET /grid_searches` lists it. */
export interface GridSearchEntry {
  grid_search_id: string;
  experiments: number;
  modified: string;
}

const REQUEST_TIMEOUT_MS = 15_000;

/** REST calls go to the connected REST endpoint unless the request names an absolute URL. */
const restBaseQuery: BaseQueryFn<string | FetchArgs, unknown, FetchBaseQueryError> = (args, api, extra) => {
  const baseUrl = (api.getState() as { settings: SettingsState }).settings.current.restApiUrl;
  return fetchBaseQuery({ baseUrl, timeout: REQUEST_TIMEOUT_MS })(args, api, extra);
};

/** The REST endpoint (RTK Query). Feature pages add their endpoints with `api.injectEndpoints`. */
export const api = createApi({
  reducerPath: 'api',
  baseQuery: restBaseQuery,
  endpoints: (builder) => ({
    /** Grid searches known to a REST endpoint (newest first), for the picker. */
    gridSearches: builder.query<GridSearchEntry[], string>({
      query: (restUrl) => `${restUrl}/grid_searches`,
    }),
  }),
});

export const { useGridSearchesQuery } = api;

/** A short text for a failed REST request. */
export function describeRestError(error: unknown): string {
  const e = error as FetchBaseQueryError | undefined;
  if (!e) return 'unknown error';
  if (e.status === 'FETCH_ERROR') return 'the REST endpoint cannot be reached';
  if (e.status === 'TIMEOUT_ERROR') return 'the REST endpoint did not answer in time';
  if (e.status === 'PARSING_ERROR') return 'the REST endpoint sent something that is not JSON';
  if (typeof e.status === 'number') {
    const data = e.data as { message?: unknown } | undefined;
    return `HTTP ${e.status}${typeof data?.message === 'string' ? `: ${data.message}` : ''}`;
  }
  return String(e.error);
}
