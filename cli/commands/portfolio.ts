import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { ok, type Schemas } from '../../client/index.ts';
import type { Context } from '../context.ts';
import { UsageError } from '../errors.ts';
import { record, table } from '../output.ts';

/** `oms positions` */
export function positionsCommand(ctx: Context): Command {
  return new Command('positions')
    .description("the tenant's positions, marked to the latest quotes")
    .action(async () => {
      const positions = await ok(ctx.api().GET('/api/v1/positions'));
      ctx.out.print(positions, (p: typeof positions) =>
        table(p.items, [
          'account',
          'symbol',
          'quantity',
          'averageCost',
          'marketPrice',
          'unrealizedPnl',
          'realizedPnl',
        ]),
      );
    });
}

/** `oms pnl` */
export function pnlCommand(ctx: Context): Command {
  return new Command('pnl').description("today's P&L, per symbol and in total").action(async () => {
    const pnl = await ok(ctx.api().GET('/api/v1/pnl/today'));
    ctx.out.print(pnl, (p: typeof pnl) =>
      [
        table(p.bySymbol, [
          'symbol',
          'position',
          'realizedPnl',
          'unrealizedPnl',
          'totalPnl',
          'commissions',
          'fills',
        ]),
        `total ${p.totalPnl} (realized ${p.realizedPnl}, unrealized ${p.unrealizedPnl}, commissions ${p.commissions}) on ${p.date}`,
      ].join('\n'),
    );
  });
}

/** Parses `key=value` settings; values that look like JSON (numbers, arrays, null) are parsed. */
function settings(pairs: string[]): Record<string, unknown> {
  return Object.fromEntries(
    pairs.map((pair) => {
      const at = pair.indexOf('=');
      if (at <= 0) throw new UsageError(`expected key=value, got ${pair}`);
      const raw = pair.slice(at + 1);
      let value: unknown = raw;
      if (/^[[{]|^null$|^true$|^false$|^\d+$/.test(raw)) {
        try {
          value = JSON.parse(raw);
        } catch {
          throw new UsageError(`${pair.slice(0, at)}: not valid JSON`);
        }
      }
      return [pair.slice(0, at), value];
    }),
  );
}

/** `oms risk limits get|set` */
export function riskCommand(ctx: Context): Command {
  const risk = new Command('risk').description('pre-trade risk limits');
  const limits = risk.command('limits').description('show or change the risk limits');
  limits
    .command('get')
    .description('the current limits')
    .action(async () => {
      ctx.out.print(await ok(ctx.api().GET('/api/v1/risk/limits')), record);
    });
  limits
    .command('set')
    .description('change limits: oms risk limits set maxOrderNotional=50000 restrictedSymbols=\'["GME"]\'')
    .argument('[settings...]', 'key=value pairs, merged into the current limits')
    .option('--file <path>', 'a JSON file of limits, merged likewise')
    .action(async (pairs: string[], o: { file?: string }) => {
      const changes = {
        ...(o.file ? (JSON.parse(readFileSync(o.file, 'utf8')) as Record<string, unknown>) : {}),
        ...settings(pairs),
      };
      if (Object.keys(changes).length === 0) throw new UsageError('give key=value settings or --file');
      const current = await ok(ctx.api().GET('/api/v1/risk/limits'));
      const body = { ...current, ...changes } as Schemas['RiskLimits'];
      ctx.out.print(await ok(ctx.api().PUT('/api/v1/risk/limits', { body })), record);
    });
  return risk;
}

/** `oms kill-switch on|off|status` */
export function killSwitchCommand(ctx: Context): Command {
  const ks = new Command('kill-switch').description('stop all trading of the tenant at once');
  const set = async (engaged: boolean, o: { reason: string; keepOrders?: boolean }) => {
    const state = await ok(
      ctx.api().POST('/api/v1/risk/kill-switch', {
        body: { engaged, reason: o.reason, cancelWorkingOrders: engaged && !o.keepOrders },
      }),
    );
    ctx.out.print(state, record);
  };
  ks.command('on')
    .description('engage: new orders are refused and working orders cancelled')
    .requiredOption('--reason <text>', 'why (kept in the audit trail)')
    .option('--keep-orders', 'leave working orders alone')
    .action((o: { reason: string; keepOrders?: boolean }) => set(true, o));
  ks.command('off')
    .description('release: trading resumes')
    .option('--reason <text>', 'why (kept in the audit trail)', 'released from the CLI')
    .action((o: { reason: string }) => set(false, o));
  ks.command('status')
    .description('whether it is engaged')
    .action(async () => ctx.out.print(await ok(ctx.api().GET('/api/v1/risk/kill-switch')), record));
  return ks;
}
