import { timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { MlgymError, scopeAllows } from '@mlgym/protocol';
import type { AuthErrorCode, TokenScope, WhoamiResponse } from '@mlgym/protocol';
import { gridSearchMatcher } from './gridSearchPatterns.js';
import { tokenDigest } from './tokenHash.js';
import { parseTokensFile } from './tokensFile.js';
import type { TokenEntry, TokenIdentity } from './tokensFile.js';
import { watchTokensFile } from './watchTokensFile.js';

/** Who a request or connection acts as: a token's identity, or nobody (`anonymous`) where reads are public. */
export interface Principal extends TokenIdentity {
  anonymous: boolean;
}

export interface AccessRefusal {
  code: Exclude<AuthErrorCode, 'HOST_NOT_ALLOWED'>;
  message: string;
}

export type AccessResult = { ok: true; principal: Principal } | ({ ok: false } & AccessRefusal);

export interface AccessControlOptions {
  /** `--auth_token` / ML_BOARD_AUTH_TOKEN: one token with the admin scope on every grid search. */
  token?: string | undefined;
  /** `--auth_tokens_file`: read now (a bad file stops the start) and again whenever it changes. */
  tokensFile?: string | undefined;
  /** `--public_reads`: requests without a token may read. */
  publicReads?: boolean | undefined;
  /** Where reloads and refused reloads are reported. */
  log?: (line: string) => void;
}

export interface AccessControl {
  /** Whether tokens are configured at all (without them everything is open, as before tokens existed). */
  readonly authRequired: boolean;
  readonly publicReads: boolean;
  /** Who a token stands for (undefined: none sent). */
  authenticate(token: string | undefined): AccessResult;
  /** Whether `principal` may do what needs `need` (on `gridSearchId`, when given); `what` words a refusal. */
  authorize(principal: Principal, need: TokenScope, gridSearchId?: string, what?: string): AccessRefusal | undefined;
  /** authenticate, then authorize. */
  check(token: string | undefined, need: TokenScope, gridSearchId?: string, what?: string): AccessResult;
  /** Whether a listing may show `gridSearchId` to `principal`. */
  mayRead(principal: Principal, gridSearchId: string): boolean;
  /** The answer of `GET /whoami` for a token (or none). */
  whoami(token: string | undefined): WhoamiResponse;
  /** Re-reads the tokens file now; false (and the old tokens kept) when it cannot be used. */
  reload(): Promise<boolean>;
  /** Calls `listener` after each reload that changed the tokens (servers re-check open connections). */
  onChange(listener: () => void): () => void;
  close(): void;
}

/** Longer "tokens" are refused unhashed: a 30 MB handshake must not cost 30 MB of sha256. */
const MAX_TOKEN_LENGTH = 1024;

const OPEN: Principal = { name: null, scope: 'admin', grid_searches: null, anonymous: true };
const PUBLIC_READER: Principal = { name: null, scope: 'read', grid_searches: null, anonymous: true };

const REQUIRED_MESSAGE =
  'this endpoint needs a bearer token (HTTP: "Authorization: Bearer <token>"; socket.io: auth: {token})';
const INVALID_MESSAGE = "the token sent is not one of this endpoint's tokens (mistyped, revoked, or another server's)";

function who(principal: Principal): string {
  return principal.name === null ? 'this token' : `the token "${principal.name}"`;
}

/** Finds a token's entry comparing every digest in constant time, so timing tells nothing about near misses. */
function lookup(entries: readonly TokenEntry[], token: string): TokenEntry | undefined {
  const digest = tokenDigest(token);
  let found: TokenEntry | undefined;
  for (const entry of entries) {
    const same = timingSafeEqual(entry.digest, digest);
    if (same && found === undefined) found = entry;
  }
  return found;
}

function readTokensFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw MlgymError.fromIssue({
      code: 'CONFIG_FILE_NOT_FOUND',
      file,
      problem: `the tokens file cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
      hint: 'Create it with lines from `ml_board_token new --scope read`',
    });
  }
}

/**
 * The token scheme of the MLboard endpoints. Tokens come from `--auth_token` (admin) and a tokens file; only
 * their sha256 digests are kept. Without any token everything is open (loopback use, the original clients).
 */
export function createAccessControl(options: AccessControlOptions = {}): AccessControl {
  const log = options.log ?? (() => undefined);
  const single: TokenEntry[] =
    options.token === undefined || options.token === ''
      ? []
      : [{ digest: tokenDigest(options.token), identity: { name: null, scope: 'admin', grid_searches: null } }];
  const file = options.tokensFile;
  const fileText = file === undefined ? '' : readTokensFile(file);
  let fromFile: TokenEntry[] = file === undefined ? [] : parseTokensFile(fileText, file);
  const authRequired = single.length > 0 || file !== undefined;
  const publicReads = options.publicReads ?? false;
  const listeners = new Set<() => void>();

  const watching =
    file === undefined
      ? undefined
      : watchTokensFile(file, fileText, {
          apply: (entries) => {
            fromFile = entries;
            log(`tokens file ${file}: reloaded, ${entries.length} token(s)`);
            for (const listener of listeners) listener();
          },
          refuse: (reason) => log(`tokens file ${file}: ${reason}; the ${fromFile.length} token(s) loaded before stay`),
        });

  function authenticate(token: string | undefined): AccessResult {
    if (!authRequired) return { ok: true, principal: OPEN };
    if (token === undefined || token === '') {
      return publicReads
        ? { ok: true, principal: PUBLIC_READER }
        : { ok: false, code: 'AUTH_REQUIRED', message: REQUIRED_MESSAGE };
    }
    const entry = token.length > MAX_TOKEN_LENGTH ? undefined : (lookup(single, token) ?? lookup(fromFile, token));
    if (!entry) return { ok: false, code: 'AUTH_INVALID', message: INVALID_MESSAGE };
    return { ok: true, principal: { ...entry.identity, anonymous: false } };
  }

  function authorize(
    principal: Principal,
    need: TokenScope,
    gridSearchId?: string,
    what = 'do this',
  ): AccessRefusal | undefined {
    if (!scopeAllows(principal.scope, need)) {
      if (principal.anonymous) {
        return {
          code: 'AUTH_REQUIRED',
          message: `to ${what} send a token with the ${need} scope (only reads are public)`,
        };
      }
      return {
        code: 'AUTH_FORBIDDEN',
        message: `${who(principal)} has the ${principal.scope} scope; to ${what} it needs ${need}`,
      };
    }
    if (gridSearchId !== undefined && !gridSearchMatcher(principal.grid_searches)(gridSearchId)) {
      return {
        code: 'AUTH_FORBIDDEN',
        message: `${who(principal)} is limited to the grid searches ${(principal.grid_searches ?? []).join(', ')}; ${gridSearchId} is not one of them`,
      };
    }
    return undefined;
  }

  return {
    authRequired,
    publicReads,
    authenticate,
    authorize,
    check(token, need, gridSearchId, what) {
      const result = authenticate(token);
      if (!result.ok) return result;
      const refusal = authorize(result.principal, need, gridSearchId, what);
      return refusal ? { ok: false, ...refusal } : result;
    },
    mayRead: (principal, gridSearchId) => gridSearchMatcher(principal.grid_searches)(gridSearchId),
    whoami(token) {
      if (!authRequired)
        return { auth_required: false, public_reads: true, name: null, scope: 'admin', grid_searches: null };
      const result = token === undefined || token === '' ? undefined : authenticate(token);
      const identity = result?.ok ? result.principal : undefined;
      return {
        auth_required: true,
        public_reads: publicReads,
        name: identity?.name ?? null,
        scope: identity?.scope ?? null,
        grid_searches: identity?.grid_searches ?? null,
      };
    },
    reload: () => watching?.reload() ?? Promise.resolve(true),
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      watching?.close();
      listeners.clear();
    },
  };
}
