// Tickets for EventSource URLs, which cannot carry an Authorization header: issued to a bearer, valid
// for 60 s and one connection, stored hashed in the database (edge instances share nothing else).
import { randomBytes } from 'node:crypto';

import { hashSecret } from './staff_tokens.js';

export const TICKET_SECONDS = 60;

export async function issueStreamTicket(db, { tenantId, role }) {
  const ticket = `tkt_${randomBytes(24).toString('base64url')}`;
  await db.query(`insert into public.stream_tickets (ticket_hash, tenant_id, role, expires_at)
    values ($1, $2, $3, now() + make_interval(secs => $4))`, [hashSecret(ticket), tenantId, role, TICKET_SECONDS]);
  return { ticket, expires_in: TICKET_SECONDS };
}

/** Spends a ticket. @returns {Promise<{tenant_id, role}|null>} null if unknown, expired or already used */
export async function redeemStreamTicket(db, ticket) {
  const rows = await db.query(`update public.stream_tickets set used_at = now()
    where ticket_hash = $1 and used_at is null and expires_at > now() returning tenant_id, role`, [hashSecret(ticket)]);
  return rows[0] ?? null;
}
