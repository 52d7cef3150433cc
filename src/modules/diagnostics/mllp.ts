// The MLLP listener (HL7 v2 over TCP, docs/reference/contracts.md HL7 v2 section): off unless
// MERIDIAN_MLLP_PORT is set; `meridian start` runs it beside the HTTP server. Each connection's
// messages are processed one after another in the order they arrive (a sender waits for each ACK in
// original mode, but one that does not still gets its ACKs in order).
import { createServer, type Socket } from 'node:net';
import type { Db } from '../../platform/db.ts';
import { MllpReader, mllpFrame } from './hl7.ts';
import { receiveLabMessage, receiveOversized } from './lab-interface.ts';

export interface MllpListener { port: number; close(): Promise<void> }
type Log = { info(o: object, m: string): void; warn(o: object, m: string): void; error(o: object, m: string): void };

/** Idle connections are closed after this long (ms) without a byte. */
const IDLE_MS = 5 * 60_000;

/** Listens for MLLP on host:port (port 0: any free port, as tests use); resolves once listening. */
export async function startMllp(db: Db, o: { port: number; host: string; log?: Log }): Promise<MllpListener> {
  const sockets = new Set<Socket>();
  const pending = new Set<Promise<void>>();
  const server = createServer((socket) => {
    sockets.add(socket);
    const peer = `${socket.remoteAddress ?? ''}:${socket.remotePort ?? ''}`;
    const reader = new MllpReader();
    let chain: Promise<void> = Promise.resolve();
    socket.setTimeout(IDLE_MS, () => socket.end());
    // an ACK is one small write the sender waits for: no Nagle delay
    socket.setNoDelay(true);
    socket.on('data', (chunk) => {
      for (const item of reader.push(chunk)) {
        const step = chain.then(async () => {
          const r = 'text' in item ? await receiveLabMessage(db, item.text, peer, new Date(), o.log) : await receiveOversized(db, item.head, peer);
          if (!socket.destroyed) socket.write(mllpFrame(r.ack));
        }).catch((e: unknown) => o.log?.error({ err: e, peer }, 'MLLP message could not be kept'));
        chain = step;
        pending.add(step);
        void step.finally(() => pending.delete(step));
      }
    });
    socket.on('error', (e) => o.log?.warn({ err: e, peer }, 'MLLP connection error'));
    socket.on('close', () => sockets.delete(socket));
  });
  server.maxConnections = 64;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => { server.off('error', reject); resolve(); });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  o.log?.info({ host: o.host, port }, 'MLLP listener for HL7 v2 laboratory results');
  return {
    port,
    async close() {
      const closed = new Promise<void>((r) => server.close(() => r()));
      // messages in flight are finished (and kept) before the database closes
      await Promise.allSettled([...pending]);
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
