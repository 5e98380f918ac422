// The version is defined once, in package.json: the core (CMake passes it to core_version.hpp), the
// OpenAPI document and the CLI all report that one.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

import { loadCore } from '../../js/core.js';
import { openApiDocument } from '../../host/http/openapi_document.js';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));

test('package.json has a version', () => {
  expect(version).toMatch(/^\d+\.\d+\.\d+/);
});

test("the WASM core reports package.json's version", async () => {
  expect((await loadCore()).version).toBe(version);
});

test("the OpenAPI document's info.version is package.json's", () => {
  expect(openApiDocument.info.version).toBe(version);
});

test("mphb-sync --version prints package.json's", async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [new URL('../../host/cli/main.js', import.meta.url).pathname, '--version']);
  expect(stdout.trim()).toBe(version);
});

test("the MotoPress client's User-Agent names package.json's major.minor", async () => {
  const { DEFAULT_USER_AGENT } = await import('../../host/motopress/request_runner.js');
  expect(DEFAULT_USER_AGENT).toBe(`mphb-sync/${version.split('.').slice(0, 2).join('.')} curl-compatible`);
});
