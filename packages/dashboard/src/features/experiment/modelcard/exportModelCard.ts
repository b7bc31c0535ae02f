import { saveText } from '../../../shared/saveFile';
import { composeModelCardHtml, modelCardFileName } from './modelCardHtml';

/** Every CSS rule of the page (emotion inserts MUI's rules through the CSSOM, so <style> text is not enough). */
function pageCss(): string {
  const parts: string[] = [];
  for (const sheet of Array.from(document.styleSheets)) {
    try {
      for (const rule of Array.from(sheet.cssRules)) parts.push(rule.cssText);
    } catch {
      // a cross-origin sheet cannot be read (the app loads none)
    }
  }
  return parts.join('\n');
}

/**
 * A static copy of the rendered card: charts become PNG images, every folded part is opened,
 * controls that do nothing offline are dropped. Returns the markup.
 */
export function snapshotCard(root: HTMLElement): string {
  const clone = root.cloneNode(true) as HTMLElement;
  const live = Array.from(root.querySelectorAll('canvas'));
  Array.from(clone.querySelectorAll('canvas')).forEach((canvas, i) => {
    const source = live[i];
    const img = document.createElement('img');
    img.src = source ? source.toDataURL('image/png') : '';
    img.alt = source?.getAttribute('aria-label') ?? 'chart';
    img.setAttribute('role', 'img');
    img.style.width = '100%';
    img.style.height = 'auto';
    canvas.replaceWith(img);
  });
  clone.querySelectorAll('[data-export="omit"]').forEach((e) => e.remove());
  clone.querySelectorAll('details').forEach((d) => d.setAttribute('open', ''));
  // MUI hides collapsed accordion content; the file shows everything.
  clone.querySelectorAll<HTMLElement>('.MuiCollapse-root').forEach((c) => {
    c.style.height = 'auto';
    c.style.visibility = 'visible';
  });
  return clone.outerHTML;
}

/** Saves `Experiment_<N>_ModelCard.html`: one file with styles, chart images and the SVG graph. */
export function downloadModelCard(root: HTMLElement, experimentId: number, gridSearchId: string): string {
  const html = composeModelCardHtml({
    experimentId,
    gridSearchId,
    css: pageCss(),
    body: snapshotCard(root),
    generatedAt: new Date().toLocaleString(undefined, { hour12: false }),
  });
  saveText(html, modelCardFileName(experimentId), 'text/html');
  return html;
}
