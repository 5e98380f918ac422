// The events of sync runs: numbered (seq from 1), kept in sync_run_events so any instance can replay them
// after a Last-Event-ID, and fanned out live to the streams of this instance.

/** `<run_id>:<seq>` or `<seq>` → seq (0 when absent or unreadable). */
export function parseLastEventId(value, runId) {
  if (!value) return 0;
  const m = /^(?:([0-9a-f-]{36}):)?(\d+)$/i.exec(String(value).trim());
  if (!m || (m[1] && m[1].toLowerCase() !== runId)) return 0;
  return Number(m[2]);
}

export class RunEventLog {
  /** @param {object} db  @param {{onPersistError?: (error) => void}} [o] */
  constructor(db, { onPersistError = () => {} } = {}) {
    this.db = db;
    this.live = new Map(); // run id → {events, subscribers, done}
    this.onPersistError = onPersistError;
  }

  /** Whether this instance holds the run in memory for that tenant. */
  holds(runId, tenantId) {
    return this.live.get(runId)?.tenantId === tenantId;
  }

  /** Starts recording a run's events. @returns {(event) => void} publish */
  start(runId, tenantId) {
    const run = { tenantId, events: [], subscribers: new Set(), done: false, persisting: Promise.resolve() };
    this.live.set(runId, run);
    return (event) => {
      const seq = run.events.length + 1;
      const full = { ...event, run_id: runId, seq };
      run.events.push(full);
      // Persist in order; a run whose row was never created (refused before it started) is not stored.
      if (!event.unrecorded) {
        run.persisting = run.persisting
          .then(() => this.db.query('insert into public.sync_run_events (run_id, seq, event) values ($1, $2, $3::text::jsonb)', [runId, seq, JSON.stringify(full)]))
          .catch((error) => this.onPersistError(error));
      }
      for (const s of run.subscribers) s(full);
      if (full.type === 'complete' || full.type === 'error') this.finish(runId);
    };
  }

  finish(runId) {
    const run = this.live.get(runId);
    if (!run || run.done) return;
    run.done = true;
    for (const s of run.subscribers) s(null);
    run.subscribers.clear();
    // Keep the in-memory copy a little while for fast reconnects; the database keeps it for good.
    setTimeout(() => this.live.delete(runId), 60_000).unref?.();
  }

  /**
   * Calls onEvent for every event after `afterSeq`, then live ones, then onEvent(null) at the end.
   * Live runs of this instance are served from memory; others from the database (polled until the
   * run is no longer running). @returns {() => void} unsubscribe
   */
  subscribe(runId, afterSeq, onEvent, { pollMs = 1000 } = {}) {
    const run = this.live.get(runId);
    if (run) {
      for (const e of run.events) if (e.seq > afterSeq) onEvent(e);
      if (run.done) {
        onEvent(null);
        return () => {};
      }
      run.subscribers.add(onEvent);
      return () => run.subscribers.delete(onEvent);
    }
    let stopped = false;
    let seen = afterSeq;
    let terminal = false;
    const drain = async () => {
      const rows = await this.db.query('select seq, event from public.sync_run_events where run_id = $1 and seq > $2 order by seq', [runId, seen]);
      for (const r of rows) {
        seen = r.seq;
        const event = typeof r.event === 'string' ? JSON.parse(r.event) : r.event;
        terminal = terminal || event.type === 'complete' || event.type === 'error';
        onEvent(event);
      }
    };
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const poll = async () => {
      let gracePolls = 0;
      while (!stopped && !terminal) {
        await drain();
        if (terminal) break;
        const [status] = await this.db.query('select status from public.sync_runs where id = $1', [runId]);
        // A finished run's last events are stored just after its status changes (in order, by the
        // instance that ran it): keep reading until the terminal event, for a while.
        if (!status || status.status !== 'running') {
          if (++gracePolls > 100) break;
          await sleep(100);
          continue;
        }
        await sleep(pollMs);
      }
      if (!stopped) onEvent(null);
    };
    poll().catch(() => onEvent(null));
    return () => { stopped = true; };
  }
}
