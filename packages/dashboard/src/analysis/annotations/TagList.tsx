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
export function TagList({ tags, empty }: { tags: readonly string[]; empty?: string }) {
  if (tags.length === 0) return empty ? <span style={{ color: '#757575', fontSize: 13 }}>{empty}</span> : null;
  return (
    <span style={{ display: 'inline-flex', flexWrap: 'wrap', gap: 4, alignItems: 'center' }} data-testid="tags">
      {tags.map((tag) => (
        <span key={tag} data-tag={tag} style={{ ...TAG_STYLE, background: tagColor(tag) }}>
          {isolateBidi(tag)}
        </span>
      ))}
    </span>
  );
}
