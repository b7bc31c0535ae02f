/** A TCP port, 0 (a free one) to 65535; commander reports anything else as the option's error. */
export declare function parsePort(value: string): number;
