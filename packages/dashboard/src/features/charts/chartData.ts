/** `val_F1_SCORE_macro` → `val f1 score macro`, the original's chart titles. */
export function chartTitle(key: string): string {
  return key.toLowerCase().replace(/_/g, ' ');
}
