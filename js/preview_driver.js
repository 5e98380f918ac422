// Drives the core's dry run (MphbCore.syncPreview) in the sync's order, with the I/O given: the same
// steps in Node (`sync-all --dry-run`) and in the browser's preview worker, so both report the same
// diff. The core decides; this only moves bytes and asks for what the core names.
//
//   const driver = new PreviewDriver(core.syncPreview({tenantId, now, stored}), {fetchUnit, fetchBooking})
//   driver.accommodations(typesJson, unitsJson)  → {counts, warnings, errors}
//   await driver.page(bytes)                     → each page of /bookings, in order
//   await driver.finish({total})                 → reconcile and confirmations; then driver.diff()

/** Thrown when the core refuses a step: the sync would have stopped there too. */
export class PreviewStopped extends Error {
  constructor(code, message, errors) {
    super(message);
    this.code = code;
    this.errors = errors;
  }
}

export class PreviewDriver {
  /**
   * @param {import('./core.js').SyncPreviewSession} preview
   * @param {object} [io]
   * @param {(id: number) => Promise<{id: number, status: number, body?: object|null}>} [io.fetchUnit]
   *   GET /accommodations/{id}: 200 with the record, 404 when gone
   * @param {(id: number) => Promise<{status: number, body?: string}>} [io.fetchBooking] GET /bookings/{id}
   *   (body as text); without it nothing is confirmed and nothing is called gone
   */
  constructor(preview, { fetchUnit, fetchBooking } = {}) {
    this.preview = preview;
    this.fetchUnit = fetchUnit;
    this.fetchBooking = fetchBooking;
    this.pages = 0;
  }

  accommodations(types, units) {
    const answer = this.preview.accommodations(types, units);
    if (answer.errors.length > 0) throw new PreviewStopped('accommodations_failed', `accommodations: ${describe(answer.errors[0])}`, answer.errors);
    return answer;
  }

  /** One page: units the core does not know are fetched first, as the sync fetches them. */
  async page(bytes) {
    let answer = this.preview.bookingsPage(bytes);
    if (answer.unknown_units.length > 0) {
      if (!this.fetchUnit) throw new PreviewStopped('unresolved_units', 'a page names units the database lacks and nothing can fetch them', []);
      const results = await Promise.all(answer.unknown_units.map((u) => this.fetchUnit(u.mphb_accommodation_id)));
      const resolved = this.preview.resolveUnits(results);
      if (resolved.errors.length > 0) throw new PreviewStopped('unresolved_units', describe(resolved.errors[0]), resolved.errors);
      answer = this.preview.bookingsPage(bytes);
      if (answer.unknown_units.length > 0) throw new PreviewStopped('unresolved_units', 'units still unknown after fetching them', []);
    }
    this.pages += 1;
    return answer;
  }

  /**
   * After the last page. The core decides, as in the sync, whether the pass saw enough to reconcile;
   * without X-WP-Total there is nothing to check the pass against.
   * @param {{total: number|null}} pass total: X-WP-Total of the pass
   */
  async finish({ total }) {
    if (total === null || total === undefined) return { complete: false, confirm: [] };
    const reconcile = this.preview.reconcile(total);
    if (!this.fetchBooking) return reconcile;
    for (const id of reconcile.confirm) {
      const answer = await this.fetchBooking(id);
      this.preview.confirm(id, answer.status, answer.body ?? '');
    }
    return reconcile;
  }

  diff() {
    return this.preview.diff();
  }

  diffText() {
    return this.preview.diffText();
  }
}

function describe(d) {
  return `${d.code} at ${d.path}: ${d.message}`;
}
