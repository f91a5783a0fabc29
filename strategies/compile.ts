import { transform, type Message } from 'esbuild-wasm';
import { StrategyCompileError } from '../core/strategies/errors.ts';

/**
 * esbuild-wasm rather than esbuild: the upload functions run on linux-arm64 Lambda, and esbuild's
 * API needs the native binary of the platform it runs on, which a bundle built elsewhere lacks.
 * The WebAssembly build is the same compiler on every platform (slower to start: about a second
 * for its first transform, milliseconds after).
 *
 * Compiles an uploaded TypeScript or JavaScript module to the CommonJS the sandbox loads. Only a
 * syntax transform: nothing is resolved or bundled, so an `import` becomes a `require` that the
 * sandbox does not have, and the strategy fails when it loads.
 */
export async function compileStrategy(source: string): Promise<string> {
  try {
    const out = await transform(source, {
      loader: 'ts',
      format: 'cjs',
      target: 'es2020',
      sourcefile: 'strategy.ts',
      logLevel: 'silent',
    });
    return out.code;
  } catch (error) {
    const messages = (error as { errors?: Message[] }).errors;
    if (!Array.isArray(messages)) throw error;
    throw new StrategyCompileError(
      messages.map((m) => ({
        line: m.location?.line ?? 0,
        column: m.location?.column ?? 0,
        message: m.text,
      })),
    );
  }
}
