import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatLocalTime, formatPercent } from './timeFormat';

describe('timeFormat', () => {
  it('writes local times with a 24-hour clock, minutes and whole seconds', () => {
    // 15:07:09 local time on 2026-11-27, whatever the test machine's zone is.
    const local = new Date(2026, 10, 27, 15, 7, 9).getTime() / 1000;
    expect(formatLocalTime(local)).toBe('2026-11-27 15:07:09');
    expect(formatLocalTime(local + 0.8)).toBe('2026-11-27 15:07:09');
    expect(formatLocalTime(-1)).toBe('--');
    expect(formatLocalTime(undefined)).toBe('--');
  });

  it('writes durations, percentages and sizes for people', () => {
    expect(formatDuration(6.24)).toBe('6.2 s');
    expect(formatDuration(245)).toBe('4 min 05 s');
    expect(formatDuration(3723)).toBe('1 h 02 min 03 s');
    expect(formatPercent(2 / 3)).toBe('67 %');
    expect(formatPercent(1)).toBe('100 %');
    expect(formatPercent(null)).toBe('--');
    expect(formatBytes(910)).toBe('910 B');
    expect(formatBytes(2153)).toBe('2.1 KiB');
  });
});
