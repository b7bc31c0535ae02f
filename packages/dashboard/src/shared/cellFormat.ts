const pad = (n: number) => String(n).padStart(2, '0');

/** Seconds since 1970 as local `YYYY-MM-DD HH:mm:ss` (the original showed month for minutes). */
export function formatTime(seconds: unknown): string {
  if (typeof seconds !== 'number' || seconds < 0) return '';
  const d = new Date(seconds * 1000);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Progress 0–1 as a whole percentage. */
export function formatPercent(share: unknown): string {
  return typeof share === 'number' ? `${Math.round(share * 100)} %` : '';
}

/** Scores and hyper-parameters: integers as they are, others to 4 significant digits. */
export function formatNumber(value: unknown): string {
  if (typeof value !== 'number') return value === null || value === undefined ? '' : String(value);
  if (Number.isInteger(value)) return String(value);
  const abs = Math.abs(value);
  return abs !== 0 && (abs < 1e-3 || abs >= 1e6) ? value.toExponential(3) : String(Number(value.toPrecision(4)));
}

/** Seconds as `1h 02m 03s` / `2m 03s` / `4.2s`. */
export function formatDuration(seconds: unknown): string {
  if (typeof seconds !== 'number') return '';
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h > 0 ? `${h}h ${pad(m)}m ${pad(s % 60)}s` : `${m}m ${pad(s % 60)}s`;
}
