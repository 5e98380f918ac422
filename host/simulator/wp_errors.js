// WordPress REST error objects, as the MotoPress plugin sends them (FIELD-NOTES): {code, message,
// data: {status}}, never with a WWW-Authenticate header.

/** @returns {{status: number, body: object}} */
export function wpError(status, code, message, extra = {}) {
  return { status, body: { code, message, data: { status, ...extra } } };
}

export const errors = {
  cannotView: () => wpError(401, 'mphb_rest_cannot_view', 'Sorry, you cannot list resources.'),
  forbidden: (message = 'Sorry, you cannot list resources.') => wpError(403, 'mphb_rest_cannot_view', message),
  authentication: (message) => wpError(401, 'mphb_rest_authentication_error', message),
  missingParameter: (message) => wpError(401, 'mphb_rest_authentication_missing_parameter', message),
  invalidParam: (params) => wpError(400, 'rest_invalid_param', `Invalid parameter(s): ${Object.keys(params).join(', ')}`, { params }),
  noRoute: () => wpError(404, 'rest_no_route', 'No route was found matching the URL and request method.'),
  invalidId: (collection) => wpError(404, collection === 'bookings' ? 'mphb_rest_invalid_mphb_booking_id' : `mphb_rest_invalid_${collection.replace(/s$/, '')}_id`, 'Invalid ID.'),
};
