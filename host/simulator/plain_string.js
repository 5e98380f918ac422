// A string built by slicing or concatenation stays, in V8, a view of its parts, and comparing it costs
// a runtime call (~20× a plain string's compare). The list orders and date filters compare created and
// modified times by the thousand per request, so those are kept as plain copies (same value).

/** `value` as a plain (flat) string; anything else as it is. */
export function plainString(value) {
  return typeof value === 'string' ? JSON.parse(JSON.stringify(value)) : value;
}
