// The demo county loaded into an empty database on `npm start`, and its sign-ins.
import type { Db } from '../../platform/db.ts';
import type { Keys } from '../../platform/crypto.ts';
import { createUser } from '../users/service.ts';
import type { Role } from '../../shared/roles.ts';

export const DEMO_PASSWORD = 'Meridian-2026';

export interface DemoUser {
  username: string;
  role: Role;
  label: string;
  regionCode?: string;
  facilityCode?: string;
}

export const DEMO_USERS: DemoUser[] = [
  { username: 'admin', role: 'sysadmin', label: '系统管理员 / system administrator' },
];

/** Loads the demo into an empty database; returns false when the database already has users. */
export async function loadDemo(db: Db, _keys: Keys, o: { residents?: number; log?: (m: string) => void } = {}): Promise<boolean> {
  const [{ n }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  if (n > 0) return false;
  o.log?.('loading the demo data into the empty database…');
  for (const u of DEMO_USERS) {
    await createUser(db, null, { username: u.username, role: u.role, regionCode: u.regionCode ?? null, facilityCode: u.facilityCode ?? null, displayName: u.label.split(' / ')[0], password: DEMO_PASSWORD });
  }
  return true;
}
