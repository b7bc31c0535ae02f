// Option parsers the apps' command lines share (commander calls them with the option's text).
import { InvalidArgumentError } from 'commander';

/** A TCP port, 0 (a free one) to 65535; commander reports anything else as the option's error. */
export function parsePort(value) {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('expected a port number 0-65535');
  return n;
}
