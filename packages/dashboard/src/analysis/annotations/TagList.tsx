import { isolateBidi } from '../../shared/isolateBidi';
import { tagColor } from './tagColor';

const TAG_STYLE = {
  display: 'inline-flex',
  alignItems: 'center',
  height: 22,
  padding: '0 8px',
  borderRadius: 11,
  fontSize: 12,
  lineHeight: 1,
  color: '#1f2933',
  whiteSpace: 'nowrap',
} as const;

/**
 * Tags as coloured labels. Plain elements, not MUI chips: the table mounts these in every visible row.
 */
export function TagList({ tags, empty, oneLine }: { tags: readonly string[]; empty?: string; oneLine?: boolean }) {
  if (tags.length === 0) return empty ? <span style={{ color: '#757575', fontSize: 13 }}>{empty}</span> : null;
  // in a table cell: one line, cut at the cell's edge, every tag named in the tooltip
  const line = oneLine ? { flexWrap: 'nowrap', overflow: 'hidden', minWidth: 0 } : { flexWrap: 'wrap' };
  return (
    <span
      style={{ display: 'inline-flex', gap: 4, alignItems: 'center', ...line } as const}
      title={oneLine ? tags.join(', ') : undefined}
      data-testid="tags"
    >
      {tags.map((tag) => (
        <span key={tag} data-tag={tag} style={{ ...TAG_STYLE, background: tagColor(tag) }}>
          {isolateBidi(tag)}
        </span>
      ))}
    </span>
  );
}
