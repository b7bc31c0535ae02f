import { z } from 'zod';

/** What a token may do: `write` includes `read`, `admin` includes both. */
export const TOKEN_SCOPES = ['read', 'write', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** The codes a refusal by the authentication layer carries, over HTTP and in socket.io's `connect_error`. */
export const AUTH_ERROR_CODES = ['AUTH_REQUIRED', 'AUTH_INVALID', 'AUTH_FORBIDDEN', 'HOST_NOT_ALLOWED'] as const;
export type AuthErrorCode = (typeof AUTH_ERROR_CODES)[number];

/** The body of a 401/403 answer and the `data` of a refused socket.io handshake. */
export const authErrorBodySchema = z.object({
  code: z.enum(AUTH_ERROR_CODES),
  message: z.string(),
});
export type AuthErrorBody = z.infer<typeof authErrorBodySchema>;

/** `GET /whoami` on either endpoint: who the sent token (if any) stands for. */
export const whoamiResponseSchema = z.object({
  auth_required: z.boolean(),
  public_reads: z.boolean(),
  name: z.string().nullable(),
  scope: z.enum(TOKEN_SCOPES).nullable(),
  grid_searches: z.array(z.string()).nullable(),
});
export type WhoamiResponse = z.infer<typeof whoamiResponseSchema>;

export const WHOAMI_PATH = '/whoami';
