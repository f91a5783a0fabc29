import * as z from 'zod';
import { AUDIT_EVENT_TYPES } from '../../core/tenancy/model.ts';
import { httpHandler, json } from '../shared/http.ts';
import { pageQuery, tenancyStore } from '../auth/services.ts';

export const query = pageQuery.extend({ type: z.enum(AUDIT_EVENT_TYPES).optional() });

/** GET /api/v1/audit (tenant admin): the security audit log, newest first. */
export const handler = httpHandler(async (request) => {
  const caller = request.authorized('audit:read');
  const q = request.query(query);
  return json(200, await tenancyStore().forTenant(caller.tenantId).listAudit(q.limit, q.cursor, q.type));
});
