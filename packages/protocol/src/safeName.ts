import { z } from 'zod';

/**
 * A grid-search id doubles as a folder name in the event storage, so it must be a safe name:
 * no separators, no `..`, no control characters.
 */
export const SafeNameSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, {
    error: 'expected a safe name: letters, digits, "_", "-", "." (not starting with "." and without "/")',
  })
  .refine((s) => !s.includes('..'), { error: 'must not contain ".."' });
