/**
 * Reads of what the bridge wrote: positions, fills, day P&L, risk counters, foreign orders and
 * house positions. The positions API reads these; the bridge's store builds on them.
 */
import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { HousePosition, StoredFill } from '../../core/bridge/ports.ts';
import type { Dec } from '../../core/money.ts';
import type { Position } from '../../core/positions/position.ts';
import { bridgeKeys, positionKeys, riskKeys, type ItemKey } from '../../core/store/keys.ts';
import { fromItem, toItem } from './codec.ts';
import { itemFill, itemPosition, num } from './execution-items.ts';
import { queryAll } from './toolkit.ts';

/** The tenant's P&L for a day as stored (before marking to market). */
export interface StoredDailyPnl {
  day: string;
  realizedPnl: Dec;
  grossRealizedPnl: Dec;
  commissions: Dec;
  fills: number;
  bySymbol: Array<{
    symbol: string;
    realizedPnl: Dec;
    grossRealizedPnl: Dec;
    commissions: Dec;
    fills: number;
    boughtQuantity: Dec;
    soldQuantity: Dec;
  }>;
}

export class DynamoPositionReads {
  readonly client: DynamoDBClient;
  readonly table: string;

  constructor(client: DynamoDBClient, table: string) {
    this.client = client;
    this.table = table;
  }

  protected async getItem(key: ItemKey): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.client.send(
      new GetItemCommand({ TableName: this.table, Key: toItem({ ...key }), ConsistentRead: true }),
    );
    return Item ? fromItem(Item) : undefined;
  }

  /** Every item of a partition (under a sort-key prefix when given), read consistently. */
  protected query(pk: string, skPrefix?: string): Promise<Array<Record<string, unknown>>> {
    return queryAll(this.client, {
      TableName: this.table,
      KeyConditionExpression: skPrefix === undefined ? 'pk = :p' : 'pk = :p AND begins_with(sk, :s)',
      ExpressionAttributeValues: {
        ':p': { S: pk },
        ...(skPrefix === undefined ? {} : { ':s': { S: skPrefix } }),
      },
      ConsistentRead: true,
    });
  }

  async getPosition(tenantId: string, account: string, symbol: string): Promise<Position | undefined> {
    const item = await this.getItem(positionKeys.position(tenantId, account, symbol));
    return item ? itemPosition(item) : undefined;
  }

  /** The stored fill of an execution, if it was applied. */
  async getFill(tenantId: string, execId: string): Promise<StoredFill | undefined> {
    const item = await this.getItem(positionKeys.fill(tenantId, execId));
    return item ? itemFill(item) : undefined;
  }

  /** Every position of a tenant. */
  async positions(tenantId: string): Promise<Position[]> {
    const prefix = positionKeys.positionPrefix(tenantId);
    return (await this.query(prefix.pk, prefix.skPrefix)).map(itemPosition);
  }

  /** The tenant's P&L for a day, with its per-symbol parts; with `account`, that account's share only. */
  async dailyPnl(tenantId: string, day: string, account?: string): Promise<StoredDailyPnl> {
    const prefix = positionKeys.dailyPnlPrefix(tenantId, day);
    const all = await this.query(prefix.pk, prefix.skPrefix);
    // Per-account items repeat the per-symbol figures: a view takes one kind or the other.
    const items = all.filter((i) =>
      account === undefined ? i.account === undefined : i.account === account,
    );
    const sum = (name: string) => items.reduce((t, i) => t.plus(num(i[name])), num(undefined));
    const total =
      account === undefined
        ? items.find((i) => i.sk === riskKeys.dailyPnl(tenantId, day).sk)
        : {
            realizedPnl: sum('realizedPnl').toFixed(),
            grossRealizedPnl: sum('grossRealizedPnl').toFixed(),
            commissions: sum('commissions').toFixed(),
            fills: items.reduce((t, i) => t + Number(i.fills ?? 0), 0),
          };
    return {
      day,
      realizedPnl: num(total?.realizedPnl),
      grossRealizedPnl: num(total?.grossRealizedPnl),
      commissions: num(total?.commissions),
      fills: Number(total?.fills ?? 0),
      bySymbol: items
        .filter((i) => i !== total && typeof i.symbol === 'string')
        .map((i) => ({
          symbol: String(i.symbol),
          realizedPnl: num(i.realizedPnl),
          grossRealizedPnl: num(i.grossRealizedPnl),
          commissions: num(i.commissions),
          fills: Number(i.fills ?? 0),
          boughtQuantity: num(i.boughtQuantity),
          soldQuantity: num(i.soldQuantity),
        })),
    };
  }

  /** The house position (sum over tenants) per account and symbol. */
  async housePositions(): Promise<HousePosition[]> {
    return (await this.query(bridgeKeys.housePositionPk())).map((r) => ({
      account: String(r.account),
      symbol: String(r.symbol),
      quantity: num(r.quantity),
    }));
  }
}
