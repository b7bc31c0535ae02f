/** What the downloaded model card is made of: the page's CSS and a static copy of the card's markup. */
export interface ModelCardDocument {
  experimentId: number;
  gridSearchId: string;
  /** Every CSS rule the page uses (MUI/emotion injects them at run time). */
  css: string;
  /** The card's markup with charts as `<img src="data:image/png…">` and the graph as inline SVG. */
  body: string;
  /** When the file was made (shown in its footer). */
  generatedAt: string;
}

export function modelCardFileName(experimentId: number): string {
  return `Experiment_${experimentId}_ModelCard.html`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * One self-contained HTML file. Its Content-Security-Policy allows nothing from the network (only
 * inline styles and data: images), so it looks the same offline as online and cannot call home.
 */
export function composeModelCardHtml(doc: ModelCardDocument): string {
  const title = `Experiment_${doc.experimentId}_ModelCard`;
  // A stray "</style" inside a rule would end the style element early.
  const css = doc.css.replace(/<\/style/gi, '<\\/style');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
${css}
body { margin: 0; padding: 24px; background: #f6f7f9; }
.mlboard-export-footer { color: #666; font: 12px system-ui, sans-serif; margin-top: 24px; }
</style>
</head>
<body>
<main data-model-card-export="${doc.experimentId}">
${doc.body}
</main>
<p class="mlboard-export-footer">Model card of experiment ${doc.experimentId} of grid search ${escapeHtml(doc.gridSearchId)}, exported from MLboard on ${escapeHtml(doc.generatedAt)}.</p>
</body>
</html>
`;
}

/** URLs a document would fetch (src/href/url() pointing outside itself); empty for a self-contained file. */
export function externalReferences(html: string): string[] {
  const out: string[] = [];
  const patterns = [/\b(?:src|href|srcset|poster|data)\s*=\s*["']?\s*([^"'\s>]+)/gi, /url\(\s*["']?([^"')]+)/gi];
  for (const p of patterns)
    for (const m of html.matchAll(p)) {
      const target = (m[1] ?? '').trim();
      if (target === '' || /^(data:|#)/i.test(target)) continue;
      out.push(target);
    }
  return out;
}
