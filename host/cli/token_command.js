// `mphb-sync token create|list|revoke`: staff bearer tokens scoped to one tenant and a role, and
// (--platform) platform tokens for fleet-wide endpoints.
import { createPlatformToken, listPlatformTokens, PLATFORM_ROLE, revokePlatformToken } from '../http/platform_tokens.js';
import { createStaffToken, listStaffTokens, revokeStaffToken, ROLES } from '../http/staff_tokens.js';
import { TenantError, resolveTenant } from '../tenants/tenant_store.js';
import { withContext } from './command_context.js';
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE } from './exit_codes.js';

/** @param {import('commander').Command} program */
export function registerTokenCommand(program) {
  const token = program.command('token').description('Bearer tokens for the HTTP API: staff tokens (one tenant, a role) and platform tokens (--platform).');
  token.command('create')
    .description('Create a token; it is printed once and stored only as a hash.')
    .option('--tenant <tenant>', 'slug or UUID (a staff token)')
    .option('--platform', `a platform token (role ${PLATFORM_ROLE}, every tenant: GET /api/fleet/status) instead of a tenant's`)
    .option('--role <role>', `one of ${ROLES.join(', ')} (staff tokens)`, 'staff')
    .option('--label <label>', 'what it is for')
    .option('--expires-in <seconds>', 'lifetime in seconds (default: until revoked)', (v) => Number(v))
    .option('--json', 'print JSON')
    .addHelpText('after', '\nGive exactly one of --tenant and --platform. Exit 2: neither or both, unknown tenant, bad role or lifetime.')
    .action(async (opts) => {
      process.exitCode = await withContext(async ({ db }) => {
        if (Boolean(opts.platform) === Boolean(opts.tenant)) {
          process.stderr.write('mphb-sync token create: give --tenant <tenant> (a staff token) or --platform (a platform token), not both or neither\n');
          return EXIT_USAGE;
        }
        if (opts.expiresIn !== undefined && !(Number.isInteger(opts.expiresIn) && opts.expiresIn > 0)) {
          process.stderr.write(`mphb-sync token create: --expires-in must be a whole number of seconds > 0, not ${opts.expiresIn}\n`);
          return EXIT_USAGE;
        }
        if (opts.platform) {
          const t = await createPlatformToken(db, { label: opts.label, expiresInSeconds: opts.expiresIn });
          process.stdout.write(opts.json ? `${JSON.stringify(t)}\n` : `platform token ${t.id} (${t.role}${t.expires_at ? `, expires ${t.expires_at}` : ''}):\n${t.token}\n`);
          return EXIT_OK;
        }
        try {
          const tenant = await resolveTenant(db, opts.tenant);
          const t = await createStaffToken(db, { tenantId: tenant.tenant_id, role: opts.role, label: opts.label, expiresInSeconds: opts.expiresIn });
          process.stdout.write(opts.json ? `${JSON.stringify({ ...t, tenant: tenant.slug })}\n` : `token ${t.id} (${t.role}, ${tenant.slug}${t.expires_at ? `, expires ${t.expires_at}` : ''}):\n${t.token}\n`);
          return EXIT_OK;
        } catch (error) {
          if (!(error instanceof TenantError) && error.code !== 'invalid_role') throw error;
          process.stderr.write(`mphb-sync token create: ${error.message}\n`);
          return EXIT_USAGE;
        }
      });
    });
  token.command('list')
    .description('List a tenant\'s tokens, or the platform tokens (never the tokens themselves).')
    .option('--tenant <tenant>', 'slug or UUID')
    .option('--platform', 'the platform tokens')
    .option('--json', 'print JSON')
    .action(async (opts) => {
      process.exitCode = await withContext(async ({ db }) => {
        if (Boolean(opts.platform) === Boolean(opts.tenant)) {
          process.stderr.write('mphb-sync token list: give --tenant <tenant> or --platform\n');
          return EXIT_USAGE;
        }
        if (opts.platform) {
          const rows = await listPlatformTokens(db);
          process.stdout.write(opts.json ? `${JSON.stringify(rows)}\n` : `${rows.map((r) => `${r.id}\t${r.role}\t${r.label ?? ''}\t${r.revoked_at ? 'revoked' : 'active'}`).join('\n')}\n`);
          return EXIT_OK;
        }
        try {
          const tenant = await resolveTenant(db, opts.tenant);
          const rows = await listStaffTokens(db, tenant.tenant_id);
          process.stdout.write(opts.json ? `${JSON.stringify(rows)}\n` : `${rows.map((r) => `${r.id}\t${r.role}\t${r.label ?? ''}\t${r.revoked_at ? 'revoked' : 'active'}`).join('\n')}\n`);
          return EXIT_OK;
        } catch (error) {
          if (!(error instanceof TenantError)) throw error;
          process.stderr.write(`mphb-sync token list: ${error.message}\n`);
          return EXIT_USAGE;
        }
      });
    });
  token.command('revoke')
    .description('Revoke a token (staff or platform) by its id.')
    .argument('<id>', 'the token id (from create or list)')
    .action(async (id) => {
      process.exitCode = await withContext(async ({ db }) => {
        if (!/^[0-9a-f-]{36}$/i.test(id)) {
          process.stderr.write(`mphb-sync token revoke: "${id}" is not a token id\n`);
          return EXIT_USAGE;
        }
        const done = (await revokeStaffToken(db, id)) || (await revokePlatformToken(db, id));
        process.stdout.write(done ? `revoked ${id}\n` : '');
        if (!done) process.stderr.write(`mphb-sync token revoke: no active token ${id}\n`);
        return done ? EXIT_OK : EXIT_PROBLEMS;
      });
    });
}
