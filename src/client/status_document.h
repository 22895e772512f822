// The documents of the client API as the SDK reads them: the job status document, a page of the job
// list and the queue summaries (DESIGN.md section 3). Parsing is lenient: unknown members are ignored,
// missing or null optional members stay empty; only a body that is not a JSON object with the members
// that identify it (a status document needs "id" and "status") is an error.
#pragma once

#include "client/api_error.h"
#include "core/clock.h"
#include "core/job.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace replyd::client {

struct JobLinks {
  std::string self;
  std::string result;
  std::string events;
};

struct JobStatus {
  std::string id;
  std::string queue;
  std::string status;             // as sent: "queued", "running", ...
  std::optional<JobState> state;  // parsed `status`; empty for a state this SDK does not know
  std::optional<Progress> progress;
  std::optional<double> percent;  // as sent in progress.percent
  int attempt = 0;
  int max_attempts = 0;
  bool cancel_requested = false;
  std::optional<TimePoint> created_at, updated_at, started_at, finished_at, expires_at;
  std::optional<Problem> error;
  JobLinks links;
  std::string document;  // the status document as received (compact JSON)

  // From the HTTP answer that carried the document, not from the document itself.
  int http_status = 0;               // 200, 202 or 303
  std::string location;              // Location: the status URL (202) or the result URL (303)
  std::optional<int> retry_after_s;  // Retry-After
  std::string preference_applied;    // Preference-Applied, e.g. "wait=10" or "respond-async"

  bool finished() const { return state && is_terminal(*state); }
};

struct JobPage {
  std::vector<JobStatus> jobs;
  std::optional<std::string> next_cursor;  // empty on the last page
};

struct QueueSummary {
  std::string name;
  std::map<std::string, std::int64_t> counts;  // jobs by state ("queued": 3, ...)
  std::map<std::string, double> figures;       // every other numeric member (oldest age, throughput)
  std::string document;                        // the queue's JSON object as received
};

// Parses one status document. Errors: Errc::internal with a description when `json` is not a JSON
// object with a string "id" and "status".
ApiResult<JobStatus> parse_status_document(std::string_view json);
// The same, from an already parsed object.
ApiResult<JobStatus> parse_status_object(const boost::json::object& obj);

// Parses `{"jobs": [status documents], "next_cursor": "..."}`.
ApiResult<JobPage> parse_job_page(std::string_view json);

// One line for people about a job's progress: "40% uploading", "3/7 uploading" when the share is
// unknown, "uploading", or "" when the job reported none.
std::string progress_text(const JobStatus& status);

// The job id in `text`: the text itself, or the id in a status URL (".../v1/jobs/ID[/...]"), so that
// commands accept what submit printed either way.
std::string job_id_from(std::string_view text);

// Parses the queue list: `{"queues": [...]}`, or a bare array, of objects named by "name" or "queue".
ApiResult<std::vector<QueueSummary>> parse_queue_list(std::string_view json);

}  // namespace replyd::client
