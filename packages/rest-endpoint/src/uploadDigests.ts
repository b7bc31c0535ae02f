import type { IncomingHttpHeaders } from 'node:http';
import type { ExpectedDigest } from '@mlgym/storage';
import { badRequest } from './httpErrors.js';

const HEX = { sha256: 64, sha512: 128 } as const;
const ALGORITHMS: Record<string, ExpectedDigest['algorithm']> = { 'sha-256': 'sha256', 'sha-512': 'sha512' };

function fromBase64(text: string, algorithm: ExpectedDigest['algorithm'], source: string): string {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length * 2 !== HEX[algorithm] || bytes.toString('base64') !== text) {
    throw badRequest(`${source} holds ${JSON.stringify(text)}`, `the base64 of a ${algorithm} digest`);
  }
  return bytes.toString('hex');
}

/**
 * The digests an upload declares for its body: `X-Checksum-Sha256` (hex or base64) and the RFC 9530
 * fields `Repr-Digest` / `Content-Digest` (`sha-256=:…:`, `sha-512=:…:`; other algorithms are
 * ignored). A malformed field is refused here; a wrong one is refused once the body is hashed,
 * before anything is stored.
 */
export function declaredDigests(headers: IncomingHttpHeaders): ExpectedDigest[] {
  const out: ExpectedDigest[] = [];
  const checksum = headers['x-checksum-sha256'];
  if (typeof checksum === 'string') {
    const value = checksum.trim();
    const hex = /^[0-9a-fA-F]{64}$/.test(value)
      ? value.toLowerCase()
      : fromBase64(value, 'sha256', 'X-Checksum-Sha256');
    out.push({ algorithm: 'sha256', hex, source: 'X-Checksum-Sha256' });
  }
  for (const field of ['repr-digest', 'content-digest'] as const) {
    const value = headers[field];
    if (typeof value !== 'string') continue;
    const source = field === 'repr-digest' ? 'Repr-Digest' : 'Content-Digest';
    for (const member of value.split(',')) {
      const match = /^\s*([A-Za-z0-9-]+)\s*=\s*:([A-Za-z0-9+/=]*):\s*$/.exec(member);
      if (!match) throw badRequest(`${source} ${JSON.stringify(value)} is malformed`, 'e.g. sha-256=:<base64>:');
      const algorithm = ALGORITHMS[(match[1] as string).toLowerCase()];
      if (algorithm) out.push({ algorithm, hex: fromBase64(match[2] as string, algorithm, source), source });
    }
  }
  return out;
}
