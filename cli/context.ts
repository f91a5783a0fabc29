import type { Command } from 'commander';
import { type OmsAuth, type OmsClient } from '../client/index.ts';
import { createOutput, type Output } from './output.ts';
import { sessionClient } from './session.ts';

export interface GlobalOptions {
  url?: string;
  apiKey?: string;
  json?: boolean;
}

/** What every command gets: output and a client built from the global options and the session. */
export interface Context {
  readonly out: Output;
  readonly env: NodeJS.ProcessEnv;
  options(): GlobalOptions;
  api(): OmsClient;
  connection(): { url: string; auth: OmsAuth };
}

export function createContext(
  program: Command,
  env: NodeJS.ProcessEnv,
  io: { stdout?: (s: string) => void; stderr?: (s: string) => void } = {},
): Context {
  let built: ReturnType<typeof sessionClient> | undefined;
  let out: Output | undefined;
  const options = () => program.opts<GlobalOptions>();
  const client = () => (built ??= sessionClient({ url: options().url, apiKey: options().apiKey }, env));
  return {
    env,
    get out() {
      return (out ??= createOutput(options().json === true, io.stdout, io.stderr));
    },
    options,
    api: () => client().client,
    connection: () => ({ url: client().url, auth: client().auth }),
  };
}
