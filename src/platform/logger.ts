// Structured logs (pino), one request id per request, and no personal data: query strings (which
// may carry names, ID numbers or phones in a search) are cut from logged URLs, bodies never logged.
import pino, { type Logger } from 'pino';

/** Creates the process logger at the configured level. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'meridian' },
    redact: { paths: ['req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.idNumber', '*.phone'], censor: '[redacted]' },
    serializers: {
      req: (req: { method: string; url: string; id: string }) => ({ method: req.method, url: req.url.split('?')[0], id: req.id }),
    },
  });
}
