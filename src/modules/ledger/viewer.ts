// Who sees what in the ledger, and the plan history every change writes.
// Departments see and report only their own unit's tasks (others answer 404); the commission
// (officer) sees the plans of its region; a system administrator sees every plan.
import type { Queryable } from '../../platform/db.ts';
import type { Principal } from '../../platform/auth.ts';
import { regionPrefix } from '../../shared/roles.ts';
import { insertHistory, unitOfUser, type Seen } from './store.ts';

export const TASK = { zh: '任务', en: 'Task' };

export interface Viewer { p: Principal; unitId: string | null; prefix: string | null }

/** The caller's view of the ledger: a department's unit, or the commission's region. */
export async function viewerOf(q: Queryable, p: Principal): Promise<Viewer> {
  if (p.role === 'department') {
    // A department user not bound to a unit sees nothing rather than everything.
    return { p, unitId: (await unitOfUser(q, p.userId)) ?? '00000000-0000-0000-0000-000000000000', prefix: null };
  }
  return { p, unitId: null, prefix: p.role === 'sysadmin' || !p.regionCode ? null : regionPrefix(p.regionCode) };
}

/** The store's parameters of what the viewer sees. */
export function seen(v: Viewer): Seen {
  return v.unitId ? { unitId: v.unitId, regionLike: null } : { unitId: null, regionLike: v.prefix ? v.prefix + '%' : null };
}

/** Keeps a change in the plan's history. */
export async function history(q: Queryable, p: Principal, planId: string, taskId: string | null, action: string, changes: Record<string, unknown>): Promise<void> {
  await insertHistory(q, { planId, taskId, action, changes, userId: p.userId, username: p.username });
}
