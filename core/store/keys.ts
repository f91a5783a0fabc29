/**
 * Every key of the single table is built here, and nowhere else. Tenant data always starts its
 * partition key with `T#<tenant>` so a tenant-scoped store can never name another tenant's item.
 */

/** Key attribute values of one item. */
export interface ItemKey {
  pk: string;
  sk: string;
}

const SEP = '#';

function assertSafe(part: string, what: string): string {
  if (part.length === 0 || part.includes(SEP))
    throw new Error(`Invalid ${what} for a key: ${JSON.stringify(part)}`);
  return part;
}

/** The partition key prefix of everything one tenant owns. */
export function tenantPk(tenantId: string): string {
  return `T${SEP}${assertSafe(tenantId, 'tenant id')}`;
}

/** Items that belong to the platform rather than a tenant (bridge heartbeat, tenant registry). */
export const systemKeys = {
  bridgeStatus: (): ItemKey => ({ pk: 'SYSTEM', sk: 'BRIDGE' }),
};
