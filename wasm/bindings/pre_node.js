// Inside the module, before instantiation. On Node, 3.1.6 would fetch() the .wasm by file path, which
// Node 20's fetch rejects; read the sibling file instead. Browsers fetch it by URL as usual.
if (typeof process === 'object' && process.versions && process.versions.node && !Module['wasmBinary']) {
  Module['wasmBinary'] = require('fs').readFileSync(require('path').join(__dirname, 'mphb_core.wasm'));
}
