import type { InstrumentDetails } from './details.ts';

/** Port: IB's contract details by conId, cached for every tenant (contract data is public). */
export interface InstrumentCache {
  get(conId: number): Promise<InstrumentDetails | undefined>;
  put(instrument: InstrumentDetails, ttlSeconds: number): Promise<void>;
}
