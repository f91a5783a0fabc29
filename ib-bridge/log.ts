/** One-line JSON logs on stdout (CloudWatch in ECS, the terminal locally). */
export interface Logger {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

/** A logger writing JSON lines; `level` silences what is below it. */
export function jsonLogger(
  service = 'ib-bridge',
  level: 'info' | 'warn' | 'error' | 'silent' = (process.env.BRIDGE_LOG_LEVEL as 'info') || 'info',
): Logger {
  const order = { info: 0, warn: 1, error: 2, silent: 3 };
  const write = (lvl: 'info' | 'warn' | 'error', message: string, data?: Record<string, unknown>) => {
    if (order[lvl] < order[level]) return;
    const line = JSON.stringify({ level: lvl, service, time: new Date().toISOString(), message, ...data });
    if (lvl === 'info') process.stdout.write(line + '\n');
    else process.stderr.write(line + '\n');
  };
  return {
    info: (m, d) => write('info', m, d),
    warn: (m, d) => write('warn', m, d),
    error: (m, d) => write('error', m, d),
  };
}
