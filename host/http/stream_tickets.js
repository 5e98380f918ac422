// Tickets for EventSource URLs, which cannot carry an Authorization header: issued to a bearer (POST
// …/stream-ticket), valid for 60 s and one connection, bound to one purpose — `sync-all` (GET …/sync-all
// starts a Sync All) or `events` of one run (GET …/runs/{run_id}/events) — and stored hashed in the
// database (edge instances share nothing else).
import { randomBytes } from 'node:crypto';

import { hashSecret } from './staff_tokens.js';

export const TICKET_SECONDS = 60;
export const TICKET_PURPOSES = ['sync-all', 'events'];

/**
 * @param {object} db
 * @param {{tenantId: string, role: string, purpose?: 'sync-all'|'events', runId?: string|null}} o
 *   runId: required for (and only for) purpose `events`
 * @returns {Promise<{ticket: string, expires_in: number, purpose: string, run_id?: string}>}
 */
export async function issueStreamTicket(db, { tenantId, role, purpose = 'sync-all', runId = null }) {
  if (!TICKET_PURPOSES.includes(purpose)) throw new Error(`unknown stream ticket purpose ${purpose}`);
  if ((purpose === 'events') !== Boolean(runId)) throw new Error('a stream ticket names a run exactly when its purpose is events');
  const ticket = `tkt_${randomBytes(24).toString('base64url')}`;
  await db.query(`insert into public.stream_tickets (ticket_hash, tenant_id, role, expires_at, purpose, run_id)
    values ($1, $2, $3, now() + make_interval(secs => $4), $5, $6)`, [hashSecret(ticket), tenantId, role, TICKET_SECONDS, purpose, runId]);
  return purpose === 'events' ? { ticket, expires_in: TICKET_SECONDS, purpose, run_id: runId } : { ticket, expires_in: TICKET_SECONDS, purpose };
}

/**
 * Spends a ticket (its first presentation spends it, on whatever URL).
 * @returns {Promise<{tenant_id, role, purpose, run_id}|null>} null if unknown, expired or already used
 */
export async function redeemStreamTicket(db, ticket) {
  const rows = await db.query(`update public.stream_tickets set used_at = now()
    where ticket_hash = $1 and used_at is null and expires_at > now() returning tenant_id, role, purpose, run_id`, [hashSecret(ticket)]);
  return rows[0] ?? null;
}
