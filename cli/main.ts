/** The `oms` command line: builds the commands, runs one, and maps failures to exit codes. */
import { Command, CommanderError } from 'commander';
import { createContext } from './context.ts';
import { EXIT, exitCodeFor } from './exit-codes.ts';
import { UsageError, WatchTimeoutError } from './errors.ts';
import { describeError } from './output.ts';
import { sessionCommands } from './commands/session.ts';
import { ordersCommand } from './commands/orders.ts';
import { killSwitchCommand, pnlCommand, positionsCommand, riskCommand } from './commands/portfolio.ts';
import { keysCommand, tenantsCommand, usersCommand, webhooksCommand } from './commands/admin.ts';
import { watchCommand } from './commands/watch.ts';

export interface Io {
  stdout?: (s: string) => void;
  stderr?: (s: string) => void;
}

/** Runs `oms` with `argv` (as process.argv: node, script, args…); resolves to the exit code. */
export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  io: Io = {},
): Promise<number> {
  const program = new Command('oms')
    .description('Command line for the IB OMS: orders, positions, risk, webhooks, users, the live stream')
    .option('--url <url>', 'the OMS base URL (or OMS_URL; default: the session, else http://localhost:8000)')
    .option('--api-key <key>', 'authenticate with this API key (or OMS_API_KEY) instead of the session')
    .option('--json', 'print JSON for scripts instead of tables')
    .showHelpAfterError()
    .exitOverride();
  if (io.stdout || io.stderr)
    program.configureOutput({
      ...(io.stdout ? { writeOut: io.stdout } : {}),
      ...(io.stderr ? { writeErr: io.stderr } : {}),
    });
  const ctx = createContext(program, env, io);
  for (const command of [
    ...sessionCommands(ctx),
    ordersCommand(ctx),
    positionsCommand(ctx),
    pnlCommand(ctx),
    watchCommand(ctx),
    riskCommand(ctx),
    killSwitchCommand(ctx),
    keysCommand(ctx),
    webhooksCommand(ctx),
    usersCommand(ctx),
    tenantsCommand(ctx),
  ])
    program.addCommand(command);
  // Subcommands report usage errors through the same override.
  const override = (c: Command) => {
    c.exitOverride();
    if (io.stdout || io.stderr) c.configureOutput(program.configureOutput());
    c.commands.forEach(override);
  };
  program.commands.forEach(override);

  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here too, successfully.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const err = io.stderr ?? ((s: string) => process.stderr.write(s));
    if (error instanceof UsageError) {
      err(`error: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof WatchTimeoutError) {
      err(`error: ${error.message}\n`);
      return EXIT.timeout;
    }
    err(`${describeError(error)}\n`);
    return exitCodeFor(error);
  }
}
