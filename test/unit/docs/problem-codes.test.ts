/**
 * The OpenAPI document enumerates every problem code: this scans the sources for the codes errors
 * are built with, so a new error class cannot ship without its code in PROBLEM_CODES.
 */
import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PROBLEM_CODES } from '../../../functions/docs/problem-codes.ts';
import { AUTH_FAILURES } from '../../../core/access/errors.ts';

const ROOTS = ['core', 'adapters', 'functions', 'local'];

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

/** Codes given to errors: `readonly code = 'X'`, `super('X', …)`, `NotFoundError(…, 'X')`, `problem(404, 'X', …)`. */
function codesIn(text: string): string[] {
  const patterns = [
    /readonly code = '([A-Z][A-Z0-9_]+)'/g,
    /super\(\s*'([A-Z][A-Z0-9_]+)'/g,
    /super\([^)]*?,\s*'([A-Z][A-Z0-9_]+)'\s*\)/g,
    /(?:ConflictError|NotFoundError)\([^)]*?'([A-Z][A-Z0-9_]+)'/g,
    /(?:problem|sendProblem)\([^)]*?\d{3},\s*'([A-Z][A-Z0-9_]+)'/g,
  ];
  return patterns.flatMap((p) => [...text.matchAll(p)].map((m) => m[1]!));
}

// Codes that never reach an HTTP answer: local tooling, the bridge's own, and the reasons inside a 401.
const NOT_PROBLEMS = new Set<string>([
  'JAVA_MISSING',
  'EVENT_PATTERN_INVALID',
  'CONNECTION_LEASE_LOST',
  ...AUTH_FAILURES,
]);

describe('problem codes', () => {
  test('every code an error is built with is enumerated', () => {
    const found = new Set(ROOTS.flatMap((r) => sources(r)).flatMap((f) => codesIn(readFileSync(f, 'utf8'))));
    expect(found.size).toBeGreaterThan(20);
    const missing = [...found].filter(
      (c) => !NOT_PROBLEMS.has(c) && !(PROBLEM_CODES as readonly string[]).includes(c),
    );
    expect(missing).toEqual([]);
  });

  test('no code is listed twice', () => {
    expect(new Set(PROBLEM_CODES).size).toBe(PROBLEM_CODES.length);
  });
});
