// `meridian start`: migrate, load the demo when the database is empty, serve, stop cleanly on SIGTERM.
import { existsSync } from 'node:fs';
import type { Config } from '../platform/config.ts';
import { openRuntime } from '../platform/runtime.ts';
import { createLogger } from '../platform/logger.ts';
import { WEB_DIST } from '../platform/http.ts';
import { buildApp } from '../app.ts';
import { syncReferenceData } from '../reference-data.ts';
import { loadDemo, DEMO_PASSWORD, DEMO_USERS } from '../modules/demo/demo.ts';
import { startNightly } from '../modules/indicators/nightly.ts';
import { startEscalation } from '../modules/diagnostics/service.ts';
import { startMllp } from '../modules/diagnostics/mllp.ts';
import { startDailyDetection } from '../modules/surveillance/daily.ts';
import { join } from 'node:path';
import { ANCHOR_FILE, anchorAudit, startSealer } from '../platform/audit.ts';

/** Starts the server; resolves once it listens. */
export async function startServer(config: Config, o: { buildIfMissing: boolean; demo: boolean; demoResidents?: number }): Promise<void> {
  const log = createLogger(config.logLevel);
  if (o.buildIfMissing && !existsSync(WEB_DIST + 'index.html')) {
    log.info('building the web app (first start)…');
    const vite = await import('vite');
    await vite.build({ configFile: new URL('../../vite.config.ts', import.meta.url).pathname, logLevel: 'warn' });
  }
  const rt = await openRuntime(config, 'meridian start', { afterMigrate: syncReferenceData });
  let loaded = false;
  try {
    if (o.demo) loaded = await loadDemo(rt.db, rt.keys, { residents: o.demoResidents, log: (m) => log.info(m) });
  } catch (e) {
    await rt.close();
    throw e;
  }
  const app = await buildApp({ config, db: rt.db, keys: rt.keys }, { logger: log });
  const nightly = startNightly(rt.db, log);
  const detection = startDailyDetection(rt.db, log);
  // Critical values past their acknowledgement limit are escalated every 30 s, whether or not a desk is open.
  const escalation = startEscalation(rt.db, log);
  // Chains committed audit rows within a second; a signed head every MERIDIAN_AUDIT_ANCHOR_MINUTES,
  // stored in audit_anchors, appended to the data folder's anchor file and logged (copies outside the database).
  const sealer = startSealer(rt.db, rt.keys, { intervalMs: 500, anchorMinutes: config.auditAnchorMinutes, anchorFile: join(config.dataDir, ANCHOR_FILE), log });
  // HL7 v2 laboratory results over MLLP, only when MERIDIAN_MLLP_PORT is set (on HOST, like the HTTP server).
  const mllp = config.mllpPort ? await startMllp(rt.db, { port: config.mllpPort, host: config.host, log }) : null;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping: finishing requests in flight');
    nightly.stop();
    detection.stop();
    escalation.stop();
    await mllp?.close();
    await app.close();
    await sealer.stop();
    // The last rows sealed and, with scheduled anchors, one more signed head covering them.
    await sealer.sealNow().catch((e: unknown) => log.error({ err: e }, 'audit sealing at stop failed'));
    if (config.auditAnchorMinutes > 0) {
      await anchorAudit(rt.db, rt.keys, { file: join(config.dataDir, ANCHOR_FILE) })
        .then((a) => log.info({ auditAnchor: a }, 'audit anchor'))
        .catch((e: unknown) => log.error({ err: e }, 'audit anchor at stop failed'));
    }
    await rt.close();
    log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  await app.listen({ port: config.port, host: config.host });
  const url = `http://${config.host === '0.0.0.0' ? 'localhost' : config.host === '127.0.0.1' ? 'localhost' : config.host}:${config.port}`;
  const lines = [
    '',
    `  Meridian 县域整合型医疗卫生服务平台 is running at ${url}`,
    ...(mllp ? [`  HL7 v2 (MLLP) laboratory results on ${config.host}:${mllp.port}`] : []),
    `  database: ${config.databaseUrl ? 'PostgreSQL server' : `embedded PGlite in ${config.dataDir}`}${loaded ? ' (demo county loaded)' : ''}`,
    '',
    `  Demo sign-ins (password ${DEMO_PASSWORD}):`,
    ...DEMO_USERS.map((u) => `    ${u.username.padEnd(14)} ${u.label}`),
    '',
  ];
  console.log(lines.join('\n'));
}
