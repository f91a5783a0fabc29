/** An order's group link as stored on its item (a map), and back. */
import type { OrderId } from '../../core/ids.ts';
import { GROUP_ROLES, ORDER_CLASSES, type OrderGroupLink } from '../../core/orders/order.ts';

/** The `group` attribute of an order item (absent for a simple order). */
export function groupAttribute(group: OrderGroupLink | undefined): Record<string, unknown> | undefined {
  if (!group) return undefined;
  return {
    orderClass: group.orderClass,
    groupId: group.groupId,
    role: group.role,
    legIds: [...group.legIds],
    parentId: group.parentId,
    held: group.held,
  };
}

/** The group link of a stored order, if it has one. */
export function groupOf(raw: unknown): OrderGroupLink | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const g = raw as Record<string, unknown>;
  const orderClass = ORDER_CLASSES.find((c) => c === g.orderClass && c !== 'simple');
  const role = GROUP_ROLES.find((r) => r === g.role);
  if (!orderClass || orderClass === 'simple' || !role || typeof g.groupId !== 'string') return undefined;
  return {
    orderClass,
    groupId: g.groupId as OrderId,
    role,
    legIds: Array.isArray(g.legIds) ? (g.legIds as OrderId[]) : [],
    ...(typeof g.parentId === 'string' ? { parentId: g.parentId as OrderId } : {}),
    held: g.held === true,
  };
}
