// Response building shared by the endpoint groups.
#pragma once

#include "api/api_context.h"
#include "core/job.h"
#include "core/result.h"
#include "http/request.h"
#include "http/response.h"

#include <optional>
#include <string_view>

namespace replyd::api {

// The job id in the path parameter "id", or nullopt when it is not a well-formed id (answered 404,
// like an unknown id: ids are capabilities, and a malformed one names no job).
std::optional<JobId> path_job_id(const http::Request& request);

// What GET /v1/jobs/{id} answers for `job`: 200 with Retry-After while queued or running, 303 to the
// result once succeeded, 200 with the error once failed or cancelled; Expires once finished.
http::Response job_status_response(const ApiContext& context, const Job& job, std::string_view base_url);

// A JSON body with the status document, no status-specific headers.
http::Response job_document_response(int status, const Job& job, std::string_view base_url);

// The `wait=N` of the request's Prefer header(s), if any; malformed Prefer -> invalid_argument.
struct WaitPreference {
  bool respond_async = false;
  std::optional<int> wait_seconds;
};
Result<WaitPreference> request_preferences(const http::Request& request);

// 404 for an unknown or malformed job id.
http::Response job_not_found();

// The head of an event stream (200, text/event-stream, no caching, no proxy buffering), for
// Exchange::begin_stream.
http::Response event_stream_head();

}  // namespace replyd::api
