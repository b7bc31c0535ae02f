import { describe, expect, it } from 'vitest';
import { composeModelCardHtml, externalReferences, modelCardFileName } from './modelCardHtml';

describe('modelCardHtml', () => {
  const doc = {
    experimentId: 3,
    gridSearchId: '2026-12-02--04-11-28',
    css: '.a { color: red } .b::after { content: "</style>" }',
    body: '<h2>Model Details</h2><img alt="chart" src="data:image/png;base64,AAAA"><svg><g></g></svg>',
    generatedAt: '2026-12-02 05:00:00',
  };

  it('names the file after the experiment, with an .html extension', () => {
    expect(modelCardFileName(3)).toBe('Experiment_3_ModelCard.html');
  });

  it('is one document with its styles, its markup and a policy that forbids the network', () => {
    const html = composeModelCardHtml(doc);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<title>Experiment_3_ModelCard</title>');
    expect(html).toContain('.a { color: red }');
    expect(html).toContain(doc.body);
    expect(html).toContain("default-src 'none'; img-src data:");
    // The stray closing tag inside the CSS cannot end the style element.
    expect(html.match(/<\/style>/g)).toHaveLength(1);
    expect(externalReferences(html)).toEqual([]);
  });

  it('finds what a document would fetch', () => {
    expect(
      externalReferences(
        '<img src="http://x/a.png"><link href="/main.css"><div style="background:url(https://cdn/x.svg)"><img src="data:,">',
      ),
    ).toEqual(['http://x/a.png', '/main.css', 'https://cdn/x.svg']);
  });
});
