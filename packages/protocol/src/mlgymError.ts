/**
 * The closed set of error codes used across mlgym. Every transport maps codes to its own
 * representation in one table (REST: HTTP status, websocket: `{code, message}` payloads).
 */
export const ERROR_CODES = [
  'CONFIG_FILE_NOT_FOUND',
  'CONFIG_PARSE_ERROR',
  'CONFIG_INVALID',
  'UNKNOWN_RUN_TYPE',
  'UNKNOWN_ENVIRONMENT_TYPE',
  'UNKNOWN_VALIDATION_MODE',
  'UNKNOWN_COMPONENT_TYPE',
  'UNKNOWN_VARIANT',
  'DUPLICATE_REGISTRATION',
  'MISSING_COMPONENT',
  'MISSING_REQUIREMENT',
  'COMPONENT_CYCLE',
  'SUBSCRIPTION_INVALID',
  'SWEEP_INVALID',
  'INJECTABLE_UNKNOWN',
  'COMPONENT_BUILD_FAILED',
  'COMPONENT_NOT_BUILDABLE',
  'DATASET_UNKNOWN',
  'DATA_INVALID',
  'EVENT_INVALID',
  'STORAGE_PATH_UNSAFE',
  'STORAGE_LOCKED',
  'STORAGE_CORRUPT',
  'NOT_FOUND',
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'AUTH_REQUIRED',
  'AUTH_INVALID',
  'AUTH_FORBIDDEN',
  'HOST_NOT_ALLOWED',
  'PAYLOAD_TOO_LARGE',
  'CONFLICT',
  'NETWORK_TIMEOUT',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Where in a source file a problem sits. Lines and columns are 1-based. */
export interface SourceLocation {
  file?: string | undefined;
  line?: number | undefined;
  column?: number | undefined;
}

/** One concrete problem: what was wrong, where, what was found and what was expected. */
export interface MlgymIssue extends SourceLocation {
  code: ErrorCode;
  /** Dotted key path inside the file, e.g. `optimizer.config.params.lr`. */
  keyPath?: string | undefined;
  /** Short statement of the problem, without location (that is added when formatting). */
  problem: string;
  found?: string | undefined;
  expected?: string | undefined;
  /** How to fix it, when there is something better to say than "expected". */
  hint?: string | undefined;
}

export interface MlgymErrorOptions {
  code: ErrorCode;
  message?: string;
  issues?: MlgymIssue[];
  cause?: unknown;
}

/** Formats `file:line:col: key.path: problem (found X; expected Y). hint` */
export function formatIssue(issue: MlgymIssue): string {
  const where = [issue.file, issue.line, issue.column].filter((p) => p !== undefined).join(':');
  const head = [where, issue.keyPath].filter((p) => p !== undefined && p !== '').join(': ');
  const detail: string[] = [];
  if (issue.found !== undefined) detail.push(`found ${issue.found}`);
  if (issue.expected !== undefined) detail.push(`expected ${issue.expected}`);
  let text = head ? `${head}: ${issue.problem}` : issue.problem;
  if (detail.length > 0) text += ` (${detail.join('; ')})`;
  if (issue.hint) text += `. ${issue.hint}`;
  return text;
}

const MAX_LISTED_ISSUES = 25;

/** The one error class of mlgym. `code` is from a closed set; `issues` carry per-location detail. */
export class MlgymError extends Error {
  override readonly name = 'MlgymError';
  readonly code: ErrorCode;
  readonly issues: readonly MlgymIssue[];

  constructor(options: MlgymErrorOptions) {
    const issues = options.issues ?? [];
    super(options.message ?? MlgymError.summarize(issues), { cause: options.cause });
    this.code = options.code;
    this.issues = issues;
  }

  /** Builds an error from a single issue; the message is the formatted issue. */
  static fromIssue(issue: MlgymIssue, cause?: unknown): MlgymError {
    return new MlgymError({ code: issue.code, issues: [issue], cause });
  }

  private static summarize(issues: readonly MlgymIssue[]): string {
    if (issues.length === 0) return 'mlgym error';
    if (issues.length === 1) return formatIssue(issues[0] as MlgymIssue);
    const shown = issues.slice(0, MAX_LISTED_ISSUES).map((i) => `  - ${formatIssue(i)}`);
    const more = issues.length > MAX_LISTED_ISSUES ? [`  … and ${issues.length - MAX_LISTED_ISSUES} more`] : [];
    return [`${issues.length} problems found:`, ...shown, ...more].join('\n');
  }

  /** Plain-data form for transports (websocket acks, REST bodies, logs). */
  toJSON(): { name: string; code: ErrorCode; message: string; issues: readonly MlgymIssue[] } {
    return { name: this.name, code: this.code, message: this.message, issues: this.issues };
  }
}

export function isMlgymError(value: unknown): value is MlgymError {
  return value instanceof MlgymError;
}
