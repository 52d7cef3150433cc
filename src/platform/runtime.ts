// Opening the database the configuration names, with its lock, key and migrations.
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Config } from './config.ts';
import { openPgliteWorker, openPostgres, type Db } from './db.ts';
import { lockDataDir } from './data-lock.ts';
import { deriveKeys, loadSecret, type Keys } from './crypto.ts';
import { migrate } from './migrate.ts';
import { grantApp } from './roles.ts';

export interface Runtime {
  db: Db;
  keys: Keys;
  close(): Promise<void>;
}

/**
 * Two roles (README "Two database roles"): the owner applies the migrations and grants the
 * application's role (the user of DATABASE_URL) its privileges on what they created.
 */
export async function migrateAsOwner(ownerUrl: string, appUrl: string): Promise<string[]> {
  const owner = await openPostgres(ownerUrl, { max: 1 });
  try {
    const applied = await migrate(owner);
    await grantApp(owner, decodeURIComponent(new URL(appUrl).username));
    return applied;
  } finally {
    await owner.close();
  }
}

/** Opens the configured database (locking the embedded data folder first), optionally migrating it. */
export async function openRuntime(config: Config, command: string, opts: { migrate?: boolean; afterMigrate?: (db: Db) => Promise<unknown> } = {}): Promise<Runtime> {
  let release = () => {};
  let db: Db;
  if (config.databaseUrl) {
    db = await openPostgres(config.databaseUrl);
  } else {
    release = lockDataDir(config.dataDir, command);
    try {
      mkdirSync(join(config.dataDir, 'db'), { recursive: true });
      db = await openPgliteWorker(join(config.dataDir, 'db'));
    } catch (e) {
      release();
      throw e;
    }
  }
  const keys = deriveKeys(loadSecret(config));
  if (opts.migrate !== false) {
    try {
      if (config.databaseOwnerUrl && config.databaseUrl) await migrateAsOwner(config.databaseOwnerUrl, config.databaseUrl);
      else await migrate(db);
      await opts.afterMigrate?.(db);
    } catch (e) {
      await db.close();
      release();
      throw e;
    }
  }
  return {
    db,
    keys,
    async close() {
      await db.close();
      release();
    },
  };
}
