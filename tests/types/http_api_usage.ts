// A client of the HTTP API using host/http/http_api.d.ts with real shapes (tests/js/types_match_reality.test.js
// checks these field names against real answers). Each @ts-expect-error line is a wrong use.
import type {
  ErrorBody, FieldErrorBody, GuestAskAnswer, GuestToken, HealthReport, MyStay, PreviewFrameHeader, PreviewRecord,
  RepairReport, RunList, StreamTicket, SyncEvent, SyncResult,
} from '../../host/http/http_api.js';

export async function client(base: string, token: string) {
  const headers = { Authorization: `Bearer ${token}` };
  const response = await fetch(`${base}/api/integrations/motopress/runs?tenant_id=seaside`, { headers });
  if (!response.ok) {
    const error = (await response.json()) as FieldErrorBody;
    return `${error.code}: ${error.message}${error.field ? ` (${error.field})` : ''}`;
  }
  const { tenant, runs } = (await response.json()) as RunList;
  const slug: string = tenant.slug;
  const lastPass = runs[0]?.counts?.pass;
  const reservationsMs = runs[0]?.stats?.stages?.reservations?.ms;
  void slug; void lastPass; void reservationsMs;
  // @ts-expect-error runs are named id, not run_id
  void runs[0].run_id;

  const ticket = (await (await fetch(`${base}/api/integrations/motopress/stream-ticket?tenant_id=seaside`, { method: 'POST', headers })).json()) as StreamTicket;
  const purpose: 'sync-all' | 'events' = ticket.purpose;
  void purpose;
  return ticket.ticket;
}

export function onEvent(data: string): string {
  const event = JSON.parse(data) as SyncEvent;
  switch (event.type) {
    case 'progress': return `${event.stage} ${event.current}/${event.total}`;
    case 'complete': return JSON.stringify(event.counts);
    case 'error': return `${event.code}: ${event.message}`;
    case 'warning': return event.message;
    // @ts-expect-error no such event type
    case 'done': return '';
  }
}

export function frames(header: PreviewFrameHeader): number | null {
  if (header.frame === 'page') return header.total_pages;
  if (header.frame === 'end') return header.total;
  if (header.frame === 'error') return header.code.length;
  // @ts-expect-error only page frames have a page number
  return header.page;
}

export function guest(login: GuestToken, stay: MyStay, answer: GuestAskAnswer, error: ErrorBody): string {
  const expires: string = login.expires_at;
  const nights: number | null = stay.nights;
  // @ts-expect-error a stay's rooms have unit_name, not name
  void stay.rooms[0].name;
  return `${expires} ${nights} ${answer.answered ? answer.answer : answer.context} ${error.code}`;
}

export function staff(report: RepairReport, sync: SyncResult, health: HealthReport, record: PreviewRecord): string[] {
  const changes = report.rows.map((r) => `${r.table} ${r.change} ${r.reason.join(',')}`);
  // @ts-expect-error the mode is dry_run or apply
  const mode: 'dry-run' = report.mode;
  void mode;
  return [...changes, sync.run_id, String(health.tenant.invariants.every((i) => i.ok)), String(record.status)];
}
