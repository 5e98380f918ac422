// The Fetch standard's `duplex: 'half'` (required by Node's fetch and Deno for a streamed request body) is
// missing from TypeScript's DOM lib RequestInit.
interface RequestInit {
  duplex?: 'half';
}
