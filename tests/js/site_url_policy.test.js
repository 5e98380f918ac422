// The one site-URL policy (host/tenants/site_url_policy.js, SPEC §7) at every entry point: the policy
// functions, the connect-time lookup, the MotoPress client (with a resolver injected so no DNS is needed,
// against real sockets) and `tenant add` (a real CLI process) — plus how `tenant add` takes the consumer
// secret (file, stdin, MPHB_CONSUMER_SECRET, argv with a warning).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { jest } from '@jest/globals';

import { createMotoPressClient } from '../../host/motopress/motopress_client.js';
import { startSimulator } from '../../host/simulator/simulator_server.js';
import { runCli } from './support/cli_process.js';
import {
  addressVerdict, checkSite, checkSiteUrl, classifyAddress, createSiteLookup, SiteAddressError,
} from '../../host/tenants/site_url_policy.js';

jest.setTimeout(120000);
const KEY = Buffer.alloc(32, 5).toString('base64');

// Every refused form: [as written in a URL host, as a resolver answers it, category].
const REFUSED = [
  ['[::ffff:10.0.0.1]', '::ffff:10.0.0.1', 'private'],
  ['[::ffff:a00:1]', '::ffff:a00:1', 'private'],
  ['[::ffff:169.254.169.254]', '::ffff:169.254.169.254', 'private'],
  ['[64:ff9b::a00:1]', '64:ff9b::a00:1', 'private'],
  ['[64:ff9b::a9fe:a9fe]', '64:ff9b::a9fe:a9fe', 'private'], // NAT64 of 169.254.169.254
  ['[::ffff:0:a00:1]', '::ffff:0:a00:1', 'private'], // IPv4-translated (RFC 6145)
  ['[2002:a00:1::1]', '2002:a00:1::1', 'private'], // 6to4 of 10.0.0.1
  ['[2001:0:4136:e378:8000:63bf:f5ff:fffe]', '2001:0:4136:e378:8000:63bf:f5ff:fffe', 'private'], // Teredo client 10.0.0.1
  ['100.64.0.1', '100.64.0.1', 'private'],
  ['10.0.0.1', '10.0.0.1', 'private'],
  ['172.16.5.4', '172.16.5.4', 'private'],
  ['192.168.1.10', '192.168.1.10', 'private'],
  ['169.254.169.254', '169.254.169.254', 'private'],
  ['[fc00::1]', 'fc00::1', 'private'],
  ['[fd12:3456::1]', 'fd12:3456::1', 'private'],
  ['[fe80::1]', 'fe80::1', 'private'],
  ['198.18.0.1', '198.18.0.1', 'reserved'], // benchmarking
  ['[2001:2::1]', '2001:2::1', 'reserved'], // benchmarking
  ['240.0.0.1', '240.0.0.1', 'reserved'],
  ['[::a00:1]', '::a00:1', 'reserved'], // IPv4-compatible (deprecated)
  ['[::]', '::', 'never'],
  ['0.0.0.0', '0.0.0.0', 'never'],
  ['[::ffff:0.0.0.0]', '::ffff:0.0.0.0', 'never'],
  ['224.0.0.1', '224.0.0.1', 'never'],
  ['[ff02::1]', 'ff02::1', 'never'],
  ['255.255.255.255', '255.255.255.255', 'never'],
];
const NEVER = REFUSED.filter(([, , category]) => category === 'never');
const OPT_IN = REFUSED.filter(([, , category]) => category !== 'never');

/** A resolver pointing every name at `answers` in turn (the last one repeats), recording each call. */
function fakeResolver(...answers) {
  const calls = [];
  const resolve = async (hostname) => {
    calls.push(hostname);
    const answer = answers[Math.min(calls.length - 1, answers.length - 1)];
    return Array.isArray(answer) ? answer : [answer];
  };
  return { resolve, calls };
}

/** A local HTTP server counting requests (it must never see one when the policy refuses). */
async function countingServer() {
  const server = createServer((req, res) => {
    server.requests += 1;
    res.writeHead(200, { 'Content-Type': 'application/json', 'X-WP-Total': '0', 'X-WP-TotalPages': '0' });
    res.end('[]');
  });
  server.requests = 0;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.port = server.address().port;
  server.stop = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(resolve));
  };
  return server;
}

function lookupAsync(lookup, hostname, options = { all: true }) {
  return new Promise((resolve, reject) => lookup(hostname, options, (error, address, family) => (error ? reject(error) : resolve(options.all ? address : { address, family }))));
}

const client = (o) => createMotoPressClient({ consumerKey: 'ck_a', consumerSecret: 'cs_secret_value', tenant: 't', retries: 2, sleep: async () => {}, ...o });

// ---------------------------------------------------------------------------------------------------------
describe('the policy function', () => {
  test.each(REFUSED)('%s is refused without the opt-in', (_host, address, category) => {
    const v = addressVerdict(address);
    expect(v).toMatchObject({ allowed: false, category });
    expect(v.reason).toMatch(category === 'never' ? /never allowed/ : /--allow-private-network/);
  });

  test.each(OPT_IN)('%s is allowed with allowPrivateNetwork', (_host, address) => {
    expect(addressVerdict(address, { allowPrivateNetwork: true })).toMatchObject({ allowed: true });
  });

  test.each(NEVER)('%s is refused even with allowPrivateNetwork', (_host, address) => {
    expect(addressVerdict(address, { allowPrivateNetwork: true })).toMatchObject({ allowed: false, category: 'never' });
  });

  test('mapped and embedded forms are classified by their IPv4 address', () => {
    expect(classifyAddress('::ffff:a00:1')).toMatchObject({ address: '10.0.0.1', range: 'private' });
    expect(classifyAddress('[::ffff:169.254.169.254]')).toMatchObject({ address: '169.254.169.254', range: 'linkLocal' });
    expect(classifyAddress('64:ff9b::a00:1')).toMatchObject({ category: 'private', embedded: { address: '10.0.0.1', via: 'NAT64' } });
    expect(classifyAddress('64:ff9b::5db8:d70e')).toMatchObject({ category: 'public', embedded: { address: '93.184.215.14' } });
    expect(classifyAddress('100.64.0.1')).toMatchObject({ range: 'carrierGradeNat', category: 'private' });
  });

  test.each([
    ['93.184.215.14'], ['2606:4700:4700::1111'], ['64:ff9b::5db8:d70e'], ['2002:5db8:d70e::1'], ['203.0.113.7'], ['2001:db8::1'],
  ])('public %s is allowed', (address) => {
    expect(addressVerdict(address)).toMatchObject({ allowed: true, category: 'public' });
  });

  test('loopback: allowed without the opt-in when the site URL names it, not when another name resolves to it', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) {
      expect(addressVerdict(address, { loopbackHost: true }).allowed).toBe(true);
      expect(addressVerdict(address).allowed).toBe(false);
      expect(addressVerdict(address, { allowPrivateNetwork: true }).allowed).toBe(true);
    }
  });

  test.each(REFUSED)('checkSiteUrl refuses https://%s (private_site_url), with or without a name', async (host, address, category) => {
    await expect(checkSiteUrl(`https://${host}/`)).rejects.toMatchObject({ code: 'private_site_url' });
    const { resolve } = fakeResolver(address);
    await expect(checkSiteUrl('https://hotel.test/', { resolve })).rejects.toMatchObject({ code: 'private_site_url', message: expect.stringContaining('hotel.test resolves to') });
    const withOptIn = checkSiteUrl(`https://${host}/`, { allowPrivateNetwork: true });
    if (category === 'never') await expect(withOptIn).rejects.toMatchObject({ code: 'private_site_url', message: expect.stringMatching(/never allowed/) });
    else await expect(withOptIn).resolves.toBe(`https://${new URL(`https://${host}`).hostname}`);
  });

  test('allowed: loopback over plain http without any opt-in, a public address over https, private with the opt-in', async () => {
    await expect(checkSiteUrl('http://127.0.0.1:8080/indo/')).resolves.toBe('http://127.0.0.1:8080/indo');
    await expect(checkSiteUrl('http://localhost:8080/wp-json/mphb/v1')).resolves.toBe('http://localhost:8080');
    await expect(checkSiteUrl('https://93.184.215.14/hotel')).resolves.toBe('https://93.184.215.14/hotel');
    await expect(checkSiteUrl('https://hotel.test', { resolve: fakeResolver(['93.184.215.14', '2606:4700:4700::1111']).resolve })).resolves.toBe('https://hotel.test');
    await expect(checkSiteUrl('https://10.0.0.1', { allowPrivateNetwork: true })).resolves.toBe('https://10.0.0.1');
    await expect(checkSiteUrl('http://10.0.0.1', { allowPrivateNetwork: true, allowInsecureHttp: true })).resolves.toBe('http://10.0.0.1');
  });

  test('plain http elsewhere needs allowInsecureHttp, also for a name that resolves to loopback', async () => {
    await expect(checkSiteUrl('http://93.184.215.14')).rejects.toMatchObject({ code: 'insecure_site_url' });
    await expect(checkSiteUrl('http://hotel.test', { resolve: fakeResolver('127.0.0.1').resolve, allowPrivateNetwork: true })).rejects.toMatchObject({ code: 'insecure_site_url' });
    await expect(checkSiteUrl('http://93.184.215.14', { allowInsecureHttp: true })).resolves.toBe('http://93.184.215.14');
  });

  test('a name that resolves to a refused address among public ones is refused', async () => {
    const { resolve } = fakeResolver(['93.184.215.14', '::ffff:10.0.0.1']);
    await expect(checkSite({ scheme: 'https', hostname: 'hotel.test' }, { resolve })).resolves.toMatchObject({ ok: false, code: 'private_address' });
  });
});

// ---------------------------------------------------------------------------------------------------------
describe('the connect-time lookup', () => {
  test.each(REFUSED)('a name resolving to %s is refused', async (_host, address, category) => {
    const lookup = createSiteLookup({ resolve: fakeResolver(address).resolve });
    const refusal = await lookupAsync(lookup, 'hotel.test').catch((error) => error);
    expect(refusal).toBeInstanceOf(SiteAddressError);
    expect(refusal).toMatchObject({ failureCode: 'private_address', category });
    const optIn = createSiteLookup({ resolve: fakeResolver(address).resolve, allowPrivateNetwork: true });
    if (category === 'never') await expect(lookupAsync(optIn, 'hotel.test')).rejects.toBeInstanceOf(SiteAddressError);
    else await expect(lookupAsync(optIn, 'hotel.test')).resolves.toEqual([expect.objectContaining({ address })]);
  });

  test('a public answer is handed to the socket, in both lookup shapes (all / single)', async () => {
    const lookup = createSiteLookup({ resolve: fakeResolver(['93.184.215.14', '2606:4700:4700::1111']).resolve });
    await expect(lookupAsync(lookup, 'hotel.test')).resolves.toEqual([{ address: '93.184.215.14', family: 4 }, { address: '2606:4700:4700::1111', family: 6 }]);
    await expect(lookupAsync(lookup, 'hotel.test', { family: 6 })).resolves.toEqual({ address: '2606:4700:4700::1111', family: 6 });
  });

  test('localhost may resolve to loopback; another name may not (without the opt-in)', async () => {
    const lookup = createSiteLookup({ resolve: fakeResolver(['127.0.0.1', '::1']).resolve });
    await expect(lookupAsync(lookup, 'localhost')).resolves.toHaveLength(2);
    await expect(lookupAsync(lookup, 'hotel.test')).rejects.toBeInstanceOf(SiteAddressError);
  });
});

// ---------------------------------------------------------------------------------------------------------
describe('the MotoPress client', () => {
  let server;
  beforeAll(async () => { server = await countingServer(); });
  afterAll(() => server.stop());
  beforeEach(() => { server.requests = 0; });

  test('on Node the default transport checks at connect time', () => {
    expect(client({ siteUrl: 'https://hotel.test' }).addressCheck).toBe('connect');
    expect(client({ siteUrl: 'https://hotel.test', fetch: async () => new Response('[]') }).addressCheck).toBe('preflight');
  });

  test.each(REFUSED)('a literal %s is refused before any request', async (host) => {
    const c = client({ siteUrl: `https://${host}`, resolve: async () => { throw new Error('a literal is not resolved'); } });
    await expect(c.checkCredentials()).resolves.toMatchObject({ ok: false, code: 'private_address' });
    await expect(c.getCollection('bookings')).rejects.toMatchObject({ code: 'private_address', attempts: 0 });
  });

  test.each(REFUSED)('a name resolving to %s is refused, and no connection is made', async (_host, address) => {
    const c = client({ siteUrl: `https://hotel.test:${server.port}`, resolve: fakeResolver(address).resolve });
    await expect(c.getCollection('bookings')).rejects.toMatchObject({ code: 'private_address', message: expect.stringContaining('hotel.test resolves to') });
    expect(server.requests).toBe(0);
  });

  test('a name resolving to 127.0.0.1 is refused without the opt-in (no request reaches the server)', async () => {
    const c = client({ siteUrl: `http://hotel.test:${server.port}`, allowInsecureHttp: true, resolve: fakeResolver('127.0.0.1').resolve });
    await expect(c.checkCredentials()).resolves.toMatchObject({ ok: false, code: 'private_address' });
    expect(server.requests).toBe(0);
  });

  test('DNS rebinding: public at the check, 10.0.0.1 (or 127.0.0.1) at connect time → refused, not retried, nothing sent', async () => {
    for (const rebound of ['10.0.0.1', '127.0.0.1', '::ffff:127.0.0.1']) {
      const r = fakeResolver('93.184.215.14', rebound);
      const c = client({ siteUrl: `http://hotel.test:${server.port}`, allowInsecureHttp: true, resolve: r.resolve });
      const error = await c.getCollection('bookings').catch((e) => e);
      expect(error).toMatchObject({ code: 'private_address', attempts: 1 });
      expect(error.message).toContain(`hotel.test resolved at connect time to ${classifyAddress(rebound).address}, a `);
      expect(r.calls).toEqual(['hotel.test', 'hotel.test']); // the check, then the socket's own lookup
      expect(server.requests).toBe(0);
      const check = await client({ siteUrl: `http://hotel.test:${server.port}`, allowInsecureHttp: true, resolve: fakeResolver('93.184.215.14', rebound).resolve }).checkCredentials();
      expect(check).toMatchObject({ ok: false, code: 'private_address' });
    }
  });

  test('the address connected to is the one the lookup approved (a name pointed at the local server, with the opt-in)', async () => {
    const r = fakeResolver('127.0.0.1');
    const c = client({ siteUrl: `http://hotel.test:${server.port}`, allowInsecureHttp: true, allowPrivateNetwork: true, resolve: r.resolve });
    await expect(c.checkCredentials()).resolves.toMatchObject({ ok: true, auth: 'oauth1' });
    expect(server.requests).toBe(1);
    expect(r.calls.length).toBeGreaterThanOrEqual(2);
  });

  test('127.0.0.1 over plain http needs no opt-in', async () => {
    await expect(client({ siteUrl: `http://127.0.0.1:${server.port}` }).checkCredentials()).resolves.toMatchObject({ ok: true });
    expect(server.requests).toBe(1);
  });
});

// ---------------------------------------------------------------------------------------------------------
describe('tenant add', () => {
  let sim;
  let indo;
  let dataDir;

  const cli = (args, { env = {}, stdin } = {}) => runCli(args, {
    env: { DATABASE_URL: '', MPHB_DATA_DIR: dataDir, MPHB_ENCRYPTION_KEY: KEY, MPHB_CONSUMER_SECRET: '', ...env }, stdin,
  });
  const add = (slug, extra, siteUrl = indo.siteUrl) => ['tenant', 'add', '--slug', slug, '--name', slug, '--site-url', siteUrl, '--consumer-key', indo.keys.readWrite.key, '--json', ...extra];
  const WARNING = 'visible in the process list; use --consumer-secret-file or MPHB_CONSUMER_SECRET';

  beforeAll(async () => {
    sim = await startSimulator({ hotels: 'indo', seed: 4 });
    indo = sim.hotels[0];
    dataDir = mkdtempSync(join(tmpdir(), 'mphb-site-policy-'));
  });
  afterAll(() => sim?.stop());

  test.each([
    ['https://[::ffff:10.0.0.1]', []],
    ['https://[::ffff:169.254.169.254]', []],
    ['https://[64:ff9b::a00:1]', []],
    ['https://100.64.0.1', []],
    ['https://[::]', ['--allow-private-network']],
    ['https://0.0.0.0', ['--allow-private-network']],
    ['https://224.0.0.1', ['--allow-private-network']],
    ['https://255.255.255.255', ['--allow-private-network']],
  ])('refuses --site-url %s %j (exit 2, nothing stored)', async (siteUrl, flags) => {
    const r = await cli(add('refused', [...flags, '--skip-check'], siteUrl), { env: { MPHB_CONSUMER_SECRET: indo.keys.readWrite.secret } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--site-url: site URL .*(private or link-local|never allowed)/);
    expect(r.stdout).toBe('');
  });

  test('the secret from a file (trailing newline trimmed): checked against the site, no warning', async () => {
    const file = join(dataDir, 'cs.txt');
    writeFileSync(file, `${indo.keys.readWrite.secret}\n`, { mode: 0o600 });
    const r = await cli(add('from-file', ['--consumer-secret-file', file]));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ slug: 'from-file' });
  });

  test('the secret from stdin (-), CRLF trimmed', async () => {
    const r = await cli(add('from-stdin', ['--consumer-secret-file', '-']), { stdin: `${indo.keys.readWrite.secret}\r\n` });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  test('the secret from MPHB_CONSUMER_SECRET', async () => {
    const r = await cli(add('from-env', []), { env: { MPHB_CONSUMER_SECRET: indo.keys.readWrite.secret } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  test('the secret on the command line works, with a warning on stderr', async () => {
    const r = await cli(add('from-argv', ['--consumer-secret', indo.keys.readWrite.secret]));
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(WARNING);
    expect(r.stderr).not.toContain(indo.keys.readWrite.secret);
  });

  test('a wrong secret from the file is the credential check\'s wrong_secret (exit 1)', async () => {
    const file = join(dataDir, 'wrong.txt');
    writeFileSync(file, 'cs_not_it\n');
    const r = await cli(add('wrong', ['--consumer-secret-file', file]));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/wrong_secret/);
  });

  test.each([
    ['no secret anywhere', [], {}, /no consumer secret: pass --consumer-secret-file <path> \(- for stdin\), the MPHB_CONSUMER_SECRET environment variable, or --consumer-secret/],
    ['an empty file', ['--consumer-secret-file', '-'], { stdin: '\n' }, /--consumer-secret-file - \(stdin\) is empty/],
    ['a missing file', ['--consumer-secret-file', '/nonexistent/cs.txt'], {}, /cannot read it \(ENOENT\)/],
    ['both flags', ['--consumer-secret-file', '-', '--consumer-secret', 'cs_x'], { stdin: 'cs_x' }, /one way/],
  ])('%s → exit 2', async (_name, flags, io, message) => {
    const r = await cli(add('no-secret', flags), io);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});
