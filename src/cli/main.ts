// meridian start | migrate | user add|disable|reset-password|reset-2fa | client add|list|revoke | audit verify|anchor|seal|public-key | db roles | seed |
// indicators compute|refresh | regions import | icd10 import | plan parse. Every message in Chinese and English, naming what
// is at fault; wrong or contradictory options are refused before any database is opened.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../platform/config.ts';
import { join } from 'node:path';
import { ROLES, type Role } from '../shared/roles.ts';
import { AppError } from '../platform/errors.ts';
// Each command imports what it runs when it runs (`await import(…)` in its action): a process that
// prints its version, refuses an option or adds a user does not load the whole server first.

import { CliError, config, readStdin, readTextFile, requireDatabase, withRuntime } from './util.ts';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Commander's own messages (English) with their Chinese. */
function bilingualCommanderError(text: string): string {
  const en = text.replace(/^error:\s*/, '').trim();
  const rules: [RegExp, (m: RegExpMatchArray) => string][] = [
    [/unknown option '([^']+)'/, (m) => `未知选项 ${m[1]}`],
    [/required option '([^']+)' not specified/, (m) => `缺少必需的选项 ${m[1]}`],
    [/unknown command '([^']+)'/, (m) => `未知命令 ${m[1]}`],
    [/missing required argument '([^']+)'/, (m) => `缺少参数 ${m[1]}`],
    [/option '([^']+)' argument missing/, (m) => `选项 ${m[1]} 缺少取值`],
    [/too many arguments/, () => '参数过多'],
  ];
  for (const [re, zh] of rules) {
    const m = en.match(re);
    if (m) return `meridian: ${zh(m)} / ${en}\n`;
  }
  return `meridian: 命令行有误 / ${en}\n`;
}

/** A whole number option, or a refusal naming the option and the value. */
function wholeNumber(option: string, v: string): number {
  const n = Number(v);
  if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n)) throw new CliError(`${option} 须为整数（收到 "${v}"）`, `${option} must be a whole number (got "${v}")`);
  return n;
}

const program = new Command();
program.name('meridian').description('Meridian 县域整合型医疗卫生服务平台 — server and administration').showHelpAfterError();
program.version(VERSION, '-V, --version', 'print the version');
program.exitOverride();
program.configureOutput({ outputError: (text, write) => write(bilingualCommanderError(text)) });

program
  .command('start')
  .description('migrate the database, load the demo county when empty, and serve the API and web app')
  .option('--build-if-missing', 'build the web app first when dist/web is missing')
  .option('--no-demo', 'do not load the demo data into an empty database')
  .option('--demo-residents <n>', 'residents in the demo county on first start (100–2000000; default 20000)')
  .action(async (o: { buildIfMissing?: boolean; demo: boolean; demoResidents?: string }) => {
    const demoResidents = o.demoResidents === undefined ? undefined : residentsCount('--demo-residents', o.demoResidents);
    if (!o.demo && demoResidents !== undefined) throw new CliError('--no-demo 与 --demo-residents 不能同时使用', '--no-demo and --demo-residents contradict each other: give one');
    const { startServer } = await import('./start.ts');
    await startServer(config(), { buildIfMissing: !!o.buildIfMissing, demo: o.demo, demoResidents });
  });

program
  .command('migrate')
  .description('apply the database migrations not yet applied')
  .action(async () => {
    const c = config();
    const [{ migrateAsOwner }, { migrate }] = await Promise.all([import('../platform/runtime.ts'), import('../platform/migrate.ts')]);
    const applied = c.databaseOwnerUrl && c.databaseUrl
      ? await migrateAsOwner(c.databaseOwnerUrl, c.databaseUrl)
      : await withRuntime('migrate', (rt) => migrate(rt.db), { migrate: false });
    console.log(applied.length ? `applied: ${applied.join(', ')} / 已执行迁移` : 'database is up to date / 数据库已是最新');
  });

const user = program.command('user').description('manage users');
user
  .command('add <username>')
  .description('create a user; the password is read from standard input')
  .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
  .option('--region <code>', 'region scope (GB/T 2260 or 12-digit statistical code)')
  .option('--facility <code>', 'facility scope (facility code)')
  .option('--name <displayName>', 'display name')
  .option('--worker <id>', 'the health worker (registry id) this account belongs to')
  .option('--unit <name>', 'role department: the government department (name or alias, e.g. 区医保局) the user reports for')
  .option('--password-stdin', 'read the password from standard input')
  .action(async (username: string, o: { role: string; region?: string; facility?: string; name?: string; worker?: string; unit?: string; passwordStdin?: boolean }) => {
    if (!(ROLES as readonly string[]).includes(o.role)) throw new CliError(`用户 ${username}：未知角色 "${o.role}"，可选 ${ROLES.join(', ')}`, `user ${username}: unknown role "${o.role}"; use one of ${ROLES.join(', ')}`);
    if (o.unit && o.role !== 'department') throw new CliError(`用户 ${username}：--unit 仅用于 department 角色（收到 ${o.role}）`, `user ${username}: --unit is for the department role only (got ${o.role})`);
    if (!o.passwordStdin) throw new CliError(`用户 ${username}：请用 --password-stdin 从标准输入提供密码（不要写在命令行上）`, `user ${username}: give the password with --password-stdin (never on the command line)`);
    const password = await readStdin();
    const [{ findUnit }, { createUser }] = await Promise.all([import('../modules/ledger/service.ts'), import('../modules/users/service.ts')]);
    const u = await withRuntime('user add', async (rt) => {
      const unitId = o.unit ? (await findUnit(rt.db, o.unit, o.region ?? null))?.id : null;
      if (o.unit && !unitId) throw new CliError(`用户 ${username}：未知单位 "${o.unit}"，没有此名称或简称的部门`, `user ${username}: unknown unit "${o.unit}": no department of that name or alias`);
      return createUser(rt.db, null, { username, role: o.role as Role, regionCode: o.region ?? null, facilityCode: o.facility ?? null, displayName: o.name, workerId: o.worker ?? null, unitId, password });
    });
    console.log(`created user ${u.username} (${u.role}) / 已创建用户 ${u.username}（${u.role}）`);
  });
user
  .command('disable <username>')
  .description('disable a user and end their sessions')
  .option('--enable', 'enable the user again instead')
  .action(async (username: string, o: { enable?: boolean }) => {
    requireDatabase('user disable');
    const { setDisabled } = await import('../modules/users/service.ts');
    await withRuntime('user disable', (rt) => namingUser(username, setDisabled(rt.db, null, username, !o.enable)));
    console.log(o.enable ? `enabled ${username} / 已启用 ${username}` : `disabled ${username} / 已停用 ${username}`);
  });
user
  .command('reset-password <username>')
  .description('set a new password (from standard input), clear the lock and end sessions')
  .option('--password-stdin', 'read the password from standard input')
  .action(async (username: string, o: { passwordStdin?: boolean }) => {
    if (!o.passwordStdin) throw new CliError(`用户 ${username}：请用 --password-stdin 从标准输入提供新密码`, `user ${username}: give the password with --password-stdin`);
    requireDatabase('user reset-password');
    const password = await readStdin();
    const { resetPassword } = await import('../modules/users/service.ts');
    await withRuntime('user reset-password', (rt) => namingUser(username, resetPassword(rt.db, null, username, password)));
    console.log(`password reset for ${username} / 已重置 ${username} 的密码`);
  });
user
  .command('reset-2fa <username>')
  .description("remove a user's lost authenticator and recovery codes and end their sessions: they enrol anew at next sign-in")
  .requiredOption('--reason <text>', 'why (kept in the audit)')
  .action(async (username: string, o: { reason: string }) => {
    requireDatabase('user reset-2fa');
    const { resetSecondFactor } = await import('../modules/auth/service.ts');
    const r = await withRuntime('user reset-2fa', (rt) => namingUser(username, resetSecondFactor({ db: rt.db }, null, username, o.reason)));
    console.log(r.hadAuthenticator
      ? `second factor removed for ${username}; ${r.sessionsEnded} session(s) ended / 已移除 ${username} 的双因素验证，结束会话 ${r.sessionsEnded} 个`
      : `${username} had no authenticator enrolled; ${r.sessionsEnded} session(s) ended / ${username} 尚未绑定身份验证器，结束会话 ${r.sessionsEnded} 个`);
  });

const client = program.command('client').description('facility systems (HIS/LIS) that send data with client credentials (POST /oauth/token)');
client
  .command('add')
  .description('register a facility system; prints its client id and secret (the secret is shown this once)')
  .requiredOption('--facility <code>', 'the facility the system belongs to (facility code)')
  .requiredOption('--name <name>', 'what the system is, e.g. "县人民医院 HIS" (1–100 characters)')
  .option('--scope <scope>', 'a scope the system may ask for (repeatable): records:write (default) or a SMART system scope such as system/Observation.write, system/*.read', (v: string, acc: string[] = []) => [...acc, v])
  .action(async (o: { facility: string; name: string; scope?: string[] }) => {
    const name = o.name.trim();
    if (!name || name.length > 100) throw new CliError(`--name 须为1–100个字符（收到 ${name.length} 个）`, `--name must have 1–100 characters (got ${name.length})`);
    const { isSystemScope } = await import('../modules/auth/scopes.ts');
    const bad = (o.scope ?? []).find((x) => !isSystemScope(x));
    if (bad !== undefined) throw new CliError(`权限范围 ${bad} 无效（--scope：records:write 或 system/<类型|*>.<read|write|*>）`, `invalid scope ${bad} (--scope: records:write or system/<Type|*>.<read|write|*>)`);
    requireDatabase('client add');
    const { createClient } = await import('../modules/auth/clients.ts');
    const c = await withRuntime('client add', async (rt) => {
      try {
        return await createClient(rt.db, null, { facilityCode: o.facility, name, scopes: o.scope });
      } catch (e) {
        if (e instanceof AppError && e.fields.some((f) => f.path === 'facilityCode')) throw new CliError(`未知机构 ${o.facility}（--facility）`, `unknown facility ${o.facility} (--facility)`);
        throw e;
      }
    });
    console.log(`registered ${c.client.name} for ${c.client.facilityCode} ${c.client.facilityName} / 已登记系统客户端（密钥仅显示这一次，请妥善保存）`);
    console.log(`client_id=${c.client.clientId}`);
    console.log(`client_secret=${c.clientSecret}`);
  });
client
  .command('list')
  .description('list the facility systems, newest first, with their state')
  .option('--facility <code>', 'only the systems of this facility')
  .action(async (o: { facility?: string }) => {
    requireDatabase('client list');
    const { listClients } = await import('../modules/auth/clients.ts');
    const items = await withRuntime('client list', async (rt) => {
      try {
        return await listClients(rt.db, o.facility ?? null);
      } catch (e) {
        if (e instanceof AppError && e.status === 404) throw new CliError(`未知机构 ${o.facility}（--facility）`, `unknown facility ${o.facility} (--facility)`);
        throw e;
      }
    });
    if (!items.length) console.log('no system clients / 尚无系统客户端');
    for (const c of items) {
      const state = c.revokedAt ? `revoked ${c.revokedAt} / 已吊销` : 'active / 有效';
      console.log(`${c.clientId}  ${c.facilityCode} ${c.facilityName}  ${c.name}  ${c.scopes.join(' ')}  created ${c.createdAt}  ${state}`);
    }
  });
client
  .command('revoke <client-id>')
  .description('revoke a facility system: it obtains no new token, and its tokens stop working at once')
  .action(async (clientId: string) => {
    requireDatabase('client revoke');
    const { revokeClient } = await import('../modules/auth/clients.ts');
    await withRuntime('client revoke', async (rt) => {
      try {
        return await revokeClient(rt.db, null, clientId);
      } catch (e) {
        if (e instanceof AppError && e.status === 404) throw new CliError(`系统客户端 ${clientId} 不存在`, `no system client ${clientId}`);
        throw e;
      }
    });
    console.log(`revoked ${clientId} / 已吊销 ${clientId}`);
  });

const audit = program.command('audit').description('audit trail: the sealed, keyed hash chain and its signed anchors');
audit
  .command('verify')
  .description('seal what is committed, then check the whole chain and every anchor; lists every break, exit 1 on any')
  .option('--anchor <json>', 'also check this anchor (one JSON line printed by `meridian audit anchor`, kept elsewhere)', (v: string, prev: string[] = []) => [...prev, v])
  .option('--anchor-file <file>', 'also check the anchors of this file (JSON lines)')
  .option('--no-seal', 'do not seal pending rows first')
  .action(async (o: { anchor?: string[]; anchorFile?: string; seal: boolean }) => {
    const { ANCHOR_FILE, parseAnchor, readAnchorFile, sealAudit, verifyAudit } = await import('../platform/audit.ts');
    const given = (o.anchor ?? []).map((s) => parseAnchor(s) ?? (() => { throw new CliError(`--anchor 不是锚点：${s.slice(0, 80)}`, `--anchor is not an anchor: ${s.slice(0, 80)}`); })());
    requireDatabase('audit verify');
    const c = config();
    const files = [join(c.dataDir, ANCHOR_FILE), ...(o.anchorFile ? [o.anchorFile] : [])];
    const r = await withRuntime('audit verify', async (rt) => {
      if (o.seal) await sealAudit(rt.db, rt.keys);
      return verifyAudit(rt.db, rt.keys, { anchors: [...given, ...files.flatMap(readAnchorFile)] });
    });
    const anchor = r.latestAnchor ? `anchor checked: seq ${r.latestAnchor.seq} signed ${r.latestAnchor.at} (${r.anchorsChecked} anchors match) / 已核对锚点` : 'no anchor to check yet (run `meridian audit anchor`) / 尚无锚点';
    if (r.intact) {
      console.log(`intact (${r.rows} rows) / 完整: ${r.head.seq ? `seq 1–${r.head.seq} sealed` : 'nothing sealed yet'}, ${r.unsealed} not sealed yet; ${anchor}`);
      return;
    }
    for (const b of r.breaks) console.error(b.message);
    throw new CliError(`审计链已破坏：${r.rows} 个已封存行中有 ${r.breaks.length} 处断裂；${anchor}`, `broken: ${r.breaks.length} break${r.breaks.length === 1 ? '' : 's'} in ${r.rows} sealed rows; ${anchor}`);
  });
audit
  .command('anchor')
  .description('seal what is committed, sign the head and store it (table and data folder); prints it as one JSON line')
  .action(async () => {
    const c = config();
    const { ANCHOR_FILE, anchorAudit } = await import('../platform/audit.ts');
    const a = await withRuntime('audit anchor', (rt) => anchorAudit(rt.db, rt.keys, { file: join(c.dataDir, ANCHOR_FILE) }));
    console.log(JSON.stringify(a));
  });
audit
  .command('seal')
  .description('chain the committed rows not sealed yet (the server does this every half second)')
  .action(async () => {
    const { sealAudit } = await import('../platform/audit.ts');
    const r = await withRuntime('audit seal', (rt) => sealAudit(rt.db, rt.keys));
    console.log(`sealed ${r.sealed} rows; head seq ${r.head.seq}`);
  });
audit
  .command('public-key')
  .description("print the anchors' Ed25519 public key (PEM): lets others check anchors without the secret")
  .action(async () => {
    const [{ deriveKeys, loadSecret }, { anchorPublicKey }] = await Promise.all([import('../platform/crypto.ts'), import('../platform/audit.ts')]);
    process.stdout.write(anchorPublicKey(deriveKeys(loadSecret(config()))));
  });

const dbCmd = program.command('db').description('database administration (PostgreSQL server)');
dbCmd
  .command('roles')
  .description('print (or with --apply create) the owner role that runs migrations and the app role that may only INSERT into the audit')
  .option('--owner <name>', 'owner role', 'meridian_owner')
  .option('--app <name>', 'application role', 'meridian_app')
  .option('--schema <name>', 'schema the owner owns (the roles\' search_path)', 'meridian')
  .option('--database <name>', 'database name (default: the one of --admin-url, else meridian)')
  .option('--apply', 'run the SQL through --admin-url (a superuser or CREATEROLE user) with generated passwords, and print both URLs')
  .option('--admin-url <url>', 'postgres://… of a superuser (with --apply)')
  .action(async (o: { owner: string; app: string; schema: string; database?: string; apply?: boolean; adminUrl?: string }) => {
    const { rolesSql, appGrantsSql, validIdentifier } = await import('../platform/roles.ts');
    for (const [what, v] of [['--owner', o.owner], ['--app', o.app], ['--schema', o.schema]] as const) {
      if (!validIdentifier(v)) throw new CliError(`${what} 须为小写标识符（a–z、0–9、_），实际为 ${JSON.stringify(v.slice(0, 64))}`, `${what} must be a lower-case identifier (a–z, 0–9, _), got ${JSON.stringify(v.slice(0, 64))}`);
    }
    if (o.owner === o.app) throw new CliError('--owner 与 --app 须为两个不同的角色', '--owner and --app must be two different roles');
    if (!o.apply) {
      const sql = rolesSql({ owner: o.owner, app: o.app, schema: o.schema, database: o.database ?? 'meridian' });
      console.log(['-- as a superuser, once; then set passwords (ALTER ROLE … PASSWORD …) or use --apply', ...sql.map((s) => s + ';'),
        `-- after every migration (meridian migrate with DATABASE_OWNER_URL does this), as ${o.owner}:`, ...appGrantsSql(o.app, o.schema).map((s) => s + ';')].join('\n'));
      return;
    }
    if (!o.adminUrl || !/^postgres(ql)?:\/\//.test(o.adminUrl)) throw new CliError('--apply 需要 --admin-url postgres://…（服务器的超级用户）', '--apply needs --admin-url postgres://… (a superuser of the server)');
    const { randomBytes } = await import('node:crypto');
    const { openPostgres } = await import('../platform/db.ts');
    const admin = new URL(o.adminUrl);
    const database = o.database ?? (decodeURIComponent(admin.pathname.slice(1)) || 'meridian');
    const passwords = { owner: randomBytes(24).toString('base64url'), app: randomBytes(24).toString('base64url') };
    const db = await openPostgres(o.adminUrl, { max: 1 });
    try {
      await db.tx(async (q) => { for (const s of rolesSql({ owner: o.owner, app: o.app, schema: o.schema, database, passwords })) await q.exec(s); });
    } finally {
      await db.close();
    }
    const url = (user: string, pw: string) => { const u = new URL(o.adminUrl!); u.username = user; u.password = pw; u.pathname = `/${database}`; return u.toString(); };
    console.log(`created roles ${o.owner} (owner) and ${o.app} (application) and schema ${o.schema}; keep these (shown once):`);
    console.log(`DATABASE_OWNER_URL=${url(o.owner, passwords.owner)}`);
    console.log(`DATABASE_URL=${url(o.app, passwords.app)}`);
    console.log('then: meridian migrate   (runs as the owner and grants the application role its privileges)');
  });

program
  .command('seed')
  .description('build a demo county (deterministic for the seed) into an empty database')
  .requiredOption('--county <code>', 'GB/T 2260 county code, e.g. 371003 (Wendeng)')
  .option('--residents <n>', 'number of residents (100–2000000)', '20000')
  .option('--seed <s>', 'random seed (a whole number)', '1')
  .option('--no-indicators', 'do not compute the indicators at the end (the dashboards stay empty until `meridian indicators compute`)')
  .action(async (raw: { county: string; residents: string; seed: string; indicators: boolean }) => {
    const o = { county: raw.county, residents: residentsCount('--residents', raw.residents), seed: wholeNumber('--seed', raw.seed) };
    const { seedCounty, shippedRegions } = await import('../modules/demo/seed.ts');
    // The county must be in the shipped region tree, with villages, before the data folder is touched.
    const tree = shippedRegions();
    const county = tree.find((r) => r.code === o.county && r.level === 'county');
    if (!county) {
      throw new CliError(`未知县（区）${o.county}：不在随附的行政区划（data/regions/regions.csv）中；可先用 meridian regions import 导入`,
        `unknown county ${o.county}: not in the shipped region tree (data/regions/regions.csv); import it with meridian regions import first`);
    }
    if (!tree.some((r) => r.level === 'village' && r.code.startsWith(o.county))) throw new CliError(`县（区）${o.county}（${county.name}）在随附的行政区划中没有村`, `county ${o.county} (${county.name}) has no villages in the shipped region tree`);
    const { createDemoUsers } = await import('../modules/demo/demo.ts');
    const s = await withRuntime('seed', async (rt) => {
      const summary = await seedCounty(rt.db, rt.keys, { county: o.county, residents: o.residents, seed: o.seed, indicators: raw.indicators, log: (m) => console.error(m) });
      await createDemoUsers(rt.db, o.county);
      return summary;
    });
    console.log(`seeded ${o.county}: ${s.facilities} facilities, ${s.workers} workers, ${s.households} households, ${s.residents} residents / 已生成 ${county.name}`);
  });

const indicators = program.command('indicators').description('the indicators: computed values per indicator, unit and period');
indicators
  .command('compute')
  .description('compute every indicator for every period of a year (or one period) in every county, and store the values')
  .option('--period <p>', 'one period: YYYY, YYYY-Qn or YYYY-MM')
  .option('--year <y>', 'every month, quarter and the year of this year (default: the current year)')
  .option('--county <code>', 'only this county (one that has facilities in the database)')
  .action(async (raw: { period?: string; year?: string; county?: string }) => {
    if (raw.period && raw.year) throw new CliError(`--period ${raw.period} 与 --year ${raw.year} 不能同时使用`, `--period ${raw.period} and --year ${raw.year} contradict each other: give one`);
    const o = { period: raw.period, year: raw.year === undefined ? undefined : wholeNumber('--year', raw.year), county: raw.county };
    if (o.year !== undefined && (o.year < 2000 || o.year > 2100)) throw new CliError(`--year 须在 2000–2100 之间（收到 ${o.year}）`, `--year must be between 2000 and 2100 (got ${o.year})`);
    if (o.county !== undefined && !/^\d{6}$/.test(o.county)) throw new CliError(`--county 须为6位县级区划代码（收到 "${o.county}"）`, `--county must be a 6-digit county code (got "${o.county}")`);
    const { isPeriod, periodsOfYear } = await import('../modules/indicators/rules.ts');
    const { compute, counties } = await import('../modules/indicators/engine.ts');
    const { today } = await import('../shared/time.ts');
    if (o.period && !isPeriod(o.period)) throw new CliError(`--period 须为 YYYY、YYYY-Qn 或 YYYY-MM（收到 "${o.period}"）`, `--period must be YYYY, YYYY-Qn or YYYY-MM (got "${o.period}")`);
    requireDatabase('indicators compute');
    const day = today();
    const periods = o.period ? [o.period] : periodsOfYear(o.year ?? Number(day.slice(0, 4)), day);
    await withRuntime('indicators compute', async (rt) => {
      const known = await counties(rt.db);
      if (o.county && !known.includes(o.county)) {
        throw new CliError(`未知县（区）${o.county}：数据库中没有该县的机构（已有：${known.join('、') || '无'}）`, `unknown county ${o.county}: the database has no facilities in it (it has: ${known.join(', ') || 'none'})`);
      }
      for (const county of o.county ? [o.county] : known) {
        const r = await compute(rt.db, { county, periods, today: day, log: (m) => console.error(m) });
        console.log(`${county}: ${r.indicators} indicators × ${r.periods} periods, ${r.values} values in ${r.ms} ms`);
      }
    });
  });
indicators
  .command('refresh')
  .description('recompute what a changed definition or a late record touches, and the current periods (what the nightly job runs)')
  .action(async () => {
    requireDatabase('indicators refresh');
    const { refresh } = await import('../modules/indicators/engine.ts');
    const { today } = await import('../shared/time.ts');
    const done = await withRuntime('indicators refresh', (rt) => refresh(rt.db, today(), (m) => console.error(m)));
    for (const d of done) console.log(`${d.county}: ${d.indicators} indicators, ${d.periods} periods recomputed`);
  });

const regions = program.command('regions').description('the region tree');
regions
  .command('import <file>')
  .description('load regions from a CSV file (code,name,parent_code[,level]); all rows or none')
  .action(async (file: string) => {
    const { importRegions } = await import('../modules/registry/regions.ts');
    const text = readTextFile(file);
    const r = await withRuntime('regions import', (rt) => importRegions(rt.db, { userId: null, username: 'cli', role: 'sysadmin', ip: null }, text));
    console.log(`imported ${r.imported} regions from ${file} / 已从 ${file} 导入 ${r.imported} 个行政区划`);
  });

program
  .command('icd10')
  .description('the ICD-10 code list')
  .command('import <file>')
  .description('add or rename ICD-10 codes from a CSV file (code,name_zh,name_en,chapter,category); all rows or none')
  .action(async (file: string) => {
    const { upsertIcd10 } = await import('../modules/records/reference.ts');
    const text = readTextFile(file);
    const n = await withRuntime('icd10 import', (rt) => upsertIcd10(rt.db, text));
    console.log(`imported ${n} ICD-10 codes from ${file} / 已从 ${file} 导入 ${n} 个 ICD-10 编码`);
  });

program
  .command('plan')
  .description('reform plans')
  .command('parse <file>')
  .description('read a plan (.txt, .md, .docx) into its tasks, units, deadlines and targets')
  .option('--json', 'print one JSON document (shared/contracts/plan-import.schema.json)')
  .action(async (file: string, o: { json?: boolean }) => {
    const { parsePlanFile } = await import('../modules/plans/file.ts');
    const { existsSync } = await import('node:fs');
    if (!existsSync(file)) throw new CliError(`文件不存在：${file}`, `no such file: ${file}`);
    const plan = await parsePlanFile(file);
    if (o.json) {
      console.log(JSON.stringify(plan, null, 2));
      return;
    }
    console.log(`${plan.title}\n${[plan.issuer, plan.docNumber, plan.date].filter(Boolean).join('  ')}\n`);
    for (const t of plan.tasks) {
      console.log(`${t.path.join(' / ')}  ${t.title}`);
      if (t.responsibleUnits.length) console.log(`    责任单位：${t.responsibleUnits.join('、')}`);
      if (t.cooperatingUnits.length) console.log(`    配合单位：${t.cooperatingUnits.join('、')}`);
      if (t.deadline) console.log(`    时限：${t.deadline}`);
    }
    console.log(`\n${plan.tasks.length} tasks, ${plan.targets.length} quantified targets`);
    for (const g of plan.targets) console.log(`  ${g.taskPath?.join('/') ?? '总体'}  ${g.metric ?? ''} ${g.comparator} ${JSON.stringify(g.value)}${g.unit}${g.year ? ` (${g.year})` : ''}${g.indicator ? `  [${g.indicator}]` : ''}`);
  });

/** A residents count for the demo county, or a refusal naming the option. */
function residentsCount(option: string, v: string): number {
  const n = wholeNumber(option, v);
  if (n < 100 || n > 2_000_000) throw new CliError(`${option} 须在 100 到 2000000 之间（收到 ${n}）`, `${option} must be a whole number between 100 and 2000000 (got ${n})`);
  return n;
}

/** Runs a user command; a user that does not exist is named in the message. */
async function namingUser<T>(username: string, p: Promise<T>): Promise<T> {
  try {
    return await p;
  } catch (e) {
    if (e instanceof AppError && e.status === 404) throw new CliError(`用户 ${username} 不存在`, `no user ${username}`);
    throw e;
  }
}

async function main() {
  try {
    await program.parseAsync(process.argv);
  } catch (e) {
    if (e instanceof CommanderError) process.exit(e.exitCode);
    if (e instanceof AppError && e.fields.length > 1) {
      // A refused import names every line at fault: one line each after the summary.
      console.error(`meridian: ${e.text.zh} / ${e.text.en}`);
      for (const f of e.fields) console.error(`  ${f.path}: ${f.problem}`);
      process.exit(1);
    }
    const msg =
      e instanceof ConfigError ? e.message
      : e instanceof AppError ? `${e.text.zh} / ${e.text.en}${e.fields.length ? ` (${e.fields.map((f) => `${f.path}: ${f.problem}`).join('; ')})` : ''}`
      : e instanceof Error ? e.message.split('\n')[0]
      : String(e);
    console.error(`meridian: ${msg}`);
    process.exit(1);
  }
}

await main();
