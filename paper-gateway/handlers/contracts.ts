/**
 * Contract resolution shared by the handlers: which universe entry a request names.
 */
import type { GatewayContext } from '../context.ts';
import type { ContractQuery } from '../instruments/catalog.ts';

/** IB's text for an unknown contract. */
export const NO_SECURITY = 'No security definition has been found for the request';

/**
 * The universe key a contract names, or undefined: a stock by conId or symbol, a derivative or
 * currency pair by conId or by a contract that describes exactly one.
 */
export function resolveSymbol(gw: GatewayContext, contract: ContractQuery): string | undefined {
  const secType = contract.secType.toUpperCase();
  if (secType !== '' && secType !== 'STK') return gw.derivatives.resolve(contract);
  if (contract.conId) {
    const bySymbol = gw.prices.symbolForConId(contract.conId);
    if (bySymbol === undefined) return secType === '' ? gw.derivatives.resolve(contract) : undefined;
    if (gw.prices.spec(bySymbol).derivative) return secType === '' ? bySymbol : undefined;
    if (contract.symbol && contract.symbol.toUpperCase() !== bySymbol) return undefined;
    return bySymbol;
  }
  if (!gw.prices.has(contract.symbol)) return undefined;
  const spec = gw.prices.spec(contract.symbol);
  return spec.derivative ? undefined : spec.symbol;
}
