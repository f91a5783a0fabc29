import { PayloadTooLargeError, ValidationError } from '../../core/errors.ts';

/** The largest JSON body a route accepts (characters), far above any real request. */
export const MAX_JSON_CHARS = 1024 * 1024;
/** The deepest nesting of arrays and objects accepted; real bodies need fewer than ten levels. */
export const MAX_JSON_DEPTH = 32;

/**
 * Refuses a JSON text that is too large or nested too deep before it is parsed: deep nesting makes
 * the parser and the validators recurse until the stack overflows (a 500), and size costs memory.
 * One pass over the text, skipping strings, so the check itself cannot be made expensive.
 */
export function checkJsonShape(text: string): void {
  if (text.length > MAX_JSON_CHARS) throw new PayloadTooLargeError(MAX_JSON_CHARS);
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > MAX_JSON_DEPTH)
        throw new ValidationError(`The body nests deeper than ${MAX_JSON_DEPTH} levels`, [
          { path: 'body', message: 'too deeply nested' },
        ]);
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
}
