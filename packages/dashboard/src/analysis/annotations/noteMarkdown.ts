import MarkdownIt from 'markdown-it';

/**
 * Notes are Markdown rendered safely: raw HTML is text (`html: false` escapes `<script>` and `<img onerror>`), links
 * are followed only to http(s) (anything else stays plain text) and open in a new tab without the board as opener,
 * and images are not rendered at all (they would load from anywhere, and the report makes no network request).
 */
const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: true }).disable('image');

markdown.validateLink = (url: string) => /^https?:\/\//i.test(url.trim());

// links open in a new tab, without the board as their opener (the renderer's own signature has five parameters)
const renderer = markdown.renderer;
const linkOpen = renderer.rules['link_open'];
renderer.rules['link_open'] = (...args: Parameters<NonNullable<typeof linkOpen>>) => {
  const [tokens, idx, options, , self] = args;
  const token = tokens[idx];
  token?.attrSet('target', '_blank');
  token?.attrSet('rel', 'noopener noreferrer nofollow');
  return linkOpen ? linkOpen(...args) : self.renderToken(tokens, idx, options);
};

/** A note as HTML that holds no element the note's text did not come from Markdown syntax. */
export function renderNote(text: string): string {
  return markdown.render(text);
}
