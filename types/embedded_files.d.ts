// The virtual module scripts/build_edge_bundle.mjs provides to the edge bundle's entry
// (host/http/bundled_edge_app.js): each carried file's repository path → its text, or its bytes in base64.
declare module 'mphb-sync:embedded-files' {
  export const FILES: Record<string, { text?: string; base64?: string }>;
}
