// The embedded PostgreSQL (PGlite) in a worker thread of its own (plain JavaScript: a worker does not
// inherit the TypeScript loader). PGlite executes every statement synchronously on the thread that
// holds it; here that thread is not the server's, so a long statement (an indicator computation on a
// whole county) never stops the server answering other requests. src/platform/db.ts speaks to it:
// one message per operation, answered in order; the caller serialises transactions.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite, types } from '@electric-sql/pglite';

const OID_NUMERIC = 1700;
const toNumber = (v) => (v === null ? v : Number(v));
const asIs = (v) => v;

const db = await PGlite.create({
  ...(workerData.dataDir ? { dataDir: workerData.dataDir } : {}),
  ...(workerData.load ? { loadDataDir: new Blob([workerData.load]) } : {}),
  parsers: { [types.INT8]: toNumber, [OID_NUMERIC]: toNumber, [types.DATE]: asIs },
});
await db.exec(`SET TIME ZONE '${workerData.timeZone}'`);

/** The fields of a database error that callers read (SQLSTATE, detail, constraint …): an Error's own properties do not cross threads. */
function plainError(e) {
  const out = { message: e instanceof Error ? e.message : String(e), name: e?.name ?? 'Error' };
  for (const k of ['code', 'detail', 'hint', 'constraint', 'column', 'table', 'schema', 'severity', 'position', 'where', 'dataType']) {
    if (e && typeof e === 'object' && e[k] !== undefined) out[k] = e[k];
  }
  return out;
}

parentPort.on('message', async (m) => {
  try {
    let result;
    switch (m.op) {
      case 'query': result = (await db.query(m.sql, m.params)).rows; break;
      case 'exec': await db.exec(m.sql); break;
      case 'copy': await db.query(m.sql, [], { blob: new Blob([m.text]) }); break;
      case 'dump': result = new Uint8Array(await (await db.dumpDataDir('gzip')).arrayBuffer()); break;
      case 'close': await db.close(); break;
      default: throw new Error(`unknown operation ${m.op}`);
    }
    parentPort.postMessage({ id: m.id, ok: true, result });
  } catch (e) {
    parentPort.postMessage({ id: m.id, ok: false, error: plainError(e) });
  }
});
parentPort.postMessage({ ready: true });
