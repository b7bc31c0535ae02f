import { createHash, randomBytes } from 'node:crypto';
import { appendFile, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { io as connect } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import type { MlgymEvent, PublishAck } from '@mlgym/protocol';
import type { EventSink } from './eventSink.js';

export interface WebsocketReporterOptions {
  /** `websocket_logging_servers`: every event goes to each of them. */
  servers: readonly string[];
  /** Folder for spool files; events are written here before they are sent. */
  spoolDir: string;
  /** Events per message. @default 500 */
  batchSize?: number;
  /** How long emitted events may wait before being spooled and sent. @default 50 */
  flushIntervalMs?: number;
  /** How long to wait for a server's acknowledgement before re-sending. @default 10000 */
  ackTimeoutMs?: number;
  /** Called with problems worth a line in the log (never throws into training). */
  warn?: (text: string) => void;
  /** Bearer token for servers that have tokens (`logging.auth_token`, ML_BOARD_AUTH_TOKEN): needs the write scope. */
  authToken?: string | undefined;
  /** How long to wait before connecting again after a server refused the token (its tokens file may change). @default 5000 */
  authRetryMs?: number;
}

interface Link {
  url: string;
  socket: Socket;
  /** Number of spooled events this server has acknowledged. */
  acked: number;
  sending: boolean;
  cursorFile: string;
  /** The last refusal code told to the log: each is said once, not at every retry. */
  refused?: string | undefined;
}

/** The codes of a server refusing this publisher's token: waiting helps only if its tokens change. */
const AUTH_CODES = new Set(['AUTH_REQUIRED', 'AUTH_INVALID', 'AUTH_FORBIDDEN', 'HOST_NOT_ALLOWED']);

const PUBLISHER_JOIN = {
  client_id: 'mlgym_streamed_logger',
  rooms: ['mlgym_event_publishers', 'mlgym_streamed_logger'],
};

function serverKey(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 12);
}

/**
 * Sends events to MLboard websocket servers off the training hot path. Events are spooled to a
 * local JSONL file first and sent in order in batches with per-publisher sequence numbers; a server
 * that is down or restarting gets them when it is back, and the server stores re-sent events once.
 */
export class WebsocketReporter implements EventSink {
  readonly publisherId: string;
  private readonly spoolFile: string;
  private readonly lines: string[] = [];
  private queue: string[] = [];
  private spooling: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private readonly links: Link[];
  private readonly waiters = new Set<() => void>();
  private closed = false;

  private constructor(
    private readonly options: WebsocketReporterOptions,
    publisherId: string,
  ) {
    this.publisherId = publisherId;
    this.spoolFile = join(options.spoolDir, `${publisherId}.jsonl`);
    this.links = options.servers.map((url) => this.link(url));
  }

  /** Creates the spool folder and connects to every server (without waiting for them). */
  static async create(options: WebsocketReporterOptions, publisherId?: string): Promise<WebsocketReporter> {
    await mkdir(options.spoolDir, { recursive: true });
    const id =
      publisherId ?? `p${process.pid}-${hostname().replace(/[^A-Za-z0-9]/g, '')}-${randomBytes(4).toString('hex')}`;
    const reporter = new WebsocketReporter(options, id);
    await reporter.resume();
    return reporter;
  }

  /** Picks up a spool left by an earlier reporter with the same publisher id (a restarted process). */
  private async resume(): Promise<void> {
    const text = await readFile(this.spoolFile, 'utf8').catch(() => '');
    for (const line of text.split('\n')) if (line) this.lines.push(line);
    for (const link of this.links) {
      const cursor = Number(await readFile(link.cursorFile, 'utf8').catch(() => '0'));
      link.acked = Number.isInteger(cursor) && cursor >= 0 ? Math.min(cursor, this.lines.length) : 0;
      this.pump(link);
    }
  }

  private link(url: string): Link {
    const token = this.options.authToken;
    const socket = connect(url, {
      transports: ['websocket'],
      reconnectionDelayMax: 2000,
      ...(token ? { auth: { token } } : {}),
    });
    const link: Link = {
      url,
      socket,
      acked: 0,
      sending: false,
      cursorFile: join(this.options.spoolDir, `${this.publisherId}.${serverKey(url)}.cursor`),
    };
    socket.on('connect', () => {
      link.refused = undefined;
      socket.emit('join', PUBLISHER_JOIN);
      this.pump(link);
    });
    // A refused handshake is not retried by socket.io itself; the events wait in the spool meanwhile.
    socket.on('connect_error', (error: Error & { data?: { code?: unknown; message?: unknown } }) => {
      const code = typeof error.data?.code === 'string' ? error.data.code : undefined;
      if (code === undefined || !AUTH_CODES.has(code)) return;
      this.refusedBy(link, code, String(error.data?.message ?? error.message));
      setTimeout(() => {
        if (!this.closed && !socket.connected) socket.connect();
      }, this.options.authRetryMs ?? 5000).unref();
    });
    return link;
  }

  private refusedBy(link: Link, code: string, message: string): void {
    if (link.refused === code) return;
    link.refused = code;
    const hint = this.options.authToken
      ? 'check the token (logging.auth_token or ML_BOARD_AUTH_TOKEN) and its scope'
      : 'set logging.auth_token or ML_BOARD_AUTH_TOKEN to a token with the write scope';
    this.options.warn?.(
      `mlgym reporter: ${link.url} refused this run's events (${code}: ${message}); ${hint}. They are kept in ${this.spoolFile} and sent once it accepts them`,
    );
  }

  emit(event: MlgymEvent): void {
    if (this.closed) return;
    this.queue.push(JSON.stringify(event));
    if (this.queue.length >= (this.options.batchSize ?? 500)) this.spool();
    else this.timer ??= setTimeout(() => this.spool(), this.options.flushIntervalMs ?? 50).unref();
  }

  /** Moves queued events into the spool file, then lets every server link send. */
  private spool(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return this.spooling;
    this.spooling = this.spooling.then(async () => {
      try {
        await appendFile(this.spoolFile, `${batch.join('\n')}\n`);
      } catch (error) {
        this.options.warn?.(`mlgym reporter: cannot write the spool ${this.spoolFile}: ${(error as Error).message}`);
      }
      this.lines.push(...batch);
      for (const link of this.links) this.pump(link);
    });
    return this.spooling;
  }

  private pump(link: Link): void {
    if (link.sending || !link.socket.connected || link.acked >= this.lines.length) {
      this.notify();
      return;
    }
    link.sending = true;
    const first = link.acked;
    const events = this.lines
      .slice(first, first + (this.options.batchSize ?? 500))
      .map((l) => JSON.parse(l) as unknown);
    link.socket
      .timeout(this.options.ackTimeoutMs ?? 10_000)
      .emit(
        'mlgym_events',
        { publisher_id: this.publisherId, first_seq: first, events },
        (error: Error | null, ack?: PublishAck) => {
          link.sending = false;
          if (!error && ack?.ok) {
            link.acked = Math.max(link.acked, first + events.length);
            void writeFile(link.cursorFile, String(link.acked)).catch(() => undefined);
            this.pump(link);
          } else if (ack && !ack.ok && (ack.code === 'EVENT_INVALID' || ack.code === 'PAYLOAD_TOO_LARGE')) {
            // The server will never take this batch; skip it rather than block every later event.
            this.options.warn?.(
              `mlgym reporter: ${link.url} refused events ${first}..${first + events.length - 1}: ${ack.message}`,
            );
            link.acked = first + events.length;
            this.pump(link);
          } else {
            // Timeout, disconnect, a refused token or a storage problem: try again shortly (re-sending is safe).
            const refused = ack !== undefined && !ack.ok && AUTH_CODES.has(ack.code);
            if (refused) this.refusedBy(link, ack.code, ack.message);
            setTimeout(() => this.pump(link), refused ? (this.options.authRetryMs ?? 5000) : 500).unref();
          }
        },
      );
  }

  private notify(): void {
    for (const waiter of this.waiters) waiter();
  }

  private settled(): boolean {
    return this.queue.length === 0 && this.links.every((l) => l.acked >= this.lines.length);
  }

  async flush(timeoutMs = 10_000): Promise<boolean> {
    await this.spool();
    if (this.settled()) return true;
    return new Promise<boolean>((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(check);
        resolve(ok);
      };
      const check = () => {
        if (this.settled()) done(true);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiters.add(check);
      for (const link of this.links) this.pump(link);
    });
  }

  /** Flushes (bounded by `timeoutMs`); the spool stays on disk if some server has not got everything. */
  async close(timeoutMs = 5000): Promise<void> {
    const complete = await this.flush(timeoutMs);
    this.closed = true;
    for (const link of this.links) link.socket.close();
    if (complete) {
      await rm(this.spoolFile, { force: true });
      for (const link of this.links) await rm(link.cursorFile, { force: true });
    } else {
      this.options.warn?.(`mlgym reporter: some events could not be delivered yet; they stay in ${this.spoolFile}`);
    }
  }

  /** Publisher ids with a spool left in `spoolDir` (e.g. by a killed process), to re-send with `create`. */
  static async leftovers(spoolDir: string): Promise<string[]> {
    const files = await readdir(spoolDir).catch(() => []);
    return files.filter((f) => f.endsWith('.jsonl')).map((f) => f.slice(0, -'.jsonl'.length));
  }
}
