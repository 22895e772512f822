// Callbacks at the edges of the job service: what submit accepts, and what the status shows.
#pragma once

#include "core/job.h"
#include "core/result.h"
#include "engine/webhook_options.h"
#include "store/job_store.h"

#include <boost/asio/awaitable.hpp>

namespace replyd::engine {

// Fills the queue's default callback when the spec has none, then checks it: invalid_argument when a
// callback is asked for but no webhook secret is configured (an unsigned webhook cannot be trusted),
// when the URL is not an http:// URL, or when its host is an IP literal the SSRF guard refuses.
// (A host name is checked when it is resolved, at each attempt.)
Result<void> apply_callback_policy(JobSpec& spec, const WebhookOptions& options);

// Sets job.callback from the job's stored delivery when it has a callback URL and has finished (a
// finished job whose delivery is not visible yet shows as pending).
boost::asio::awaitable<Result<void>> attach_callback(store::JobStore& store, Job& job);

}  // namespace replyd::engine
