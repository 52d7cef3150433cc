// What the demo county's loader asks of the users table, written by its owner (the users module):
// linking a demo sign-in to its health worker and a department sign-in to its unit.
import type { Queryable } from '../../platform/db.ts';
import * as store from './store.ts';

/** Links a sign-in to the health worker it is. */
export function linkWorker(q: Queryable, username: string, workerId: string): Promise<void> {
  return store.linkWorker(q, username, workerId);
}

/** Binds a department sign-in to the unit of that name. */
export function bindUnitNamed(q: Queryable, username: string, unitName: string): Promise<void> {
  return store.bindUnitNamed(q, username, unitName);
}
