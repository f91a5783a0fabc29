export {
  startMarketData,
  type MarketDataLink,
  type MarketDataOptions,
  type MarketDataService,
} from './service.ts';
