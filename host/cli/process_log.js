// Structured logs of long-running commands (serve, worker): JSON lines on stderr through pino, written
// synchronously so the last lines before an exit are not lost. Callers never pass secrets; the redaction
// below is a second line of defence for fields that could carry one.
import pino from 'pino';

/** @param {{name: string}} o @returns {import('pino').Logger} */
export function processLog({ name }) {
  return pino({
    name,
    level: process.env.MPHB_LOG_LEVEL || 'info',
    redact: { paths: ['*.authorization', '*.token', '*.secret', '*.consumerSecret', '*.password', 'authorization', 'token', 'secret'], censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  }, pino.destination({ dest: 2, sync: true }));
}
