// The fetch floor of SPEC §6 B1/B2: the least time the run's own requests can take when every request
// costs `latencyMs` and `concurrency` are in flight at once — ceil(requests / concurrency) × latency.
// `requests` is what the run made (counts.requests), so the floor moves with the design, not with a guess.
export function fetchFloorMs({ requests, concurrency, latencyMs }) {
  if (!(requests > 0)) return null;
  return Math.ceil(requests / concurrency) * latencyMs;
}
