// Guest login (SPEC §4: only active reservations log in; I6: calendar blocks never do), decided here so
// every host applies the same rules: the request is validated field by field, then matched against the
// tenant's reservations of that check-in date. Never an arbitrary pick between two guests.
#pragma once
#include <string>
#include <string_view>

namespace mphb {

// How long after check-out a guest may still log in and use a token (the token expires then too).
constexpr int kGuestAccessDaysAfterCheckOut = 7;

// body: the request's JSON bytes {check_in_date, phone_last_4?, reservation_code?}.
// → {"request": {check_in_date, phone_last_4|null, reservation_code|null} | null, "errors": [{code, path, message}]}
// where path names the field (check_in_date, phone_last_4, reservation_code, or body). Codes:
// invalid_body, missing_field, wrong_type, invalid_format.
std::string read_guest_login_request_json(std::string_view body);

// request: the "request" object above; candidates: the tenant's guest_reservations with that check-in
// date, any status: [{id, external_booking_id, status, check_in_date, check_out_date, phone_last_4,
// reservation_code}]; now: ISO-8601 UTC.
// → {"decision": "ok", reservation_id, booking_id, expires_at} | {"decision": "refused", code, message}
//   with code invalid_credentials (no match — told apart from nothing else), ambiguous (two or more
//   active reservations match), stay_ended (the match checked out more than 7 days ago); or
//   {"decision": "error", errors} for malformed arguments.
// A null phone_last_4 or reservation_code never matches anything; every field given must match.
std::string decide_guest_login_json(std::string_view request, std::string_view candidates, const std::string& now);

// Whether a logged-in guest may still read their stay, checked on every read (the token only proves who
// logged in): the reservation must still be active and the stay not ended more than 7 days ago — a
// booking cancelled or trashed upstream after login closes access at the next sync.
// stay: a stay of build_guest_stay_json. → {"allowed": true} | {"allowed": false, code: reservation_inactive |
// stay_ended | invalid_stay, message}.
std::string decide_guest_access_json(std::string_view stay, const std::string& now);

}  // namespace mphb
