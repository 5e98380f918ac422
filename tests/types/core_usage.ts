// Uses the core's public API (js/core.d.ts, js/preview_driver.d.ts, js/page_plan.d.ts) the way callers do,
// with the shapes the core really answers (tests/js/types_match_reality.test.js compares these shapes with
// real answers). tsc checks it strictly; each @ts-expect-error line is a wrong use that must stay an error.
import { loadCore, MphbCore, type Diagnostic, type OfflinePlan, type PagePlan, type Stay } from 'mphb-sync';
import { PreviewDriver, PreviewStopped } from '../../js/preview_driver.js';
import { readPagePlan } from '../../js/page_plan.js';

export async function offlinePlan(bookingsJson: string): Promise<OfflinePlan> {
  const core: MphbCore = await loadCore();
  const version: string = core.version;
  void version;
  const plan = core.plan({ tenantId: '11111111-1111-4111-8111-111111111111', now: '2026-01-01T00:00:00Z', bookings: bookingsJson });
  for (const r of plan.reservations) {
    const id: number = r.external_booking_id;
    const unit: string | null = r.accommodation_unit_id;
    void id; void unit;
  }
  const first: Diagnostic | undefined = plan.errors[0];
  if (first) {
    const where: string = first.path;
    const code: string = first.code;
    void where; void code;
  }
  // @ts-expect-error the tenant id is required
  core.plan({ now: '2026-01-01T00:00:00Z' });
  // @ts-expect-error rows are named like the columns: no camelCase
  void plan.reservations[0].externalBookingId;
  // @ts-expect-error a rate is a rate id (a number), never money
  const rate: string = plan.reservation_accommodations[0].rate_id;
  void rate;
  return plan;
}

export async function bookingsSession(page: Uint8Array) {
  const core = await loadCore();
  const session = core.bookingsSync({ tenantId: 't', now: 'n', knownUnits: { 101: 12 }, knownTypes: [12], stored: {} });
  try {
    let plan: PagePlan = session.planPage(page);
    if (plan.unknown_units.length > 0) {
      const resolved = session.resolveUnits(plan.unknown_units.map((u) => ({ id: u.mphb_accommodation_id, status: 404 })));
      const created: number = resolved.counts.units_created;
      void created;
      plan = session.planPage(page);
    }
    const pass = session.reconcile(10);
    for (const id of pass.confirm) {
      const answer = session.confirm(id, 404);
      if (answer.decision === 'gone') void answer.mark?.upstream_gone_at;
      // @ts-expect-error decisions are gone or keep
      if (answer.decision === 'deleted') void 0;
    }
    // @ts-expect-error planPage takes text or bytes, not a number
    session.planPage(42);
    return plan;
  } finally {
    session.close();
  }
}

export async function preview(typesJson: string, unitsJson: string, pages: Uint8Array[]) {
  const core = await loadCore();
  const driver = new PreviewDriver(core.syncPreview({ tenantId: 't', now: 'n' }), {
    fetchUnit: async (id) => ({ id, status: 404, body: null }),
    fetchBooking: async () => ({ status: 404 }),
  });
  try {
    driver.accommodations(typesJson, unitsJson);
    for (const bytes of pages) await driver.page(bytes);
    await driver.finish({ total: pages.length });
  } catch (error) {
    if (error instanceof PreviewStopped) return { code: error.code, errors: error.errors };
    throw error;
  }
  const diff = driver.diff();
  const created: number = diff.bookings_by_outcome.create;
  const outcome: 'create' | 'update' | 'unchanged' | 'cancel' | 'block' | 'gone' | 'placeholder' | 'rejected' = diff.bookings[0].outcome;
  void created; void outcome;
  // @ts-expect-error no such outcome
  void diff.bookings_by_outcome.deleted;
  return diff;
}

export async function guest(core: MphbCore, body: string, stay: Stay) {
  const { request, errors } = core.readGuestLogin(body);
  if (!request) return errors.map((e) => `${e.path}: ${e.message}`);
  const decision = core.decideGuestLogin({ request, candidates: [], now: '2026-01-01T00:00:00Z' });
  if (decision.decision === 'ok') void decision.reservation_id;
  else if (decision.decision === 'refused') void decision.code;
  else void decision.errors;
  // @ts-expect-error only an 'ok' decision names a reservation
  void decision.reservation_id;
  const access = core.decideGuestAccess({ stay, now: '2026-01-01T00:00:00Z' });
  if (!access.allowed) void access.code;
  const answer = core.answerQuestion(stay, '¿Qué habitación tengo?');
  const language: 'es' | 'en' = answer.language;
  const room: string | null = stay.rooms[0].unit_name;
  void language; void room;
  // @ts-expect-error the question is a string
  core.answerQuestion(stay, 42);
  return answer;
}

export function pagePlanText(text: string): PagePlan {
  const plan = readPagePlan(text);
  void plan.rows_text?.reservations;
  return plan;
}
