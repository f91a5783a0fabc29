/**
 * Attached orders and OCA groups, as IB works them. A child (`parentId`) waits in PreSubmitted
 * until its parent has filled, and is cancelled with it. Siblings attached to one parent (a
 * bracket's exits) and the members of an OCA group fill against each other: a fill of one cancels
 * the others (OCA type 1) or reduces them by the filled quantity (types 2 and 3, and attached
 * siblings), cancelling what is left with nothing to do. Types 1 and 2 "block" (IB guards against
 * overfills) and 3 does not; fills here are atomic, so blocking changes nothing.
 */
import type { OrderRecord } from './order-types.ts';

/** What one fill does to the other orders of its groups. */
export type GroupEffect =
  | { kind: 'cancel'; key: string; reason: string }
  | { kind: 'resize'; key: string; totalQuantity: number }
  | { kind: 'release'; key: string };

/** The orders linked to `order` through its parent or its OCA group, and how. */
function linked(
  order: OrderRecord,
  working: readonly OrderRecord[],
): Array<{ o: OrderRecord; cancel: boolean }> {
  const out: Array<{ o: OrderRecord; cancel: boolean }> = [];
  for (const o of working) {
    if (o.key === order.key || o.account !== order.account) continue;
    if (order.ocaGroup && o.ocaGroup === order.ocaGroup) out.push({ o, cancel: order.ocaType === 1 });
    else if (order.parentKey && o.parentKey === order.parentKey) out.push({ o, cancel: false });
  }
  return out;
}

/** The effects of `shares` filled on `order`: its children released, its group cancelled or reduced. */
export function fillEffects(
  order: OrderRecord,
  shares: number,
  working: readonly OrderRecord[],
): GroupEffect[] {
  const effects: GroupEffect[] = [];
  if (order.filled >= order.totalQuantity) {
    for (const child of working)
      if (child.parentKey === order.key) effects.push({ kind: 'release', key: child.key });
  }
  for (const { o, cancel } of linked(order, working)) {
    const reduced = o.totalQuantity - shares;
    if (cancel || reduced <= o.filled) {
      effects.push({ kind: 'cancel', key: o.key, reason: 'OCA group' });
    } else {
      effects.push({ kind: 'resize', key: o.key, totalQuantity: reduced });
    }
  }
  return effects;
}

/** The children to cancel with a cancelled parent. */
export function cancelledWithParent(parentKey: string, working: readonly OrderRecord[]): string[] {
  return working.filter((o) => o.parentKey === parentKey).map((o) => o.key);
}

/** Whether an attached child must still wait for its parent to fill. */
export function awaitsParent(order: OrderRecord, parent: OrderRecord | undefined): boolean {
  return order.parentKey !== undefined && parent?.status !== 'Filled';
}
