// "Test connection": one GET /accommodation_types?per_page=1, one attempt, and the answer mapped to a
// code the admin UI can explain. The plugin's 401 messages tell a wrong key from a wrong secret from a
// key without read permission (FIELD-NOTES "Transport"); the messages here never contain the secret.

const HINTS = {
  wrong_key: 'the consumer key is not known to the site (Accommodation > Settings > Advanced lists the keys)',
  wrong_secret: 'the consumer key is known but the secret does not match',
  no_read_permission: 'the key has no read permission; create a key with read or read_write permission',
  no_credentials_accepted: 'the site treated the request as anonymous: MotoPress ignores Basic credentials over plain http, and some servers strip the Authorization header',
  clock_skew: 'the site refused the OAuth timestamp: this server\'s clock and the site\'s differ by more than 15 minutes',
  unauthorized: 'the site refused the credentials',
  forbidden: 'the site refused access (403): the key\'s WordPress user lacks the capability, or a firewall blocked the request',
  unreachable: 'the site could not be reached',
  tls_error: 'the site\'s TLS certificate is not trusted or the TLS handshake failed',
  not_motopress: 'the URL does not answer as the MotoPress Hotel Booking REST API (is the plugin active, is this the WordPress site URL?)',
  redirected: 'the site redirects; enter the URL it redirects to',
  server_error: 'the site answered with a server error',
  rate_limited: 'the site is rate-limiting requests; try again later',
  malformed_response: 'the site answered with a broken JSON body (often a PHP notice printed before the JSON)',
  insecure_site: 'plain http sites need the explicit opt-in (and are then signed with OAuth 1.0a)',
  private_address: 'the site is on a private, link-local or otherwise non-public address',
  invalid_site_url: 'the site URL is not valid',
  bad_request: 'the site rejected the request as invalid',
  http_error: 'the site answered with an unexpected status',
};

/**
 * Maps a MotoPressError (or a policy refusal) of the check request to {ok: false, code, message}.
 * @param {import('./motopress_error.js').MotoPressError} error
 */
export function credentialFailure(error) {
  const code = credentialCode(error);
  return {
    ok: false,
    code,
    message: `${HINTS[code] ?? 'the check failed'} — ${error.message}`,
    status: error.status ?? null,
    wpCode: error.wpCode ?? null,
  };
}

function credentialCode(error) {
  const wpMessage = error.wpMessage ?? '';
  switch (error.code) {
    case 'unauthorized':
      if (error.wpCode === 'mphb_rest_authentication_error') {
        if (/consumer key is invalid/i.test(wpMessage)) return 'wrong_key';
        if (/consumer secret is invalid|invalid signature/i.test(wpMessage)) return 'wrong_secret';
        if (/does not have read permission/i.test(wpMessage)) return 'no_read_permission';
        if (/timestamp/i.test(wpMessage)) return 'clock_skew';
        return 'unauthorized';
      }
      if (error.wpCode === 'mphb_rest_cannot_view' || error.wpCode === 'mphb_rest_authentication_missing_parameter') return 'no_credentials_accepted';
      return 'unauthorized';
    case 'forbidden': return 'forbidden';
    case 'timeout':
    case 'network': return 'unreachable';
    case 'tls': return 'tls_error';
    case 'not_motopress':
    case 'not_found': return 'not_motopress';
    case 'http_5xx': return 'server_error';
    case 'rate_limited': return 'rate_limited';
    case 'malformed_json': return 'malformed_response';
    case 'http_error': return error.status >= 300 && error.status < 400 ? 'redirected' : 'http_error';
    default: return error.code ?? 'http_error';
  }
}
