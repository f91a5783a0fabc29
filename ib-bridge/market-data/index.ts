export {
  followConnection,
  startMarketData,
  type ConnectionEvents,
  type MarketDataLink,
  type MarketDataOptions,
  type MarketDataService,
} from './service.ts';
