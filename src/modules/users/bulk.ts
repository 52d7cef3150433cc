// What the demo county's loader asks of the users table, written here by its owner (the users module):
// linking a demo sign-in to its health worker and a department sign-in to its unit.
import type { Queryable } from '../../platform/db.ts';

/** Links a sign-in to the health worker it is. */
export async function linkWorker(q: Queryable, username: string, workerId: string): Promise<void> {
  await q.query('UPDATE users SET worker_id = $1 WHERE username = $2', [workerId, username]);
}

/** Binds a department sign-in to the unit of that name. */
export async function bindUnitNamed(q: Queryable, username: string, unitName: string): Promise<void> {
  await q.query('UPDATE users SET unit_id = (SELECT id FROM gov_units WHERE name = $2) WHERE username = $1', [username, unitName]);
}
