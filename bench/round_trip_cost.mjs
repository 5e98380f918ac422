// What one database round trip costs on a connection (median of many `select $1::int` as named prepared
// statements): shows what the delay proxy really adds on this machine (timers have ~1 ms granularity
// and a busy machine adds more), next to the figures that depend on it.
import postgres from 'postgres';

export async function measureRoundTripMs(url, { count = 200 } = {}) {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe('select $1::int', [0], { prepare: true });
    const times = [];
    for (let i = 0; i < count; i++) {
      const start = performance.now();
      await sql.unsafe('select $1::int', [i], { prepare: true });
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    return times[Math.floor(times.length / 2)];
  } finally {
    await sql.end({ timeout: 5 });
  }
}
