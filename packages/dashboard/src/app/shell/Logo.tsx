/** The MLgym dumbbell in braces, bundled (no external assets). */
export function Logo({ height = 40 }: { height?: number }) {
  return <img src="/logo.svg" alt="MLgym" height={height} style={{ display: 'block' }} />;
}
