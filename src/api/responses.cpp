#include "api/responses.h"

#include "api/problem_mapping.h"
#include "api/status_document.h"
#include "core/time_format.h"
#include "http/prefer.h"

namespace replyd::api {

std::optional<JobId> path_job_id(const http::Request& request) { return JobId::parse(request.path_param("id")); }

http::Response job_document_response(int status, const Job& job, std::string_view base_url) {
  auto response = http::Response::json(status, status_document(job, base_url));
  // A status changes from one moment to the next: caches must ask every time.
  response.set_header("Cache-Control", "no-store");
  if (job.expires_at) response.set_header("Expires", format_http_date(*job.expires_at));
  return response;
}

http::Response job_status_response(const ApiContext& context, const Job& job, std::string_view base_url) {
  switch (job.state) {
    case JobState::queued:
    case JobState::running: {
      auto response = job_document_response(200, job, base_url);
      response.set_header("Retry-After", std::to_string(context.jobs.retry_after_seconds(job)));
      return response;
    }
    case JobState::succeeded: {
      auto response = job_document_response(303, job, base_url);
      response.set_header("Location", result_url(base_url, job.id));
      return response;
    }
    case JobState::failed:
    case JobState::cancelled:
      break;
  }
  return job_document_response(200, job, base_url);
}

Result<WaitPreference> request_preferences(const http::Request& request) {
  auto values = request.headers("Prefer");
  if (values.empty()) return WaitPreference{};
  auto parsed = http::parse_prefer(values);
  if (!parsed) return parsed.error();
  return WaitPreference{parsed->respond_async, parsed->wait_seconds};
}

http::Response job_not_found() { return error_response(Error(Errc::not_found, "no job with this id")); }

http::Response event_stream_head() {
  http::Response head;
  head.status = 200;
  head.set_header("Content-Type", "text/event-stream");
  head.set_header("Cache-Control", "no-store");
  head.set_header("X-Accel-Buffering", "no");  // nginx: pass events through at once
  return head;
}

}  // namespace replyd::api
