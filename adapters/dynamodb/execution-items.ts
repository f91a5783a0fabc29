/**
 * Item shapes of the bridge's part of the single table: positions, fills, routes, and the update
 * items that move day P&L, risk counters and the house position by what core decided.
 */
import type { TransactWriteItem } from '@aws-sdk/client-dynamodb';
import type { CounterChange, PnlChange } from '../../core/bridge/apply.ts';
import type { OrderRoute, StoredFill } from '../../core/bridge/ports.ts';
import { Dec, ZERO } from '../../core/money.ts';
import type { Position, PositionChangedDetail } from '../../core/positions/position.ts';
import type { Instrument } from '../../core/instruments/model.ts';
import { outboxSk, positionKeys, riskKeys, workKeys } from '../../core/store/keys.ts';
import { decimalNumber, toItem } from './codec.ts';

export function positionItem(p: Position): Record<string, unknown> {
  return {
    ...positionKeys.position(p.tenantId, p.account, p.symbol),
    type_: 'position',
    tenantId: p.tenantId,
    account: p.account,
    symbol: p.symbol,
    instrument: p.instrument,
    quantity: p.quantity.toFixed(),
    averageCost: p.averageCost.toFixed(),
    realizedPnl: p.realizedPnl.toFixed(),
    commissions: p.commissions.toFixed(),
    fills: p.fills,
    version: p.version,
    updatedAt: p.updatedAt,
  };
}

/** Item → Position. */
export function itemPosition(raw: Record<string, unknown>): Position {
  return {
    tenantId: raw.tenantId as string,
    account: raw.account as string,
    symbol: raw.symbol as string,
    ...(raw.instrument ? { instrument: raw.instrument as Instrument } : {}),
    quantity: new Dec(raw.quantity as string),
    averageCost: new Dec(raw.averageCost as string),
    realizedPnl: new Dec(raw.realizedPnl as string),
    commissions: new Dec((raw.commissions as string | undefined) ?? '0'),
    fills: Number(raw.fills ?? 0),
    version: Number(raw.version),
    updatedAt: raw.updatedAt as string,
  };
}

/** A position.changed outbox entry: the drainer publishes it; its key is unique per version. */
export function positionEventItem(detail: PositionChangedDetail): Record<string, unknown> {
  const entity = `${detail.tenantId}:${detail.account}:${detail.symbol}`;
  return {
    ...positionKeys.positionEvent(detail.tenantId, detail.account, detail.symbol, detail.seq),
    type_: 'position_event',
    detailType: detail.type,
    detail,
    gsi3pk: workKeys.outboxPk(workKeys.shardOf(entity)),
    gsi3sk: outboxSk(detail.at, entity, detail.seq),
  };
}

export function itemRoute(raw: Record<string, unknown>): OrderRoute {
  return {
    tenantId: String(raw.tenantId),
    orderId: String(raw.orderId),
    clientId: Number(raw.clientId),
    brokerOrderId: Number(raw.brokerOrderId),
  };
}

export function itemFill(raw: Record<string, unknown>): StoredFill {
  return {
    tenantId: String(raw.tenantId),
    execId: String(raw.execId),
    orderId: String(raw.orderId),
    account: String(raw.account),
    symbol: String(raw.symbol),
    ...(raw.instrument ? { instrument: raw.instrument as Instrument } : {}),
    side: raw.side === 'sell' ? 'sell' : 'buy',
    quantity: new Dec(String(raw.quantity)),
    price: new Dec(String(raw.price)),
    at: String(raw.at),
    day: String(raw.day),
    ...(raw.commission !== undefined ? { commission: new Dec(String(raw.commission)) } : {}),
  };
}

export function num(v: unknown): Dec {
  return v === undefined || v === null ? ZERO : new Dec(String(v));
}

/** The counter updates for a change (none when it moves nothing). */
export function counterUpdates(table: string, change: CounterChange | undefined): TransactWriteItem[] {
  if (!change) return [];
  const { tenantId, symbol, delta } = change;
  return [
    {
      Update: {
        TableName: table,
        Key: toItem({ ...riskKeys.counters(tenantId) }),
        UpdateExpression: 'ADD openOrders :o, exposure :e',
        ExpressionAttributeValues: {
          ':o': { N: String(delta.openOrders) },
          ':e': decimalNumber(delta.exposure),
        },
      },
    },
    {
      Update: {
        TableName: table,
        Key: toItem({ ...riskKeys.symbol(tenantId, symbol) }),
        UpdateExpression: 'ADD maxLong :l, maxShort :s, #p :p',
        ExpressionAttributeNames: { '#p': 'position' },
        ExpressionAttributeValues: {
          ':l': decimalNumber(delta.maxLong),
          ':s': decimalNumber(delta.maxShort),
          ':p': decimalNumber(delta.position),
        },
      },
    },
  ];
}

/**
 * The day's P&L, for the tenant (the daily-loss check reads its `realizedPnl`, a NUMBER) and per
 * symbol: realized P&L is net of commissions, `grossRealizedPnl` before them.
 */
export function dayPnlUpdates(table: string, change: PnlChange): TransactWriteItem[] {
  const { tenantId, day, symbol } = change;
  const values = {
    ':n': decimalNumber(change.realized.minus(change.commission)),
    ':r': decimalNumber(change.realized),
    ':c': decimalNumber(change.commission),
    ':f': { N: String(change.fills) },
    ':day': { S: day },
  };
  const adds = 'ADD realizedPnl :n, grossRealizedPnl :r, commissions :c, fills :f';
  const perSymbol = {
    ...values,
    ':b': decimalNumber(change.bought),
    ':s': decimalNumber(change.sold),
    ':sym': { S: symbol },
  };
  const perAccount: TransactWriteItem[] = change.account
    ? [
        {
          Update: {
            TableName: table,
            Key: toItem({ ...positionKeys.dailyAccountPnl(tenantId, day, change.account, symbol) }),
            UpdateExpression: `${adds}, boughtQuantity :b, soldQuantity :s SET symbol = :sym, #d = :day, account = :acct`,
            ExpressionAttributeNames: { '#d': 'day' },
            ExpressionAttributeValues: { ...perSymbol, ':acct': { S: change.account } },
          },
        },
      ]
    : [];
  return [
    {
      Update: {
        TableName: table,
        Key: toItem({ ...riskKeys.dailyPnl(tenantId, day) }),
        UpdateExpression: `${adds} SET #d = :day, tenantId = :t`,
        ExpressionAttributeNames: { '#d': 'day' },
        ExpressionAttributeValues: { ...values, ':t': { S: tenantId } },
      },
    },
    {
      Update: {
        TableName: table,
        Key: toItem({ ...positionKeys.dailySymbolPnl(tenantId, day, symbol) }),
        UpdateExpression: `${adds}, boughtQuantity :b, soldQuantity :s SET symbol = :sym, #d = :day`,
        ExpressionAttributeNames: { '#d': 'day' },
        ExpressionAttributeValues: perSymbol,
      },
    },
    ...perAccount,
  ];
}
