#include "client/job_follower.h"

#include <algorithm>
#include <cctype>

namespace replyd::client {
namespace {

// Reads the stream until the terminal event. Errors: why the stream is of no more use.
ApiResult<JobStatus> follow_stream(EventStream& stream,
                                   const std::function<void(const JobStatus&)>& on_update) {
  while (true) {
    auto event = stream.next();
    if (!event) return event.error();
    if (!*event) return ApiError(Errc::unavailable, "the event stream ended before the job finished");
    auto status = parse_status_document((*event)->data);
    if (!status) return status.error();
    if (on_update) on_update(*status);
    if (status->finished()) return status;
  }
}

}  // namespace

ApiResult<JobStatus> follow_job(Client& client, std::string_view id, const FollowOptions& options,
                                const std::function<void(const JobStatus&)>& on_update,
                                const std::function<void(const ApiError&)>& on_fallback) {
  std::string job = job_id_from(id);
  // Job ids are letters and digits; anything else cannot name a job, and polling answers that with the
  // server's own 404.
  auto id_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  if (job.empty() || !std::all_of(job.begin(), job.end(), id_char)) {
    return wait_for_job(client, id, options.polling, on_update);
  }
  auto stream = EventStream::open(client.base_url(), "/v1/jobs/" + job + "/events", options.stream);
  ApiError why;
  if (stream) {
    auto finished = follow_stream(**stream, on_update);
    if (finished) return finished;
    why = finished.error();
  } else {
    if (stream.error().code() == Errc::not_found) return stream.error();
    why = stream.error();
  }
  if (on_fallback) on_fallback(why);
  return wait_for_job(client, id, options.polling, on_update);
}

}  // namespace replyd::client
