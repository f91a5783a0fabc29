/** Order statuses of the HTTP contract. */
export const ORDER_STATUSES = [
  'pending_new',
  'submitted',
  'partially_filled',
  'filled',
  'pending_cancel',
  'cancelled',
  'pending_replace',
  'rejected',
  'expired',
] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export const TERMINAL_STATUSES: ReadonlySet<OrderStatus> = new Set([
  'filled',
  'cancelled',
  'rejected',
  'expired',
]);

/** Statuses in which an order may still trade, and so counts against the open-order limits. */
export const WORKING_STATUSES: readonly OrderStatus[] = [
  'pending_new',
  'submitted',
  'partially_filled',
  'pending_cancel',
  'pending_replace',
];

/**
 * The one transition table. Every status lists every status it may move to; anything else is
 * an IllegalTransitionError. Edges that surprise are real broker behaviour, said why.
 */
export const TRANSITIONS: Record<OrderStatus, readonly OrderStatus[]> = {
  pending_new: [
    'submitted',
    'partially_filled', // a fill can arrive before the broker's first status
    'filled', // a marketable order can fill before any status reaches us
    'pending_cancel',
    'pending_replace',
    'cancelled', // the broker cancels unsolicited (IOC/FOK unfilled, session end)
    'rejected',
    'expired',
  ],
  submitted: [
    'submitted',
    'partially_filled',
    'filled',
    'pending_cancel',
    'pending_replace',
    'cancelled',
    'rejected',
    'expired',
  ],
  partially_filled: [
    'partially_filled',
    'filled',
    'pending_cancel',
    'pending_replace',
    'cancelled', // the unfilled rest is cancelled (IOC, or the broker's own cancel)
    'expired',
  ],
  pending_cancel: [
    'pending_cancel', // a fill while the cancel is in flight keeps it pending
    'cancelled',
    'filled', // the order filled before the cancel reached the exchange
    'submitted', // the cancel was refused and the order still works
    'partially_filled', // likewise, with fills
    'expired',
    'rejected', // the broker rejected the order before it ever worked
  ],
  pending_replace: [
    'pending_replace', // a fill while the replace is in flight
    'submitted', // replaced, or replace refused, and the order works on
    'partially_filled',
    'filled', // filled before the change reached the exchange
    'pending_cancel',
    'cancelled',
    'rejected',
    'expired',
  ],
  filled: [],
  cancelled: [],
  rejected: [],
  expired: [],
};

/** Whether the table allows `from` → `to`. */
export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isTerminal(status: OrderStatus): boolean {
  return TERMINAL_STATUSES.has(status);
}
