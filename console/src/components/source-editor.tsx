import { useId, useRef, useState } from 'react';
import { describeError, OmsProblemError } from '../api/http.ts';

/** Where a compile error is: 1-based line, 0-based column (as the API reports, from esbuild). */
export interface CompileIssue {
  line: number;
  column: number;
  message: string;
}

/** The compile errors of a STRATEGY_COMPILE_ERROR answer; none for any other failure. */
export function compileIssues(error: unknown): CompileIssue[] {
  if (!(error instanceof OmsProblemError) || error.code !== 'STRATEGY_COMPILE_ERROR') return [];
  const errors = error.problem.errors;
  if (!Array.isArray(errors)) return [];
  return errors.flatMap((e: unknown) => {
    const { line, column, message } = (e ?? {}) as Record<string, unknown>;
    return typeof line === 'number' && typeof message === 'string'
      ? [{ line, column: typeof column === 'number' ? column : 0, message }]
      : [];
  });
}

/**
 * The outcome of an upload: the compile errors to show at their lines, the problem's detail, or
 * the notice `upload` returns on success.
 */
export function useUpload() {
  const [issues, setIssues] = useState<CompileIssue[]>([]);
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const run = async (upload: () => Promise<string>) => {
    setError(undefined);
    setNotice(undefined);
    setIssues([]);
    try {
      setNotice(await upload());
    } catch (e) {
      setIssues(compileIssues(e));
      setError(describeError(e));
    }
  };
  return { issues, error, notice, run };
}

/** Offsets of the start and end of a 1-based line in `text`. */
function lineBounds(text: string, line: number): [number, number] {
  let start = 0;
  for (let n = 1; n < line; n++) {
    const next = text.indexOf('\n', start);
    if (next < 0) return [text.length, text.length];
    start = next + 1;
  }
  const end = text.indexOf('\n', start);
  return [start, end < 0 ? text.length : end];
}

/**
 * A strategy's source with its compile errors shown at their line: each error quotes its line
 * with a caret under the column, and "Go to line" puts the cursor there.
 */
export function SourceEditor({
  label,
  value,
  onChange,
  issues,
}: {
  label: string;
  value: string;
  onChange: (source: string) => void;
  issues: readonly CompileIssue[];
}) {
  const area = useRef<HTMLTextAreaElement>(null);
  const errorsId = useId();
  const lines = value.split('\n');

  const goTo = (issue: CompileIssue) => {
    const [start, end] = lineBounds(value, issue.line);
    const at = Math.min(start + issue.column, end);
    area.current?.focus();
    area.current?.setSelectionRange(at, end);
  };

  return (
    <div className="source">
      <label>
        {label}
        <textarea
          ref={area}
          name="source"
          required
          rows={14}
          spellCheck={false}
          value={value}
          onChange={(e) => onChange(e.target.value)}
          aria-invalid={issues.length > 0 || undefined}
          aria-describedby={issues.length > 0 ? errorsId : undefined}
        />
      </label>
      {issues.length > 0 && (
        <div id={errorsId} className="compile-errors">
          <p>
            {issues.length === 1 ? 'One compile error' : `${issues.length} compile errors`} in the source:
          </p>
          <ol>
            {issues.map((issue, i) => {
              const text = lines[issue.line - 1] ?? '';
              const gutter = `${issue.line} | `;
              return (
                <li key={i} data-line={issue.line}>
                  <strong>
                    Line {issue.line}, column {issue.column + 1}:
                  </strong>{' '}
                  {issue.message}{' '}
                  <button type="button" className="link" onClick={() => goTo(issue)}>
                    Go to line {issue.line}
                  </button>
                  <pre aria-hidden="true">
                    {gutter}
                    {text}
                    {'\n'}
                    {' '.repeat(gutter.length + issue.column)}^
                  </pre>
                </li>
              );
            })}
          </ol>
        </div>
      )}
    </div>
  );
}
