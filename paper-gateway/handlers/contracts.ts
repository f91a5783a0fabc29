/**
 * Contract resolution shared by the handlers: which universe symbol a request names.
 */
import type { GatewayContext } from '../context.ts';
import type { ContractFields } from '../decoder.ts';

/** IB's text for an unknown contract. */
export const NO_SECURITY = 'No security definition has been found for the request';

/** The universe symbol a contract names (by conId, or by symbol for a stock), or undefined. */
export function resolveSymbol(
  gw: GatewayContext,
  contract: Pick<ContractFields, 'conId' | 'symbol' | 'secType'>,
): string | undefined {
  if (contract.secType !== '' && contract.secType.toUpperCase() !== 'STK') return undefined;
  if (contract.conId) {
    const bySymbol = gw.prices.symbolForConId(contract.conId);
    if (!bySymbol) return undefined;
    if (contract.symbol && contract.symbol.toUpperCase() !== bySymbol) return undefined;
    return bySymbol;
  }
  return gw.prices.has(contract.symbol) ? gw.prices.spec(contract.symbol).symbol : undefined;
}
