/** The MLgym dumbbell in braces, drawn inline: no file to load (a report opened from file:// may load none). */
export function Logo({ height = 40 }: { height?: number }) {
  return (
    <svg
      xmlns="http://www.w3.org/2000/svg"
      viewBox="0 0 64 40"
      height={height}
      width={(height * 64) / 40}
      role="img"
      aria-label="MLgym"
      style={{ display: 'block' }}
    >
      <g fill="none" stroke="#111" strokeWidth={3} strokeLinecap="round">
        <path d="M10 4c-4 0-4 4-4 8s0 6-3 8c3 2 3 4 3 8s0 8 4 8M54 4c4 0 4 4 4 8s0 6 3 8c-3 2-3 4-3 8s0 8-4 8" />
        <path d="M16 20h32M18 11v18M24 14v12M40 14v12M46 11v18" />
      </g>
    </svg>
  );
}
