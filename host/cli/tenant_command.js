// `mphb-sync tenant add|list|remove`: hotels and their MotoPress credentials (encrypted at rest with
// MPHB_ENCRYPTION_KEY; never printed). The consumer secret comes from a file or stdin
// (--consumer-secret-file), MPHB_CONSUMER_SECRET, or — with a warning, as it shows in the process list —
// --consumer-secret. The consumer key is not secret in MotoPress's model and stays an argument.
import { readFile } from 'node:fs/promises';

import { SiteUrlError, checkSiteUrl } from '../tenants/site_url_policy.js';
import { CipherError } from '../tenants/credential_cipher.js';
import { TenantError, addTenant, listTenants, removeTenant } from '../tenants/tenant_store.js';
import { createMotoPressClient } from '../motopress/motopress_client.js';
import { withContext } from './command_context.js';
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE } from './exit_codes.js';

function fail(code, message, exitCode) {
  process.stderr.write(`mphb-sync tenant: ${message}\n`);
  return { exitCode, code };
}

const SECRET_WAYS = '--consumer-secret-file <path> (- for stdin), the MPHB_CONSUMER_SECRET environment variable, or --consumer-secret <cs> (visible in the process list)';

async function readAll(stream) {
  const chunks = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The consumer secret from --consumer-secret-file (a path, or - for stdin; a trailing newline trimmed) or
 * --consumer-secret (with a warning on stderr: argv shows in `ps`), else MPHB_CONSUMER_SECRET. Both flags
 * at once is refused.
 * @returns {Promise<{ok: true, secret: string} | {ok: false, message: string}>}
 */
export async function readConsumerSecret(opts, io = process) {
  const env = io.env ?? process.env;
  if (opts.consumerSecretFile !== undefined && opts.consumerSecret !== undefined) {
    return { ok: false, message: 'give the consumer secret one way: --consumer-secret-file or --consumer-secret, not both' };
  }
  if (opts.consumerSecretFile !== undefined) {
    const path = opts.consumerSecretFile;
    let text;
    try {
      if (path === '-') {
        if (io.stdin.isTTY) io.stderr.write('mphb-sync tenant: reading the consumer secret from stdin (end with Ctrl-D)\n');
        text = await readAll(io.stdin);
      } else {
        text = await readFile(path, 'utf8');
      }
    } catch (error) {
      return { ok: false, message: `--consumer-secret-file ${path}: cannot read it (${error.code ?? error.message})` };
    }
    const secret = text.replace(/(?:\r?\n)+$/, '');
    if (secret === '') return { ok: false, message: `--consumer-secret-file ${path === '-' ? '- (stdin)' : path} is empty` };
    return { ok: true, secret };
  }
  if (opts.consumerSecret) {
    io.stderr.write('mphb-sync tenant: warning: --consumer-secret is visible in the process list; use --consumer-secret-file or MPHB_CONSUMER_SECRET\n');
    return { ok: true, secret: opts.consumerSecret };
  }
  if (env.MPHB_CONSUMER_SECRET) return { ok: true, secret: env.MPHB_CONSUMER_SECRET };
  return { ok: false, message: `no consumer secret: pass ${SECRET_WAYS}` };
}

/**
 * Adds a tenant after checking its site URL policy and its credentials with one request.
 * @returns {Promise<number>} 0 added; 1 the credential check failed; 2 bad input (URL, slug, missing key or secret)
 */
export async function runTenantAdd(options, io = process) {
  const secret = await readConsumerSecret(options, io);
  if (secret.ok === false) return fail('missing_consumer_secret', secret.message, EXIT_USAGE).exitCode;
  const opts = { ...options, consumerSecret: secret.secret };
  let siteUrl;
  try {
    siteUrl = await checkSiteUrl(opts.siteUrl, { allowInsecureHttp: opts.allowInsecureHttp, allowPrivateNetwork: opts.allowPrivateNetwork });
  } catch (error) {
    if (error instanceof SiteUrlError) return fail(error.code, `--site-url: ${error.message}`, EXIT_USAGE).exitCode;
    throw error;
  }
  if (!opts.skipCheck) {
    const client = createMotoPressClient({
      siteUrl, consumerKey: opts.consumerKey, consumerSecret: opts.consumerSecret, tenant: opts.slug, retries: 1, timeoutMs: 15000,
      allowInsecureHttp: opts.allowInsecureHttp, allowPrivateNetwork: opts.allowPrivateNetwork,
    });
    const check = await client.checkCredentials();
    if (!check.ok) return fail(check.code, `${opts.slug}: credential check failed (${check.code}): ${check.message}`, EXIT_PROBLEMS).exitCode;
  }
  return withContext(async ({ db, cipher }) => {
    try {
      const tenant = await addTenant(db, await cipher(), {
        slug: opts.slug, name: opts.name, siteUrl, consumerKey: opts.consumerKey, consumerSecret: opts.consumerSecret,
        allowInsecureHttp: opts.allowInsecureHttp, allowPrivateNetwork: opts.allowPrivateNetwork, tenantId: opts.tenantId,
      });
      io.stdout.write(opts.json ? `${JSON.stringify(tenant)}\n` : `added tenant ${tenant.slug} (${tenant.tenant_id}) → ${tenant.site_url}\n`);
      return EXIT_OK;
    } catch (error) {
      if (error instanceof TenantError || error instanceof CipherError) return fail(error.code, error.message, EXIT_USAGE).exitCode;
      throw error;
    }
  });
}

/** @param {import('commander').Command} program */
export function registerTenantCommand(program) {
  const tenant = program.command('tenant').description('Manage tenants (hotels) and their MotoPress credentials.');
  tenant.command('add')
    .description('Register a hotel: checks the site URL and the credentials (one request), stores them encrypted.')
    .requiredOption('--slug <slug>', 'short name, lower-case letters, digits and dashes')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--site-url <url>', 'the WordPress site, https (http only with --allow-insecure-http or on loopback)')
    .requiredOption('--consumer-key <ck>', 'MotoPress REST API consumer key (Accommodation > Settings > Advanced)')
    .option('--consumer-secret-file <path>', 'read its consumer secret from this file, or from stdin with -')
    .option('--consumer-secret <cs>', 'its consumer secret on the command line (warns: visible in the process list)')
    .option('--tenant-id <uuid>', 'use this tenant UUID instead of a new random one')
    .option('--allow-insecure-http', 'accept a plain-http site (requests are OAuth 1.0a signed)')
    .option('--allow-private-network', 'accept a site on a private or link-local address (local development)')
    .option('--skip-check', 'do not check the credentials against the site')
    .option('--json', 'print the tenant as JSON')
    .addHelpText('after', `
The consumer secret: --consumer-secret-file <path> (- reads stdin; a trailing newline is trimmed), else
the MPHB_CONSUMER_SECRET environment variable. --consumer-secret <cs> works too but warns: anyone on the
host can read it in the process list. A flag wins over the variable; both flags, or none of the three,
→ exit 2.
  printf %s "$CS" | mphb-sync tenant add … --consumer-key ck_… --consumer-secret-file -

The site URL: https, or plain http with --allow-insecure-http (or on loopback: localhost, 127.0.0.1);
private, link-local, unique-local, carrier-grade NAT and reserved addresses (IPv4-mapped and NAT64 forms
included) only with --allow-private-network; unspecified, multicast and broadcast addresses never. A name
is checked against every address it resolves to, now and again when each connection is made.

Needs MPHB_ENCRYPTION_KEY (32 bytes, base64 or hex). Exit: 0 added, 1 credential check failed, 2 bad input.`)
    .action(async (opts) => { process.exitCode = await runTenantAdd(opts); });
  tenant.command('list')
    .description('List tenants (never their credentials).')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      await withContext(async ({ db }) => {
        const rows = await listTenants(db);
        if (opts.json) {
          process.stdout.write(`${JSON.stringify(rows)}\n`);
        } else if (rows.length === 0) {
          process.stdout.write('no tenants\n');
        } else {
          for (const r of rows) process.stdout.write(`${r.slug}\t${r.tenant_id}\t${r.name}\t${r.site_url ?? '—'}\tlast sync: ${r.last_sync_at ? new Date(r.last_sync_at).toISOString() : 'never'}\n`);
        }
      });
    });
  tenant.command('remove')
    .description('Remove a tenant and ALL of its synced data.')
    .argument('<tenant>', 'slug or UUID')
    .option('--yes', 'confirm: this deletes the tenant\'s rows in every table')
    .action(async (ref, opts) => {
      if (!opts.yes) {
        process.stderr.write(`mphb-sync tenant remove: this deletes ${ref} and all of its data; add --yes to confirm\n`);
        process.exitCode = EXIT_USAGE;
        return;
      }
      await withContext(async ({ db }) => {
        try {
          const t = await removeTenant(db, ref);
          process.stdout.write(`removed tenant ${t.slug} (${t.tenant_id})\n`);
        } catch (error) {
          if (!(error instanceof TenantError)) throw error;
          process.stderr.write(`mphb-sync tenant remove: ${error.message}\n`);
          process.exitCode = EXIT_USAGE;
        }
      });
    });
}
