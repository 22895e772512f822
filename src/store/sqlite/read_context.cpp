#include "store/sqlite/read_context.h"

#include "store/sqlite/delivery_row.h"
#include "store/sqlite/delivery_sql.h"
#include "store/sqlite/job_row.h"
#include "store/sqlite/sql.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace replyd::store::sqlite {
namespace {

constexpr int kBusyTimeoutMs = 10'000;

Error not_found(const JobId& id) { return Error(Errc::not_found, fmt::format("no job {}", id.to_string())); }

// Ends an explicit read transaction when it leaves scope, after every statement declared later was
// reset (an open read transaction would keep the WAL from being checkpointed).
class EndRead {
 public:
  explicit EndRead(Statement& commit) : commit_(commit) {}
  ~EndRead() {
    commit_.step();
    commit_.reset();
  }
  EndRead(const EndRead&) = delete;
  EndRead& operator=(const EndRead&) = delete;

 private:
  Statement& commit_;
};

}  // namespace

ReadContext::ReadContext(const std::string& path, int cache_kib)
    : db_(path, SQLITE_OPEN_READONLY, kBusyTimeoutMs),
      begin_(db_.get(), "BEGIN"),
      commit_(db_.get(), "COMMIT"),
      job_by_id_(db_.get(), sql::kJobById),
      payload_by_id_(db_.get(), sql::kPayloadById),
      result_by_id_(db_.get(), sql::kResultById),
      list_all_(db_.get(), sql::kListAll),
      list_by_queue_(db_.get(), sql::kListByQueue),
      list_by_state_(db_.get(), sql::kListByState),
      list_by_queue_state_(db_.get(), sql::kListByQueueAndState),
      queue_counts_(db_.get(), sql::kQueueCounts),
      oldest_due_queued_(db_.get(), sql::kOldestDueQueued),
      finished_in_window_(db_.get(), sql::kFinishedInWindow),
      delivery_by_job_(db_.get(), sql::kDeliveryByJob) {
  db_.exec_or_throw(fmt::format("PRAGMA cache_size = -{}", cache_kib));
}

void ReadContext::close() {
  for (Statement* s :
       {&begin_, &commit_, &job_by_id_, &payload_by_id_, &result_by_id_, &list_all_, &list_by_queue_,
        &list_by_state_, &list_by_queue_state_, &queue_counts_, &oldest_due_queued_, &finished_in_window_,
        &delivery_by_job_}) {
    *s = Statement();
  }
  db_.close();
}

Result<Job> ReadContext::get(const JobId& id) {
  ResetOnExit reset(job_by_id_);
  job_by_id_.bind_blob(1, id.bytes().data(), id.bytes().size());
  int rc = job_by_id_.step();
  if (rc == SQLITE_DONE) return not_found(id);
  if (rc != SQLITE_ROW) return to_error(rc, db_.get(), "read job");
  return read_job(job_by_id_);
}

Result<std::optional<WebhookDelivery>> ReadContext::delivery(const JobId& id) {
  ResetOnExit reset(delivery_by_job_);
  delivery_by_job_.bind_blob(1, id.bytes().data(), id.bytes().size());
  int rc = delivery_by_job_.step();
  if (rc == SQLITE_DONE) return std::optional<WebhookDelivery>();
  if (rc != SQLITE_ROW) return to_error(rc, db_.get(), "read webhook delivery");
  return std::optional(read_delivery(delivery_by_job_));
}

Result<Blob> ReadContext::payload(const JobId& id) {
  ResetOnExit reset(payload_by_id_);
  payload_by_id_.bind_blob(1, id.bytes().data(), id.bytes().size());
  int rc = payload_by_id_.step();
  if (rc == SQLITE_DONE) return not_found(id);
  if (rc != SQLITE_ROW) return to_error(rc, db_.get(), "read payload");
  return Blob{std::string(payload_by_id_.text(0)), std::string(payload_by_id_.blob(1))};
}

Result<Blob> ReadContext::result(const JobId& id) {
  ResetOnExit reset(result_by_id_);
  result_by_id_.bind_blob(1, id.bytes().data(), id.bytes().size());
  int rc = result_by_id_.step();
  if (rc == SQLITE_DONE) return not_found(id);
  if (rc != SQLITE_ROW) return to_error(rc, db_.get(), "read result");
  auto state = static_cast<JobState>(result_by_id_.int64(0));
  if (state != JobState::succeeded) {
    return Error(Errc::not_ready,
                 fmt::format("job {} has no result: it is {}", id.to_string(), to_string(state)));
  }
  return Blob{std::string(result_by_id_.text(1)), std::string(result_by_id_.blob(2))};
}

Statement& ReadContext::list_statement(const ListQuery& query) {
  if (query.queue && query.state) return list_by_queue_state_;
  if (query.queue) return list_by_queue_;
  if (query.state) return list_by_state_;
  return list_all_;
}

Result<JobPage> ReadContext::list(const ListQuery& query) {
  const int limit = std::clamp(query.limit, 1, kMaxListLimit);
  Statement& s = list_statement(query);
  ResetOnExit reset(s);
  s.bind(1, query.before_seq.value_or(std::numeric_limits<std::int64_t>::max()));
  s.bind(2, std::int64_t{limit} + 1);  // one more tells whether another page follows
  if (query.queue) s.bind(3, std::string_view(*query.queue));
  if (query.state) s.bind(4, static_cast<std::int64_t>(*query.state));
  JobPage page;
  page.jobs.reserve(static_cast<std::size_t>(limit));
  for (;;) {
    int rc = s.step();
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return to_error(rc, db_.get(), "list jobs");
    if (page.jobs.size() == static_cast<std::size_t>(limit)) {
      page.next_cursor = page.jobs.back().seq;
      break;
    }
    page.jobs.push_back(read_job(s));
  }
  return page;
}

Result<std::vector<QueueStats>> ReadContext::queue_stats(TimePoint now) {
  // One read transaction: the counts and the ages come from the same snapshot.
  {
    ResetOnExit reset(begin_);
    if (int rc = begin_.step(); rc != SQLITE_DONE) return to_error(rc, db_.get(), "begin read");
  }
  EndRead end_read(commit_);

  std::vector<QueueStats> stats;
  {
    ResetOnExit reset(queue_counts_);
    for (;;) {
      int rc = queue_counts_.step();
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return to_error(rc, db_.get(), "read queue counts");
      std::string_view queue = queue_counts_.text(0);
      if (stats.empty() || stats.back().queue != queue) stats.push_back(QueueStats{std::string(queue)});
      auto state = queue_counts_.int64(1);
      if (state >= 0 && state < kJobStateCount)
        stats.back().counts[static_cast<std::size_t>(state)] = queue_counts_.int64(2);
    }
  }
  for (QueueStats& q : stats) {
    if (q.counts[static_cast<std::size_t>(JobState::queued)] == 0) continue;
    ResetOnExit reset(oldest_due_queued_);
    oldest_due_queued_.bind(1, std::string_view(q.queue));
    oldest_due_queued_.bind(2, to_micros(now));
    int rc = oldest_due_queued_.step();
    if (rc == SQLITE_ROW)
      q.oldest_queued_created_at = from_micros(oldest_due_queued_.int64(0));
    else if (rc != SQLITE_DONE)
      return to_error(rc, db_.get(), "read oldest queued job");
  }
  {
    using std::chrono::seconds;
    ResetOnExit reset(finished_in_window_);
    finished_in_window_.bind(
        1, std::chrono::floor<seconds>(now - std::chrono::minutes(1)).time_since_epoch().count());
    finished_in_window_.bind(2, std::chrono::floor<seconds>(now).time_since_epoch().count());
    for (;;) {
      int rc = finished_in_window_.step();
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return to_error(rc, db_.get(), "read finished counts");
      std::string_view queue = finished_in_window_.text(0);
      auto it = std::lower_bound(stats.begin(), stats.end(), queue,
                                 [](const QueueStats& s, std::string_view q) { return s.queue < q; });
      if (it != stats.end() && it->queue == queue) it->finished_last_minute = finished_in_window_.int64(1);
    }
  }
  return stats;
}

}  // namespace replyd::store::sqlite
