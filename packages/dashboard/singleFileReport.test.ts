import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { inlineSafe, reportPolicy, singleFileReport } from './singleFileReport';

type Bundle = Record<string, { type: 'chunk' | 'asset'; code?: string; source?: string; isEntry?: boolean }>;

function run(bundle: Bundle): string {
  const plugin = singleFileReport();
  const hook = plugin.generateBundle as { handler: (this: unknown, o: unknown, b: Bundle) => void };
  const context = {
    error: (message: string) => {
      throw new Error(message);
    },
  };
  hook.handler.call(context, {}, bundle);
  return String(bundle['report.html']!.source);
}

const html = (body: string) =>
  `<html><head><meta http-equiv="Content-Security-Policy" content="@@MLGYM_REPORT_CSP@@"><script type="module" crossorigin src="./assets/report-abc.js"></script><link rel="stylesheet" crossorigin href="./assets/report-abc.css"></head><body>${body}</body></html>`;

describe('singleFileReport', () => {
  it('puts the script and the styles inside the page, and names the script by its hash in the policy', () => {
    const code = 'console.log("</script><!-- x")';
    const bundle: Bundle = {
      'report.html': {
        type: 'asset',
        source: html('<div id="root"></div><script type="x">@@MLGYM_REPORT_DATA@@</script>'),
      },
      'assets/report-abc.js': { type: 'chunk', code, isEntry: true },
      'assets/report-abc.css': { type: 'asset', source: '.a{color:red}' },
    };
    const out = run(bundle);
    expect(Object.keys(bundle)).toEqual(['report.html']);
    const script = inlineSafe(code);
    expect(script).toBe('console.log("<\\/script><\\!-- x")');
    expect(out).toContain(`<script type="module">${script}</script>`);
    expect(out).toContain('<style>.a{color:red}</style>');
    const hash = `sha256-${createHash('sha256').update(script).digest('base64')}`;
    expect(out).toContain(`content="${reportPolicy(hash)}"`);
    expect(reportPolicy(hash)).toMatch(/default-src 'none'.*connect-src 'none'/);
    expect(out).not.toMatch(/src="\.\/assets/);
  });

  it('refuses a build that split off a chunk, which a file:// page could not load', () => {
    const bundle: Bundle = {
      'report.html': { type: 'asset', source: html('') },
      'assets/report-abc.js': { type: 'chunk', code: 'x', isEntry: true },
      'assets/page-1.js': { type: 'chunk', code: 'y', isEntry: false },
    };
    expect(() => run(bundle)).toThrow(/must be one chunk; assets\/page-1.js was split off/);
  });
});
