import * as path from 'node:path';
import { projectRoot } from '../topology.ts';

/**
 * esbuild's ESM output has no `require`; CommonJS dependencies bundled into it (parts of the
 * AWS SDK, Powertools) call it, so the bundle gets one built from its own URL.
 */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __omsCreateRequire } from 'node:module'; const require = __omsCreateRequire(import.meta.url);";

/** Module replacements in every Lambda bundle (see lib/bundling/lambda-credentials.ts). */
export const LAMBDA_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': path.join(projectRoot, 'lib/bundling/lambda-credentials.ts'),
};

/**
 * How every handler is bundled, in esbuild's own terms: the CDK app (HandlerFunction), the
 * bundle-size test and `npm run bench` all build with these. The SDK is bundled too: the
 * versions pinned in package.json are the ones tested, not whatever the runtime ships this month.
 */
export const LAMBDA_ESBUILD = {
  bundle: true,
  format: 'esm',
  target: 'node24',
  platform: 'node',
  mainFields: ['module', 'main'],
  banner: { js: ESM_REQUIRE_BANNER },
  minify: true,
  alias: LAMBDA_ALIASES,
} as const;
