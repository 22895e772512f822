// The payload of an email job and the message built from it (the email worker, email_worker.h). Pure
// functions, no I/O.
#pragma once

#include "core/job.h"
#include "core/result.h"

#include <string>
#include <vector>

namespace replyd::worker {

struct EmailRequest {
  std::vector<std::string> to;  // one or more addresses
  std::string subject;
  std::string body;
};

// Parses `{"to": "a@example.com" | ["a@...", ...], "subject": "...", "body": "..."}`. Errors
// (Errc::invalid_argument, with a detail meant for people): not a JSON object; `to` missing, empty, more
// than 100 addresses, or an address that is not local@domain of printable ASCII without spaces, angle
// brackets or commas (at most 254 characters); `subject` not a string, longer than 500 bytes or holding
// a line break; `body` not a string or larger than 1 MiB.
Result<EmailRequest> parse_email_request(const Blob& payload);

// The RFC 5322 message: Date (`date` in RFC 5322 form), From, To, Subject (RFC 2047 encoded-words when
// it is not plain ASCII), Message-ID, MIME-Version and a text/plain UTF-8 body, every line ending in
// CRLF. SMTP dot-stuffing is left to the transport.
std::string build_email_message(const EmailRequest& request, std::string_view from,
                                std::string_view message_id, std::string_view date);

// "Tue, 24 Nov 2026 08:00:00 +0000".
std::string rfc5322_date(TimePoint t);

}  // namespace replyd::worker
