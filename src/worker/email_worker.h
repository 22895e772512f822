// The email worker (queue `email` of `replyd serve --demo` when --smtp-url is set): sends the message
// of each job (payload: see email_message.h) through an SMTP server with libcurl, and returns
// {"sent": true, "to": [...], "message_id": "<job id>@replyd"} as application/json.
//
// A payload that cannot be read fails the job for good (not retryable) with the reason. An SMTP answer
// 5xx (the server refused the sender, a recipient or the message) also fails for good; a transport error
// or a 4xx answer (try later) fails the attempt, and the job is retried. The Message-ID is derived from
// the job id, so a retried attempt sends the same message id and receivers can drop duplicates.
#pragma once

#include "client/worker_loop.h"
#include "core/clock.h"

#include <chrono>
#include <string>
#include <string_view>

namespace replyd::worker {

inline constexpr std::string_view kEmailQueue = "email";

struct EmailOptions {
  std::string smtp_url;              // smtp://host:port (smtps:// for TLS from the start)
  std::string from;                  // the envelope and header sender
  std::chrono::seconds timeout{30};  // the whole SMTP exchange of one message
  const Clock* clock = nullptr;      // for the Date header; empty: the system clock
};

// Thread-safe. Throws std::invalid_argument when smtp_url is not smtp:// or smtps://, or from is not
// an address.
client::Handler make_email_handler(EmailOptions options);

}  // namespace replyd::worker
