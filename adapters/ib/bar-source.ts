/**
 * Historical bars from an IB Gateway / TWS with IB's documented request: reqHistoricalData
 * (outgoing message 20) answered by HISTORICAL_DATA (incoming 17), whose last callback is the
 * `finished-<start>-<end>` marker. One short session per backtest, on a client id of its own, so
 * the bridge's session and its order ids are never touched.
 */
import * as ns from '@stoqey/ib';
import type { Contract } from '@stoqey/ib';
import { Dec } from '../../core/money.ts';
import { BarsUnavailableError } from '../../core/strategies/errors.ts';
import type { Bar } from '../../core/strategies/fills.ts';
import type { BarSource } from '../../core/strategies/ports.ts';
import type { BarSize } from '../../core/strategies/stats.ts';

// @stoqey/ib is CommonJS: Node hands it over as `default`, jest's ESM loader as named exports.
type IBModule = typeof ns;
const raw = ns as unknown as IBModule & { default?: IBModule };
const ib: IBModule = { ...(typeof raw.default === 'object' ? raw.default : {}), ...raw } as IBModule;

/** `host:port` of the gateway that serves historical bars (the local stack sets it to its paper gateway). */
export const HISTORICAL_GATEWAY_ENV = 'OMS_HISTORICAL_GATEWAY';

export interface GatewayAddress {
  host: string;
  port: number;
  /** Client id of the history sessions; distinct from the bridge's. */
  clientId: number;
  timeoutMs?: number;
}

/** The gateway of OMS_HISTORICAL_GATEWAY, if set. */
export function ibBarSourceFromEnv(): GatewayAddress | undefined {
  const value = process.env[HISTORICAL_GATEWAY_ENV];
  const match = value ? /^(.+):(\d+)$/.exec(value) : null;
  if (!match) return undefined;
  return { host: match[1] as string, port: Number(match[2]), clientId: 900 + Math.floor(Math.random() * 90) };
}

const BAR_SETTINGS: Record<BarSize, string> = {
  '1 min': '1 min',
  '5 mins': '5 mins',
  '1 hour': '1 hour',
  '1 day': '1 day',
};

/** IB's end time in its documented UTC form: `yyyymmdd-hh:mm:ss`. */
export function ibEndDateTime(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

/** The shortest IB duration that covers [from, to): seconds up to a day, then days, then years. */
export function ibDuration(from: string, to: string): string {
  const seconds = Math.ceil((Date.parse(to) - Date.parse(from)) / 1000);
  if (seconds <= 86_400) return `${Math.max(seconds, 60)} S`;
  const days = Math.ceil(seconds / 86_400);
  return days <= 365 ? `${days} D` : `${Math.ceil(days / 365)} Y`;
}

/** A bar time as IB sends it (formatDate 2): epoch seconds, or `yyyymmdd` for daily bars. */
export function ibBarTime(text: string): string | undefined {
  if (/^\d{8}$/.test(text))
    return new Date(
      Date.UTC(Number(text.slice(0, 4)), Number(text.slice(4, 6)) - 1, Number(text.slice(6, 8))),
    ).toISOString();
  if (/^\d{9,10}$/.test(text)) return new Date(Number(text) * 1000).toISOString();
  const m = /^(\d{4})(\d{2})(\d{2})[ -]+(\d{2}):(\d{2}):(\d{2})/.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return new Date(Date.UTC(y as number, (mo as number) - 1, d, h, mi, s)).toISOString();
}

export class IbBarSource implements BarSource {
  readonly gateway: GatewayAddress;

  constructor(gateway: GatewayAddress) {
    this.gateway = gateway;
  }

  async bars(request: { symbols: string[]; from: string; to: string; barSize: BarSize }): Promise<Bar[]> {
    const api = new ib.IBApi({
      host: this.gateway.host,
      port: this.gateway.port,
      clientId: this.gateway.clientId,
    });
    const timeoutMs = this.gateway.timeoutMs ?? 30_000;
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new BarsUnavailableError('The gateway did not answer')),
          timeoutMs,
        );
        api.once(ib.EventName.nextValidId, () => {
          clearTimeout(timer);
          resolve();
        });
        api.once(ib.EventName.error, (error: Error, code: number, reqId: number) => {
          if (reqId !== undefined && reqId >= 0) return;
          clearTimeout(timer);
          reject(
            new BarsUnavailableError(`The gateway refused the session: ${code} ${error?.message ?? ''}`),
          );
        });
        api.connect();
      });
      const out: Bar[] = [];
      let reqId = 1;
      for (const symbol of request.symbols)
        out.push(...(await this.one(api, reqId++, symbol, request, timeoutMs)));
      const from = Date.parse(request.from);
      const to = Date.parse(request.to);
      return out.filter((b) => Date.parse(b.time) >= from && Date.parse(b.time) < to);
    } finally {
      api.disconnect();
    }
  }

  private one(
    api: InstanceType<typeof ib.IBApi>,
    reqId: number,
    symbol: string,
    request: { from: string; to: string; barSize: BarSize },
    timeoutMs: number,
  ): Promise<Bar[]> {
    const contract: Contract = { symbol, secType: ib.SecType.STK, exchange: 'SMART', currency: 'USD' };
    return new Promise<Bar[]>((resolve, reject) => {
      const bars: Bar[] = [];
      const done = (error?: Error) => {
        clearTimeout(timer);
        api.off(ib.EventName.historicalData, onBar);
        api.off(ib.EventName.error, onError);
        if (error) reject(error);
        else resolve(bars);
      };
      const timer = setTimeout(
        () => done(new BarsUnavailableError(`No bars for ${symbol}: timed out`)),
        timeoutMs,
      );
      const onBar = (
        id: number,
        time: string,
        open: number,
        high: number,
        low: number,
        close: number,
        volume: number,
      ) => {
        if (id !== reqId) return;
        if (time.startsWith('finished')) return done();
        const at = ibBarTime(time);
        if (!at || !(open > 0)) return;
        bars.push({
          symbol,
          time: at,
          open: new Dec(open),
          high: new Dec(high),
          low: new Dec(low),
          close: new Dec(close),
          volume: new Dec(volume >= 0 ? volume : 0),
        });
      };
      const onError = (error: Error, code: number, id: number) => {
        if (id !== reqId) return;
        done(
          new BarsUnavailableError(`The gateway refused bars for ${symbol}: ${code} ${error?.message ?? ''}`),
        );
      };
      api.on(ib.EventName.historicalData, onBar);
      api.on(ib.EventName.error, onError);
      api.reqHistoricalData(
        reqId,
        contract,
        ibEndDateTime(request.to),
        ibDuration(request.from, request.to),
        BAR_SETTINGS[request.barSize] as never,
        'TRADES' as never,
        1,
        2,
        false,
      );
    });
  }
}
