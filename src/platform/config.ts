// Reads the environment once, validates every setting, and refuses to start with the whole list
// of what is wrong (not just the first problem).
import { z } from 'zod';
import { resolve } from 'node:path';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export interface Config {
  port: number;
  host: string;
  databaseUrl: string | null;
  /** The owner role's URL (PostgreSQL): migrations run through it, the app through databaseUrl. */
  databaseOwnerUrl: string | null;
  /** Minutes between the server's signed audit heads (anchors); 0 for none. */
  auditAnchorMinutes: number;
  dataDir: string;
  /** Raw key material from MERIDIAN_SECRET_KEY; null means "use or create the key file in dataDir". */
  secretKey: string | null;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Days an encounter keeps a record open to the worker and facility that saw the resident. */
  encounterAccessDays: number;
  /** Minutes without a request after which a session ends (besides its absolute expiry). */
  sessionIdleMinutes: number;
  /** Whether sysadmin, manager and officer accounts must sign in with a second factor (TOTP). */
  require2fa: boolean;
  /** Days an account of those roles may still sign in without having enrolled (from its creation). */
  twoFactorGraceDays: number;
  /** Fastify's trustProxy: false, true, a hop count, or a list of proxy addresses/CIDRs. */
  trustProxy: boolean | number | string[];
  /** Origins (besides the server's own) allowed to send state-changing requests. */
  allowedOrigins: string[];
  /** The MLLP port for HL7 v2 laboratory results (on HOST); null: no listener. */
  mllpPort: number | null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration / 配置有误:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const schema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  MERIDIAN_MLLP_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: z
    .string()
    .refine((s) => /^postgres(ql)?:\/\//.test(s), 'must start with postgres:// or postgresql://')
    .optional(),
  DATABASE_OWNER_URL: z
    .string()
    .refine((s) => /^postgres(ql)?:\/\//.test(s), 'must start with postgres:// or postgresql://')
    .optional(),
  MERIDIAN_AUDIT_ANCHOR_MINUTES: z.coerce.number().int().min(0).max(1440).default(5),
  MERIDIAN_DATA_DIR: z.string().min(1).default('./data'),
  MERIDIAN_SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  MERIDIAN_ENCOUNTER_ACCESS_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  MERIDIAN_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  MERIDIAN_REQUIRE_2FA: z.enum(['on', 'off', 'true', 'false', '1', '0']).default('on'),
  MERIDIAN_2FA_GRACE_DAYS: z.coerce.number().int().min(0).max(90).default(7),
  TRUST_PROXY: z
    .string()
    .refine((s) => /^(true|false|\d{1,2})$/.test(s) || s.split(',').every((p) => /^[0-9a-fA-F.:]+(\/\d{1,3})?$|^(loopback|linklocal|uniquelocal)$/.test(p.trim())),
      'true, false, a hop count, or a comma list of proxy addresses/CIDRs (or loopback, linklocal, uniquelocal)')
    .default('false'),
  MERIDIAN_ALLOWED_ORIGINS: z
    .string()
    .refine((s) => s.split(',').every((o) => /^https?:\/\/[^/\s]+$/.test(o.trim())), 'a comma list of origins such as https://meridian.example')
    .optional(),
});

/** Why two URLs do not name the same database with two different users (null when they do). */
function sameDatabase(owner: string, app: string): string | null {
  let o: URL, a: URL;
  try {
    o = new URL(owner);
    a = new URL(app);
  } catch {
    return 'is not a valid URL';
  }
  const where = (u: URL) => `${u.hostname}:${u.port || '5432'}${decodeURIComponent(u.pathname)}`;
  if (where(o) !== where(a)) return 'must name the same server and database as DATABASE_URL';
  if (decodeURIComponent(o.username) === decodeURIComponent(a.username)) return 'must name another user than DATABASE_URL (the owner role, not the application\'s)';
  return null;
}

// Settings whose value is a secret, or may carry one: a problem with them is named without the value.
const SECRET = new Set(['MERIDIAN_SECRET_KEY', 'DATABASE_URL', 'DATABASE_OWNER_URL']);

/** What a problem report may show of a value: secrets never, anything else shortened. */
function shown(key: string, value: unknown): string {
  if (value === undefined) return 'unset';
  if (SECRET.has(key)) return `${String(value).length} characters, value not shown`;
  const s = JSON.stringify(value);
  return `got ${s.length > 80 ? s.slice(0, 77) + '…"' : s}`;
}

function trustProxyOf(s: string): boolean | number | string[] {
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (/^\d+$/.test(s)) return Number(s);
  return s.split(',').map((p) => p.trim());
}

/** Validates the environment; throws ConfigError listing every bad setting. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const r = schema.safeParse(input);
  const problems: string[] = [];
  if (!r.success) {
    for (const issue of r.error.issues) problems.push(`${issue.path.join('.')}: ${issue.message} (${shown(String(issue.path[0]), input[String(issue.path[0])])})`);
  }
  if (r.success && r.data.DATABASE_URL && !r.data.MERIDIAN_SECRET_KEY) {
    problems.push('MERIDIAN_SECRET_KEY: required when DATABASE_URL is set (the key cannot live beside a server database)');
  }
  if (r.success && r.data.DATABASE_OWNER_URL) {
    if (!r.data.DATABASE_URL) problems.push('DATABASE_OWNER_URL: set only together with DATABASE_URL (the owner migrates, the application connects with DATABASE_URL)');
    else {
      const o = sameDatabase(r.data.DATABASE_OWNER_URL, r.data.DATABASE_URL);
      if (o) problems.push(`DATABASE_OWNER_URL: ${o}`);
    }
  }
  if (problems.length || !r.success) throw new ConfigError(problems);
  const d = r.data;
  return {
    port: d.PORT,
    host: d.HOST,
    databaseUrl: d.DATABASE_URL ?? null,
    databaseOwnerUrl: d.DATABASE_OWNER_URL ?? null,
    auditAnchorMinutes: d.MERIDIAN_AUDIT_ANCHOR_MINUTES,
    dataDir: resolve(d.MERIDIAN_DATA_DIR),
    secretKey: d.MERIDIAN_SECRET_KEY ?? null,
    logLevel: d.LOG_LEVEL,
    encounterAccessDays: d.MERIDIAN_ENCOUNTER_ACCESS_DAYS,
    sessionIdleMinutes: d.MERIDIAN_SESSION_IDLE_MINUTES,
    require2fa: ['on', 'true', '1'].includes(d.MERIDIAN_REQUIRE_2FA),
    twoFactorGraceDays: d.MERIDIAN_2FA_GRACE_DAYS,
    trustProxy: trustProxyOf(d.TRUST_PROXY),
    allowedOrigins: d.MERIDIAN_ALLOWED_ORIGINS ? d.MERIDIAN_ALLOWED_ORIGINS.split(',').map((o) => o.trim()) : [],
    mllpPort: d.MERIDIAN_MLLP_PORT ?? null,
  };
}
