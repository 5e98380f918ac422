// Validators for MotoPress responses built from the official OpenAPI file (../shared/motopress), with
// exactly the deviations FIELD-NOTES records for the real plugin and nothing else:
//   - a booking's `status` may be "trash" (GET /bookings/{id} of a trashed booking);
//   - `date-time` values may come without offset or Z ("2026-11-21T12:41:00").
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const OPENAPI = fileURLToPath(new URL('../../../../shared/motopress/mphb-v1.openapi.json', import.meta.url));
const LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;

export function loadSchemaValidators() {
  const document = JSON.parse(readFileSync(OPENAPI, 'utf8'));
  const schemas = structuredClone(document.components.schemas);
  schemas.bookings.properties.status.enum.push('trash');
  // OpenAPI keywords such as readOnly are not JSON Schema validation keywords: strict mode off.
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv, ['date', 'uri']);
  ajv.addFormat('date-time', LOCAL_DATE_TIME);
  const compile = (name) => ajv.compile(schemas[name]);
  return {
    accommodation_types: compile('accommodation_types'),
    accommodations: compile('accommodations'),
    bookings: compile('bookings'),
    rates: compile('rates'),
  };
}

/** Human-readable ajv errors for a failed validation. */
export function describeErrors(validate) {
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}${e.params?.allowedValues ? ` ${JSON.stringify(e.params.allowedValues)}` : ''}`).join('; ');
}
