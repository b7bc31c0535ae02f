import { formatLocalTime } from '../../shared/timeFormat';

/** Label/value lines of a stored `system_info.json` (the training machine), in reading order. */
export function environmentItems(info: Record<string, unknown> | undefined): Array<[string, string]> {
  if (!info) return [];
  const text = (v: unknown) =>
    v === undefined || v === null ? undefined : typeof v === 'string' ? v : JSON.stringify(v);
  const backend = (info['tfjs_backend'] ?? {}) as Record<string, unknown>;
  const lines: Array<[string, string | undefined]> = [
    ['Backend', text(backend['backend'])],
    [
      'Backend package',
      backend['package'] ? `${text(backend['package'])} ${text(backend['version']) ?? ''}`.trim() : undefined,
    ],
    ['Threads', text(backend['threads'])],
    ['SIMD', backend['simd'] === undefined ? undefined : backend['simd'] ? 'yes' : 'no'],
    ['Node.js', text(info['node-version'])],
    ['Python', text(info['python-version'])],
    ['Platform', [text(info['platform']), text(info['platform-release'])].filter(Boolean).join(' ') || undefined],
    ['Architecture', text(info['architecture'])],
    ['Processor', text(info['processor'])],
    ['Cores', text(info['num_processor_cores'])],
    ['RAM', text(info['ram'])],
    ['CUDA devices', text(info['num_cuda_device'])],
    ['Git commit', text(info['git_commit'])],
    ['Command', text(info['entry_point_cmd'])],
    [
      'Captured',
      typeof info['captured_at'] === 'string' && !Number.isNaN(Date.parse(info['captured_at']))
        ? formatLocalTime(Date.parse(info['captured_at']) / 1000)
        : text(info['captured_at']),
    ],
  ];
  const known = new Set([
    'tfjs_backend',
    'node-version',
    'python-version',
    'platform',
    'platform-release',
    'architecture',
    'processor',
    'num_processor_cores',
    'ram',
    'num_cuda_device',
    'git_commit',
    'entry_point_cmd',
    'captured_at',
    'python-packages',
    'cuda_device_list',
  ]);
  for (const [k, v] of Object.entries(info)) if (!known.has(k)) lines.push([k, text(v)]);
  return lines.filter((l): l is [string, string] => l[1] !== undefined && l[1] !== '');
}

/** "wasm on AMD EPYC (2 cores)": what the experiment ran on. */
export function deviceText(info: Record<string, unknown> | undefined): string {
  if (!info) return '--';
  const backend = (info['tfjs_backend'] ?? {}) as Record<string, unknown>;
  const name = typeof backend['backend'] === 'string' ? backend['backend'] : undefined;
  const cpu = typeof info['processor'] === 'string' ? info['processor'] : undefined;
  const cores = typeof info['num_processor_cores'] === 'number' ? ` (${info['num_processor_cores']} cores)` : '';
  if (!name && !cpu) return '--';
  return `${name ?? 'unknown backend'}${cpu ? ` on ${cpu}${cores}` : ''}`;
}
