import { createHash } from 'node:crypto';
import type { Plugin } from 'vite';

/**
 * The report page's policy: nothing is fetched from anywhere (no `connect-src`, images and fonts only from
 * `data:`/`blob:` URLs), and the one script that runs is the inline one whose hash the build writes here. The
 * report's data sits in an element of another type, which is data and never runs.
 */
export function reportPolicy(scriptHash: string): string {
  return [
    "default-src 'none'",
    `script-src '${scriptHash}'`,
    "style-src 'unsafe-inline'",
    'img-src data: blob:',
    'font-src data:',
    "connect-src 'none'",
    "worker-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** Inline script text must not end its element early nor open an HTML comment there. */
export function inlineSafe(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/**
 * Makes the report build one file: the entry chunk and the stylesheet go inside `report.html` (a file opened from
 * file:// may load no module script of its own), and the page's Content-Security-Policy names the inline script
 * by its sha256. Meant for a build with one chunk (no code splitting) and every asset inlined.
 */
export function singleFileReport(
  htmlName = 'report.html',
  policyPlaceholder = '@@MLGYM_REPORT_CSP@@',
  dataPlaceholder = '@@MLGYM_REPORT_DATA@@',
): Plugin {
  return {
    name: 'mlgym:single-file-report',
    apply: 'build',
    enforce: 'post',
    // after Vite's own generateBundle hooks, which still rewrite the chunks (preload markers)
    generateBundle: {
      order: 'post',
      handler(_options, bundle) {
        const html = bundle[htmlName];
        if (!html || html.type !== 'asset') this.error(`the report build has no ${htmlName}`);
        let text = String(html.source);
        let script = '';
        for (const [name, item] of Object.entries(bundle)) {
          if (item.type === 'chunk') {
            if (!item.isEntry) this.error(`the report must be one chunk; ${name} was split off (a dynamic import?)`);
            script = inlineSafe(item.code);
            const tag = new RegExp(`<script[^>]*src="[^"]*${escape(name)}"[^>]*></script>`);
            if (!tag.test(text)) this.error(`no script tag for ${name} in ${htmlName}`);
            text = text.replace(tag, () => `<script type="module">${script}</script>`);
            delete bundle[name];
          } else if (name.endsWith('.css')) {
            const tag = new RegExp(`<link[^>]*href="[^"]*${escape(name)}"[^>]*>`);
            text = text.replace(tag, () => `<style>${String(item.source)}</style>`);
            delete bundle[name];
          }
        }
        if (!script) this.error('the report build has no script');
        // modulepreload links for chunks that were inlined
        text = text.replace(/<link rel="modulepreload"[^>]*>/g, '');
        // the export fills the data at the placeholder's last place: the data element must follow the script
        const scriptEnd = text.indexOf(script) + script.length;
        if (text.lastIndexOf(dataPlaceholder) < scriptEnd) {
          this.error(`${htmlName}: the data element (${dataPlaceholder}) must come after the inline script`);
        }
        const hash = `sha256-${createHash('sha256').update(script).digest('base64')}`;
        if (!text.includes(policyPlaceholder)) this.error(`${htmlName} has no ${policyPlaceholder}`);
        html.source = text.replace(policyPlaceholder, () => reportPolicy(hash));
      },
    },
  };
}

function escape(name: string): string {
  return name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
