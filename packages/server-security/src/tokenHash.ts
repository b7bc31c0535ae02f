import { createHash, randomBytes } from 'node:crypto';

/** How a hashed token is written in a tokens file: `sha256:` and 64 lowercase hex digits. */
export const HASH_PREFIX = 'sha256:';
const HASHED = /^sha256:([0-9a-fA-F]{64})$/;

/** The sha256 of a token: what is kept in memory and compared, whether the file held the token or its hash. */
export function tokenDigest(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

/** `sha256:<hex>`: a token as it may be stored in a tokens file without giving it away. */
export function hashToken(token: string): string {
  return `${HASH_PREFIX}${tokenDigest(token).toString('hex')}`;
}

/** The digest a `sha256:<hex>` field names, or undefined when the field is not written that way. */
export function digestOfHashed(field: string): Buffer | undefined {
  const hex = HASHED.exec(field)?.[1];
  return hex === undefined ? undefined : Buffer.from(hex.toLowerCase(), 'hex');
}

/**
 * A new random token: 256 bits, base64url, with a prefix that says what it is (secret scanners and people
 * reading a leaked line recognise it). Random tokens make a plain sha256 a sound way to store them.
 */
export function newToken(): string {
  return `mlb_${randomBytes(32).toString('base64url')}`;
}
