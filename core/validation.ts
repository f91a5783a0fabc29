import type * as z from 'zod';
import type { FieldIssue } from './errors.ts';

/** zod issues as the field list a problem response carries. */
export function zodIssues(error: z.ZodError, root: string): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: [root, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}
