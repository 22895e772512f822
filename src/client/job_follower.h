// Following a job until it finishes by its event stream (GET /v1/jobs/{id}/events), as `replyd wait`
// does: every state and progress change arrives the moment it happens. When the stream cannot be
// opened, breaks, or ends before the terminal event (a proxy that buffers or cuts streams, a server
// restart), it falls back to wait_for_job (long-polls paced by Retry-After), which resumes from the
// job's current state.
#pragma once

#include "client/client.h"
#include "client/event_stream.h"
#include "client/job_waiter.h"

#include <functional>
#include <string_view>

namespace replyd::client {

struct FollowOptions {
  EventStreamOptions stream;
  WaitOptions polling;  // after a fallback
};

// Returns the job's status once it is finished. `on_update`, when given, gets every status seen (each
// event, then each poll), the last one included; `on_fallback` is told why the stream was given up.
// Errors: Errc::not_found for an unknown job; otherwise those of wait_for_job.
ApiResult<JobStatus> follow_job(Client& client, std::string_view id, const FollowOptions& options = {},
                                const std::function<void(const JobStatus&)>& on_update = {},
                                const std::function<void(const ApiError&)>& on_fallback = {});

}  // namespace replyd::client
