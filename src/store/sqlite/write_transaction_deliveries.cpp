// The webhook-delivery half of WriteTransaction (write_transaction.h).
#include "store/sqlite/delivery_row.h"
#include "store/sqlite/write_transaction.h"

namespace replyd::store::sqlite {
namespace {

std::optional<std::int64_t> micros(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return to_micros(*t);
}

}  // namespace

// Called by save(), so that the delivery commits with the state change that makes the job terminal:
// a crash after the commit cannot lose the event, and a rolled-back batch creates none.
Result<void> WriteTransaction::create_delivery(const Job& job, JobState old_state) {
  if (job.callback_url.empty() || !is_terminal(job.state) || is_terminal(old_state)) return {};
  insert_delivery_.bind(1, job.seq);
  insert_delivery_.bind_blob(2, job.id.bytes().data(), job.id.bytes().size());
  insert_delivery_.bind(3, std::string_view(job.queue));
  insert_delivery_.bind(4, static_cast<std::int64_t>(job.state));
  insert_delivery_.bind(5, std::string_view(job.callback_url));
  insert_delivery_.bind(6, to_micros(job.finished_at.value_or(job.updated_at)));
  return run(insert_delivery_, "create webhook delivery");
}

Result<std::vector<WebhookDelivery>> WriteTransaction::claim_deliveries(const ClaimDeliveriesRequest& request) {
  std::vector<WebhookDelivery> due;
  {
    ResetOnExit reset(due_deliveries_);
    due_deliveries_.bind(1, to_micros(request.now));
    due_deliveries_.bind(2, std::int64_t{request.limit});
    for (;;) {
      int rc = due_deliveries_.step();
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return fail(rc, "find due webhook deliveries");
      due.push_back(read_delivery(due_deliveries_));
    }
  }
  const TimePoint expires = request.now + request.claim_ttl;
  for (WebhookDelivery& d : due) {
    claim_delivery_.bind_blob(1, d.job_id.bytes().data(), d.job_id.bytes().size());
    claim_delivery_.bind(2, std::string_view(request.claim_token));
    claim_delivery_.bind(3, to_micros(expires));
    if (auto r = run(claim_delivery_, "claim webhook delivery"); !r) return r.error();
    d.status.state = DeliveryState::delivering;
    d.claim_token = request.claim_token;
    d.claim_expires_at = expires;
  }
  return due;
}

Result<bool> WriteTransaction::report_delivery(const DeliveryReport& report) {
  report_delivery_.bind_blob(1, report.job_id.bytes().data(), report.job_id.bytes().size());
  report_delivery_.bind(2, std::string_view(report.claim_token));
  report_delivery_.bind(3, static_cast<std::int64_t>(report.state));
  report_delivery_.bind(4, std::string_view(report.error));
  report_delivery_.bind(5, report.state == DeliveryState::pending ? micros(report.next_attempt_at)
                                                                  : std::optional<std::int64_t>());
  report_delivery_.bind(6, report.state == DeliveryState::delivered ? std::optional(to_micros(report.now))
                                                                    : std::optional<std::int64_t>());
  if (auto r = run(report_delivery_, "record webhook delivery"); !r) return r.error();
  return sqlite3_changes(db_.get()) > 0;
}

}  // namespace replyd::store::sqlite
