import { createApi, fetchBaseQuery } from '@reduxjs/toolkit/query/react';
import type { BaseQueryFn, FetchArgs, FetchBaseQueryError, NamedSchemaError } from '@reduxjs/toolkit/query/react';
import { WHOAMI_PATH, authErrorBodySchema, whoamiResponseSchema } from '@mlgym/protocol';
import type { AuthErrorBody, WhoamiResponse } from '@mlgym/protocol';
import { authRefused } from '../auth/authSlice';
import type { TokenStore } from '../auth/tokenStorage';
import { authorizationFor, originOf } from '../auth/tokenStorage';
import type { RootState } from '../../store/rootState';
import { gridSearchListSchema } from './restSchemas';
import type { GridSearchEntry } from './restSchemas';

export type { GridSearchEntry } from './restSchemas';

const REQUEST_TIMEOUT_MS = 15_000;

/** What the store hands every thunk and base query (see makeStore). */
export interface ApiExtra {
  /** Where tokens are kept: the tab's sessionStorage. */
  tokens: TokenStore | undefined;
  /** How requests are made. @default the global fetch (unit tests answer as an endpoint would) */
  fetchFn?: typeof fetch;
}

/** A refusal by the authentication layer (401/403 with the contract's `{code, message}` body), or null. */
export function authRefusalOf(error: FetchBaseQueryError | undefined): AuthErrorBody | null {
  if (!error || (error.status !== 401 && error.status !== 403)) return null;
  const body = authErrorBodySchema.safeParse(error.data);
  if (body.success) return body.data;
  // a 401 from a server that does not speak the contract still asks for a token
  return error.status === 401 ? { code: 'AUTH_REQUIRED', message: 'the endpoint asks for a token' } : null;
}

const urlOf = (args: string | FetchArgs) => (typeof args === 'string' ? args : args.url);

/**
 * REST calls go to the connected REST endpoint unless the request names an absolute URL. A token the
 * person entered for the request's own origin goes along as `Authorization: Bearer`; a refusal by the
 * authentication layer is reported to the auth slice (which asks for a token or says what was refused).
 */
const restBaseQuery: BaseQueryFn<string | FetchArgs, unknown, FetchBaseQueryError> = async (args, api, extra) => {
  const settings = (api.getState() as RootState).settings.current;
  const baseUrl = settings.restApiUrl;
  const path = urlOf(args);
  const target = /^https?:\/\//i.test(path) ? path : `${baseUrl}${path}`;
  const extraArg = api.extra as ApiExtra | undefined;
  const authorization = authorizationFor(extraArg?.tokens, target);
  const result = await fetchBaseQuery({
    baseUrl,
    timeout: REQUEST_TIMEOUT_MS,
    ...(extraArg?.fetchFn ? { fetchFn: extraArg.fetchFn } : {}),
    prepareHeaders: (headers) => {
      if (authorization) headers.set('authorization', authorization);
      return headers;
    },
  })(args, api, extra);
  const refusal = authRefusalOf(result.error);
  const origin = originOf(target);
  if (refusal && origin) {
    const kind = origin === originOf(settings.socketConnectionUrl) ? 'websocket' : 'REST';
    api.dispatch(authRefused({ origin, kind, ...refusal }));
  }
  return result;
};

/** "at 0.checkpoints: expected array, received null" for the first few issues of a failed validation. */
function describeIssues(error: NamedSchemaError): string {
  const issues = error.issues.slice(0, 3).map((i) => {
    const path = (i.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p)).join('.');
    return `${path ? `at ${path}: ` : ''}${i.message}`;
  });
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  return issues.join('; ') + more;
}

/** The REST endpoint (RTK Query). Feature pages add their endpoints with `api.injectEndpoints`. */
export const api = createApi({
  reducerPath: 'api',
  baseQuery: restBaseQuery,
  // Entering or forgetting a token repeats every request (see the auth listener).
  tagTypes: ['Auth'],
  // Every answer is checked against its schema (`rawResponseSchema`); one of another shape is an error
  // that names what was wrong, never data a page would trip over.
  catchSchemaFailure: (error, info): FetchBaseQueryError => ({
    status: 'CUSTOM_ERROR',
    error: `the endpoint's answer to ${info.endpoint} is not what the protocol says: ${describeIssues(error)}`,
    data: error.issues,
  }),
  endpoints: (builder) => ({
    /** Grid searches known to a REST endpoint (newest first), for the picker. */
    gridSearches: builder.query<readonly GridSearchEntry[], string>({
      query: (restUrl) => `${restUrl}/grid_searches`,
      rawResponseSchema: gridSearchListSchema,
      // A store may list a million grid searches: frozen here (one level) the list is not walked again
      // by immer's deep freeze, nor compared entry by entry with the last answer.
      transformResponse: (list: GridSearchEntry[]) => Object.freeze(list),
      structuralSharing: false,
      providesTags: ['Auth'],
    }),
    /** Who the token entered for an endpoint (either one) stands for: `GET /whoami`. */
    whoami: builder.query<WhoamiResponse, string>({
      query: (endpointUrl) => `${endpointUrl}${WHOAMI_PATH}`,
      rawResponseSchema: whoamiResponseSchema,
      providesTags: ['Auth'],
    }),
  }),
});

declare module '../../store/rootState' {
  interface RootState {
    api: ReturnType<typeof api.reducer>;
  }
}

export const { useGridSearchesQuery, useWhoamiQuery } = api;

/** A short text for a failed REST request. */
export function describeRestError(error: unknown): string {
  const e = error as FetchBaseQueryError | { message?: string } | undefined;
  if (!e) return 'unknown error';
  if (!('status' in e)) return e.message ?? 'unknown error';
  if (e.status === 'FETCH_ERROR') return 'the REST endpoint cannot be reached';
  if (e.status === 'TIMEOUT_ERROR') return 'the REST endpoint did not answer in time';
  if (e.status === 'PARSING_ERROR') return 'the REST endpoint sent something that is not JSON';
  if (typeof e.status === 'number') {
    const refusal = authRefusalOf(e);
    if (refusal) return `HTTP ${e.status}, access refused (${refusal.code}): ${refusal.message}`;
    const data = e.data as { message?: unknown } | undefined;
    return `HTTP ${e.status}${typeof data?.message === 'string' ? `: ${data.message}` : ''}`;
  }
  return e.error; // CUSTOM_ERROR: a schema failure (catchSchemaFailure)
}
