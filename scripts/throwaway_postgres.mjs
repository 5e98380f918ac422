// A throwaway PostgreSQL 15 cluster for tests: initdb into a fresh temp dir (as the postgres user when
// run as root: initdb refuses root), fsync off, listening on 127.0.0.1 at a free port. ~1 s up.
//   const pg = await startThrowawayPostgres();  pg.url …  await pg.stop();
// Extra postgresql.conf settings (e.g. a preloaded extension) are appended before the server starts:
//   startThrowawayPostgres({ settings: { shared_preload_libraries: 'pg_cron', 'cron.database_name': 'x' } })
// pg.restart() starts the same server again (same port and options), for settings read only at start.
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = '/usr/lib/postgresql/15/bin';

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function asPostgres(command, args) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const [cmd, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
  const r = spawnSync(cmd, argv, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

export function postgresAvailable() {
  return existsSync(join(BIN, 'initdb'));
}

/** One postgresql.conf line: strings quoted (quotes doubled), numbers and booleans as they are. */
function confLine(name, value) {
  if (!/^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/i.test(name)) throw new Error(`not a PostgreSQL setting name: ${JSON.stringify(name)}`);
  const text = typeof value === 'string' ? `'${value.replace(/'/g, "''")}'` : String(value);
  return `${name} = ${text}\n`;
}

/**
 * @param {{settings?: Record<string, string|number|boolean>}} [o] settings: extra postgresql.conf lines
 * @returns {Promise<{url: string, dir: string, restart: () => Promise<void>, stop: () => Promise<void>}>} restart: the
 *   same server again (same port and options), e.g. for a setting ALTER SYSTEM changed that needs a restart
 */
export async function startThrowawayPostgres({ settings = {} } = {}) {
  if (!postgresAvailable()) throw new Error(`PostgreSQL 15 is not installed (${BIN}/initdb missing): apt-get install postgresql-15`);
  const extra = Object.entries(settings).map(([name, value]) => confLine(name, value)).join('');
  const dir = mkdtempSync(join(tmpdir(), 'mphb-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const port = await freePort();
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres', dir]);
  asPostgres(join(BIN, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8', '--locale=C']);
  if (extra) appendFileSync(join(data, 'postgresql.conf'), `\n# startThrowawayPostgres settings\n${extra}`);
  try {
    asPostgres(join(BIN, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-w', '-o',
      `-c listen_addresses=127.0.0.1 -c port=${port} -c unix_socket_directories=${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`, 'start']);
  } catch (error) {
    // pg_ctl only says "could not start server": the reason (a bad setting, a missing library) is in the log.
    let log = '';
    try { log = readFileSync(join(dir, 'log'), 'utf8').trim().split('\n').slice(-10).join('\n'); } catch { /* no log written */ }
    try { asPostgres(join(BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']); } catch { /* not running */ }
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${error.message}${log ? `\nserver log:\n${log}` : ''}`, { cause: error });
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dir,
    restart: async () => {
      asPostgres(join(BIN, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-m', 'fast', '-w', 'restart']);
    },
    stop: async () => {
      try {
        asPostgres(join(BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
