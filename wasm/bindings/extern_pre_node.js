// Prepended outside the Emscripten module (ES module output). Node's ES modules have no `require` or
// `__dirname`, which the 3.1.6 glue uses on Node; define both there. Browsers and workers skip this.
var require, __dirname;
if (typeof process === 'object' && process.versions && process.versions.node) {
  const { createRequire } = await import('node:module');
  const { fileURLToPath } = await import('node:url');
  const { dirname } = await import('node:path');
  require = createRequire(import.meta.url);
  __dirname = dirname(fileURLToPath(import.meta.url));
}
