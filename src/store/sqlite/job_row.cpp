#include "store/sqlite/job_row.h"

#include <cstring>

namespace replyd::store::sqlite {
namespace {

// Positions in sql::kJobColumns.
// clang-format off
enum Column : int {
  kSeq, kId, kQueue, kState, kPriority, kAttempt, kMaxAttempts, kCancelRequested, kProgressCurrent,
  kProgressTotal, kProgressMessage, kCreatedAt, kUpdatedAt, kRunAt, kStartedAt, kFinishedAt, kExpiresAt,
  kTimeout, kTtl, kLeaseToken, kLeaseExpiresAt, kAttemptDeadline, kErrorType, kErrorTitle, kErrorStatus,
  kErrorDetail, kPayloadContentType, kPayloadSize, kResultContentType, kResultSize, kCallbackUrl, kVersion,
  kFilename,
};
// clang-format on

std::optional<TimePoint> optional_time(const Statement& s, int col) {
  if (s.is_null(col)) return std::nullopt;
  return from_micros(s.int64(col));
}

std::optional<std::int64_t> micros(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return to_micros(*t);
}

void bind_progress(Statement& s, int first, const std::optional<Progress>& p) {
  if (!p) {
    s.bind_null(first);
    s.bind_null(first + 1);
    s.bind_null(first + 2);
    return;
  }
  s.bind(first, p->current);
  s.bind(first + 1, p->total);
  s.bind(first + 2, std::string_view(p->message));
}

void bind_error(Statement& s, int first, const std::optional<Problem>& e) {
  if (!e) {
    for (int i = 0; i < 4; ++i) s.bind_null(first + i);
    return;
  }
  s.bind(first, std::string_view(e->type));
  s.bind(first + 1, std::string_view(e->title));
  s.bind(first + 2, std::int64_t{e->status});
  s.bind(first + 3, std::string_view(e->detail));
}

}  // namespace

Job read_job(const Statement& s) {
  Job job;
  job.seq = s.int64(kSeq);
  JobId::Bytes id{};
  std::string_view id_bytes = s.blob(kId);
  if (id_bytes.size() == id.size()) std::memcpy(id.data(), id_bytes.data(), id.size());
  job.id = JobId(id);
  job.queue = s.text(kQueue);
  job.state = static_cast<JobState>(s.int64(kState));
  job.priority = static_cast<std::int32_t>(s.int64(kPriority));
  job.attempt = static_cast<std::int32_t>(s.int64(kAttempt));
  job.max_attempts = static_cast<std::int32_t>(s.int64(kMaxAttempts));
  job.cancel_requested = s.int64(kCancelRequested) != 0;
  if (!s.is_null(kProgressMessage)) {
    job.progress = Progress{s.optional_int64(kProgressCurrent), s.optional_int64(kProgressTotal),
                            std::string(s.text(kProgressMessage))};
  }
  job.created_at = from_micros(s.int64(kCreatedAt));
  job.updated_at = from_micros(s.int64(kUpdatedAt));
  job.run_at = from_micros(s.int64(kRunAt));
  job.started_at = optional_time(s, kStartedAt);
  job.finished_at = optional_time(s, kFinishedAt);
  job.expires_at = optional_time(s, kExpiresAt);
  if (!s.is_null(kTimeout)) job.timeout = Duration(s.int64(kTimeout));
  job.ttl = Duration(s.int64(kTtl));
  job.lease_token = s.text(kLeaseToken);
  job.lease_expires_at = optional_time(s, kLeaseExpiresAt);
  job.attempt_deadline = optional_time(s, kAttemptDeadline);
  if (!s.is_null(kErrorStatus)) {
    job.error = Problem{std::string(s.text(kErrorType)), std::string(s.text(kErrorTitle)),
                        static_cast<int>(s.int64(kErrorStatus)), std::string(s.text(kErrorDetail))};
  }
  job.payload_content_type = s.text(kPayloadContentType);
  job.payload_size = s.int64(kPayloadSize);
  job.result_content_type = s.text(kResultContentType);
  job.result_size = s.int64(kResultSize);
  job.callback_url = s.text(kCallbackUrl);
  job.version = s.int64(kVersion);
  job.filename = s.text(kFilename);
  return job;
}

void bind_insert(Statement& s, const Job& job) {
  // Parameter i is column i of kJobColumns (seq, column 0, is assigned by SQLite).
  s.bind_blob(kId, job.id.bytes().data(), job.id.bytes().size());
  s.bind(kQueue, std::string_view(job.queue));
  s.bind(kState, static_cast<std::int64_t>(job.state));
  s.bind(kPriority, std::int64_t{job.priority});
  s.bind(kAttempt, std::int64_t{job.attempt});
  s.bind(kMaxAttempts, std::int64_t{job.max_attempts});
  s.bind(kCancelRequested, std::int64_t{job.cancel_requested});
  bind_progress(s, kProgressCurrent, job.progress);
  s.bind(kCreatedAt, to_micros(job.created_at));
  s.bind(kUpdatedAt, to_micros(job.updated_at));
  s.bind(kRunAt, to_micros(job.run_at));
  s.bind(kStartedAt, micros(job.started_at));
  s.bind(kFinishedAt, micros(job.finished_at));
  s.bind(kExpiresAt, micros(job.expires_at));
  s.bind(kTimeout, job.timeout ? std::optional(job.timeout->count()) : std::nullopt);
  s.bind(kTtl, job.ttl.count());
  s.bind(kLeaseToken, std::string_view(job.lease_token));
  s.bind(kLeaseExpiresAt, micros(job.lease_expires_at));
  s.bind(kAttemptDeadline, micros(job.attempt_deadline));
  bind_error(s, kErrorType, job.error);
  s.bind(kPayloadContentType, std::string_view(job.payload_content_type));
  s.bind(kPayloadSize, job.payload_size);
  s.bind(kResultContentType, std::string_view(job.result_content_type));
  s.bind(kResultSize, job.result_size);
  s.bind(kCallbackUrl, std::string_view(job.callback_url));
  s.bind(kVersion, job.version);
  s.bind(kFilename, std::string_view(job.filename));
}

void bind_update(Statement& s, const Job& job) {
  s.bind(1, job.seq);
  s.bind(2, static_cast<std::int64_t>(job.state));
  s.bind(3, std::int64_t{job.attempt});
  s.bind(4, std::int64_t{job.cancel_requested});
  bind_progress(s, 5, job.progress);
  s.bind(8, to_micros(job.updated_at));
  s.bind(9, to_micros(job.run_at));
  s.bind(10, micros(job.started_at));
  s.bind(11, micros(job.finished_at));
  s.bind(12, micros(job.expires_at));
  s.bind(13, std::string_view(job.lease_token));
  s.bind(14, micros(job.lease_expires_at));
  s.bind(15, micros(job.attempt_deadline));
  bind_error(s, 16, job.error);
  s.bind(20, std::string_view(job.result_content_type));
  s.bind(21, job.result_size);
  s.bind(22, job.version);
}

void bind_heartbeat(Statement& s, const Job& job) {
  s.bind(1, job.seq);
  bind_progress(s, 2, job.progress);
  s.bind(5, to_micros(job.updated_at));
  s.bind(6, micros(job.lease_expires_at));
  s.bind(7, job.version);
}

}  // namespace replyd::store::sqlite
