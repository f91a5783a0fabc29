import { randomUUID } from 'node:crypto';
import { Command, Option } from 'commander';
import { ok, type operations, type Order, type Schemas } from '../../client/index.ts';
import { UsageError } from '../errors.ts';
import type { Context } from '../context.ts';
import { record, table } from '../output.ts';

const ORDER_COLUMNS: Array<keyof Order & string> = [
  'id',
  'symbol',
  'side',
  'quantity',
  'type',
  'limitPrice',
  'stopPrice',
  'status',
  'filledQuantity',
  'averageFillPrice',
];

const orderTable = (orders: Order[]) => table(orders, ORDER_COLUMNS);
const orderRecord = (o: Order) => record(o);

/** `oms orders …` */
export function ordersCommand(ctx: Context): Command {
  const orders = new Command('orders').description('place, list, inspect, modify and cancel orders');

  orders
    .command('place')
    .description('place an order: oms orders place buy 10 AAPL --limit 187.25')
    .argument('<side>', 'buy or sell')
    .argument('<quantity>', 'a decimal quantity, e.g. 10')
    .argument('<symbol>', 'the ticker, e.g. AAPL')
    .option('--limit <price>', 'limit price (a limit order; with --stop a stop-limit order)')
    .option('--stop <price>', 'stop price (a stop order; with --limit a stop-limit order)')
    .addOption(
      new Option('--type <type>', 'order type (inferred from the prices)').choices([
        'market',
        'limit',
        'stop',
        'stop_limit',
      ]),
    )
    .addOption(new Option('--tif <timeInForce>', 'time in force').choices(['day', 'gtc', 'ioc', 'fok']))
    .option('--client-order-id <id>', 'your own id for the order')
    .option('--account <account>', 'the IB account, when the tenant has several')
    .option('--outside-rth', 'may execute outside regular trading hours')
    .option('--idempotency-key <key>', 'repeat a key to retry safely (default: a fresh one)')
    .action(
      async (
        side: string,
        quantity: string,
        symbol: string,
        o: Record<string, string | boolean | undefined>,
      ) => {
        if (side !== 'buy' && side !== 'sell') throw new UsageError('side must be buy or sell');
        const limit = o.limit as string | undefined;
        const stop = o.stop as string | undefined;
        const type =
          (o.type as Schemas['NewOrderRequest']['type'] | undefined) ??
          (limit && stop ? 'stop_limit' : limit ? 'limit' : stop ? 'stop' : 'market');
        const body: Schemas['NewOrderRequest'] = {
          symbol: symbol.toUpperCase(),
          side,
          quantity,
          type,
          ...(limit ? { limitPrice: limit } : {}),
          ...(stop ? { stopPrice: stop } : {}),
          ...(o.tif ? { timeInForce: o.tif as Schemas['NewOrderRequest']['timeInForce'] } : {}),
          ...(o.clientOrderId ? { clientOrderId: o.clientOrderId as string } : {}),
          ...(o.account ? { account: o.account as string } : {}),
          ...(o.outsideRth ? { outsideRth: true } : {}),
        };
        const key = (o.idempotencyKey as string | undefined) ?? randomUUID();
        const order = await ok(
          ctx.api().POST('/api/v1/orders', { body, params: { header: { 'idempotency-key': key } } }),
        );
        ctx.out.print(order, orderRecord);
      },
    );

  orders
    .command('list')
    .description('list orders, newest first')
    .addOption(new Option('--status <status>', 'only orders in this status'))
    .option('--symbol <symbol>', 'only this symbol')
    .addOption(new Option('--side <side>', 'only this side').choices(['buy', 'sell']))
    .option('--from <time>', 'created at or after (ISO-8601)')
    .option('--to <time>', 'created at or before (ISO-8601)')
    .option('--limit <n>', 'page size (1-100)', '50')
    .option('--cursor <cursor>', 'the nextCursor of a previous page')
    .action(async (o: Record<string, string | undefined>) => {
      const query = Object.fromEntries(
        Object.entries({
          status: o.status,
          symbol: o.symbol,
          side: o.side,
          from: o.from,
          to: o.to,
          limit: o.limit,
          cursor: o.cursor,
        }).filter(([, v]) => v !== undefined),
      ) as operations['listOrders']['parameters']['query'];
      const page = await ok(ctx.api().GET('/api/v1/orders', { params: { query } }));
      ctx.out.print(page, (p: typeof page) =>
        [orderTable(p.items), p.nextCursor ? `more: --cursor ${p.nextCursor}` : '']
          .filter(Boolean)
          .join('\n'),
      );
    });

  orders
    .command('get')
    .description('one order')
    .argument('<id>', 'the order id')
    .action(async (id: string) => {
      ctx.out.print(
        await ok(ctx.api().GET('/api/v1/orders/{id}', { params: { path: { id } } })),
        orderRecord,
      );
    });

  orders
    .command('events')
    .description("an order's audit trail, oldest first")
    .argument('<id>', 'the order id')
    .action(async (id: string) => {
      const events = await ok(ctx.api().GET('/api/v1/orders/{id}/events', { params: { path: { id } } }));
      ctx.out.print(events, (e: typeof events) => table(e.items, ['seq', 'type', 'at', 'actor', 'reason']));
    });

  orders
    .command('cancel')
    .description('cancel an order')
    .argument('<id>', 'the order id')
    .action(async (id: string) => {
      ctx.out.print(
        await ok(ctx.api().POST('/api/v1/orders/{id}/cancel', { params: { path: { id } } })),
        orderRecord,
      );
    });

  orders
    .command('cancel-all')
    .description('cancel every working order')
    .action(async () => {
      const result = await ok(ctx.api().POST('/api/v1/orders/cancel-all'));
      ctx.out.print(result, (r: typeof result) =>
        [
          `${r.items.length} order(s) pending cancel`,
          r.items.length ? orderTable(r.items) : '',
          ...r.failed.map((f) => `failed: ${f.id} ${f.code}`),
        ]
          .filter(Boolean)
          .join('\n'),
      );
    });

  orders
    .command('modify')
    .description('change the quantity or prices of a working order')
    .argument('<id>', 'the order id')
    .option('--quantity <quantity>', 'new quantity')
    .option('--limit <price>', 'new limit price')
    .option('--stop <price>', 'new stop price')
    .action(async (id: string, o: Record<string, string | undefined>) => {
      const body: Schemas['ModifyOrderRequest'] = {
        ...(o.quantity ? { quantity: o.quantity } : {}),
        ...(o.limit ? { limitPrice: o.limit } : {}),
        ...(o.stop ? { stopPrice: o.stop } : {}),
      };
      if (Object.keys(body).length === 0) throw new UsageError('give --quantity, --limit or --stop');
      ctx.out.print(
        await ok(ctx.api().PATCH('/api/v1/orders/{id}', { params: { path: { id } }, body })),
        orderRecord,
      );
    });

  return orders;
}
