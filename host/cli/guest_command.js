// `mphb-sync guest stay|ask --tenant T --booking ID`: what a guest of that booking sees and is answered,
// for staff (the manual "log in as the guest and ask" check, made a command). Reads the same rows and
// asks the same core as /api/guest/my-stay and /api/guest/ask; no login is needed (staff tool).
import { GuestError, askAboutStay, readGuestStay } from '../guest/guest_access.js';
import { findBooking } from '../guest/stay_reader.js';
import { TenantError, resolveTenant } from '../tenants/tenant_store.js';
import { withContext } from './command_context.js';
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE } from './exit_codes.js';

const show = (value, suffix = '') => (value === null || value === undefined ? '—' : `${value}${suffix}`);

/** The stay as a few lines of text: every room, missing data as "—". */
export function formatStay(stay) {
  const lines = [
    `${show(stay.hotel_name)} — booking ${stay.booking_id} (${stay.status})`,
    `Guest: ${show(stay.guest_name)}`,
    `Check-in: ${stay.check_in_date}${stay.check_in_time ? ` ${stay.check_in_time}` : ''}   Check-out: ${stay.check_out_date}${stay.check_out_time ? ` ${stay.check_out_time}` : ''}   (${show(stay.nights)} nights)`,
    `Guests: ${stay.adults} adults, ${stay.children} children`,
    `Rooms (${stay.room_count}):`,
  ];
  for (const r of stay.rooms) {
    lines.push(`  ${r.position + 1}. ${show(r.unit_name)} — ${show(r.type_name)} · bed ${show(r.bed_type)} · ${show(r.size_m2, ' m²')} · view ${show(r.view)} · capacity ${show(r.capacity)} · ${r.adults} adults, ${r.children} children${r.is_placeholder ? ' · (no longer listed by MotoPress)' : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

// Resolves --tenant and --booking to a reservation, or writes why not and returns an exit code.
async function reservationOf(db, opts, command, io) {
  let tenant;
  try {
    tenant = await resolveTenant(db, opts.tenant);
  } catch (error) {
    if (!(error instanceof TenantError)) throw error;
    io.stderr.write(`mphb-sync guest ${command}: ${error.message}\n`);
    return { exit: EXIT_USAGE };
  }
  if (!/^[1-9][0-9]{0,15}$/.test(String(opts.booking))) {
    io.stderr.write(`mphb-sync guest ${command}: --booking must be a MotoPress booking id (a positive integer), got "${opts.booking}"\n`);
    return { exit: EXIT_USAGE };
  }
  const found = await findBooking(db, tenant.tenant_id, opts.booking);
  if (found.kind === 'calendar_block') {
    io.stderr.write(`mphb-sync guest ${command}: tenant ${tenant.slug}: booking ${opts.booking} is an imported calendar block, not a guest: it has no stay and can never log in\n`);
    return { exit: EXIT_USAGE };
  }
  if (found.kind === 'unknown') {
    io.stderr.write(`mphb-sync guest ${command}: tenant ${tenant.slug}: no booking ${opts.booking} (run sync-all first, or check the id)\n`);
    return { exit: EXIT_USAGE };
  }
  return { tenant, reservationId: found.reservation_id };
}

/**
 * @param {{tenant: string, booking: string, json?: boolean}} opts
 * @returns {Promise<number>} 0 shown; 2 unknown tenant or booking, or a calendar block
 */
export async function guestStayCommand(opts, io = process) {
  return withContext(async ({ db, core }) => {
    const target = await reservationOf(db, opts, 'stay', io);
    if (target.exit !== undefined) return target.exit;
    const stay = await readGuestStay({ db, core: await core(), tenantId: target.tenant.tenant_id, reservationId: target.reservationId });
    io.stdout.write(opts.json ? `${JSON.stringify(stay)}\n` : formatStay(stay));
    return EXIT_OK;
  });
}

/**
 * @param {string} question
 * @param {{tenant: string, booking: string, json?: boolean}} opts
 * @returns {Promise<number>} 0 answered; 1 not answered (the context is printed); 2 bad input
 */
export async function guestAskCommand(question, opts, io = process) {
  return withContext(async ({ db, core }) => {
    const target = await reservationOf(db, opts, 'ask', io);
    if (target.exit !== undefined) return target.exit;
    let answer;
    try {
      answer = await askAboutStay({ db, core: await core(), tenantId: target.tenant.tenant_id, reservationId: target.reservationId, question });
    } catch (error) {
      if (!(error instanceof GuestError)) throw error;
      io.stderr.write(`mphb-sync guest ask: ${error.extra.field ?? error.code}: ${error.message}\n`);
      return EXIT_USAGE;
    }
    if (opts.json) io.stdout.write(`${JSON.stringify(answer)}\n`);
    else if (answer.answered) io.stdout.write(`${answer.answer}\n`);
    else io.stdout.write(`(not answered${answer.intent ? `: no data for ${answer.intent}` : ''}; the context a chat model would get:)\n${answer.context}\n`);
    return answer.answered ? EXIT_OK : EXIT_PROBLEMS;
  });
}

/** @param {import('commander').Command} program */
export function registerGuestCommand(program) {
  const guest = program.command('guest').description("What a booking's guest sees and is answered (staff check; no login needed).");
  guest.command('stay')
    .description('Show the guest\'s stay: dates, status and every room with its type, bed, size, view and capacity.')
    .requiredOption('--tenant <tenant>', 'slug or UUID')
    .requiredOption('--booking <id>', 'the MotoPress booking id')
    .option('--json', 'print the stay as JSON (the body of GET /api/guest/my-stay)')
    .addHelpText('after', '\nExit: 0 shown; 2 unknown tenant, unknown booking, or a calendar block (it has no guest).')
    .action(async (opts) => { process.exitCode = await guestStayCommand(opts); });
  guest.command('ask')
    .description('Answer a guest question about the booking, as the guest chat would (Spanish or English).')
    .argument('<question>', 'e.g. "¿Qué tipo de habitación tengo?"')
    .requiredOption('--tenant <tenant>', 'slug or UUID')
    .requiredOption('--booking <id>', 'the MotoPress booking id')
    .option('--json', 'print {answered, intent, language, answer, facts, context} (the body of POST /api/guest/ask)')
    .addHelpText('after', '\nExit: 0 answered; 1 not answered (the context for a chat model is printed); 2 bad input, unknown tenant or booking.')
    .action(async (question, opts) => { process.exitCode = await guestAskCommand(question, opts); });
}
