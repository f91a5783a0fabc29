import * as z from 'zod';
import { ORDER_STATUSES } from '../../core/orders/status.ts';
import { SIDES, symbolField } from '../../core/orders/order.ts';

const isoTime = (what: string) =>
  z
    .string()
    .refine(
      (v) => /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) && !Number.isNaN(Date.parse(v)),
      {
        message: `${what} must be an ISO-8601 time`,
      },
    )
    .transform((v) => Date.parse(v));

/** Query of GET /orders. */
export const ListOrdersQuery = z
  .strictObject({
    status: z.enum(ORDER_STATUSES).optional(),
    symbol: symbolField.optional(),
    side: z.enum(SIDES).optional(),
    from: isoTime('from').optional(),
    to: isoTime('to').optional(),
    limit: z
      .string()
      .regex(/^\d{1,3}$/, 'limit must be a whole number from 1 to 100')
      .transform(Number)
      .refine((n) => n >= 1 && n <= 100, 'limit must be from 1 to 100')
      .default(50),
    cursor: z.string().max(4096).optional(),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: 'from must not be after to',
  })
  .meta({ id: 'ListOrdersQuery' });
