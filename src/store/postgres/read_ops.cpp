#include "store/postgres/read_ops.h"

#include "store/postgres/pg_delivery_row.h"
#include "store/postgres/pg_job_row.h"
#include "store/postgres/pg_sql.h"

#include <algorithm>
#include <limits>
#include <map>

namespace replyd::store::postgres {
namespace {

constexpr int kMaxListLimit = 1'000;

template <class... Fs>
struct Overloaded : Fs... {
  using Fs::operator()...;
};
template <class... Fs>
Overloaded(Fs...) -> Overloaded<Fs...>;

int list_limit(const ListQuery& q) { return std::clamp(q.limit, 1, kMaxListLimit); }

Error unknown(const JobId& id) { return Error(Errc::not_found, "no job " + id.to_string()); }

Result<Job> decode_get(const GetRead& op, std::span<const PgResult> r) {
  if (PQntuples(r[0].get()) == 0) return unknown(op.id);
  return decode_job(r[0].get(), 0);
}

Result<Blob> decode_payload(const PayloadRead& op, std::span<const PgResult> r) {
  if (PQntuples(r[0].get()) == 0) return unknown(op.id);
  return Blob{std::string(cell_text(r[0].get(), 0, 0)), std::string(cell_text(r[0].get(), 0, 1))};
}

Result<Blob> decode_result(const ResultRead& op, std::span<const PgResult> r) {
  const PGresult* res = r[0].get();
  if (PQntuples(res) == 0) return unknown(op.id);
  // Binary smallint: two bytes, big-endian.
  std::string_view raw = cell_text(res, 0, 0);
  int state =
      raw.size() == 2 ? (static_cast<unsigned char>(raw[0]) << 8 | static_cast<unsigned char>(raw[1])) : -1;
  if (state != static_cast<int>(JobState::succeeded))
    return Error(Errc::not_ready, "the job has not succeeded");
  return Blob{std::string(cell_text(res, 0, 1)), std::string(cell_text(res, 0, 2))};
}

Result<JobPage> decode_list(const ListRead& op, std::span<const PgResult> r) {
  const PGresult* res = r[0].get();
  JobPage page;
  int limit = list_limit(op.query);
  for (int row = 0; row < PQntuples(res) && row < limit; ++row) page.jobs.push_back(decode_job(res, row));
  // One row more than asked for was requested: its presence means another page exists.
  if (PQntuples(res) > limit) page.next_cursor = page.jobs.back().seq;
  return page;
}

Result<std::vector<QueueStats>> decode_stats(std::span<const PgResult> r) {
  std::map<std::string, QueueStats, std::less<>> stats;
  const PGresult* counts = r[0].get();
  for (int row = 0; row < PQntuples(counts); ++row) {
    std::string queue(cell_text(counts, row, 0));
    int state = static_cast<int>(cell_int(counts, row, 1));
    QueueStats& s = stats[queue];
    s.queue = queue;
    if (state >= 0 && state < kJobStateCount) s.counts[state] = cell_int(counts, row, 2);
  }
  const PGresult* oldest = r[1].get();
  for (int row = 0; row < PQntuples(oldest); ++row) {
    auto it = stats.find(cell_text(oldest, row, 0));
    if (it != stats.end() && !cell_is_null(oldest, row, 1)) {
      it->second.oldest_queued_created_at = from_micros(cell_int(oldest, row, 1));
    }
  }
  const PGresult* finished = r[2].get();
  for (int row = 0; row < PQntuples(finished); ++row) {
    auto it = stats.find(cell_text(finished, row, 0));
    if (it != stats.end()) it->second.finished_last_minute = cell_int(finished, row, 1);
  }
  std::vector<QueueStats> out;
  out.reserve(stats.size());
  for (auto& [name, s] : stats) out.push_back(std::move(s));
  return out;
}

Result<std::vector<WebhookDelivery>> decode_claimed(std::span<const PgResult> r) {
  std::vector<WebhookDelivery> out;
  for (int row = 0; row < PQntuples(r[0].get()); ++row) out.push_back(decode_delivery(r[0].get(), row));
  return out;
}

Result<std::int64_t> decode_reported(std::span<const PgResult> r) {
  std::int64_t applied = 0;
  for (const PgResult& res : r) {
    std::string_view n = PQcmdTuples(const_cast<PGresult*>(res.get()));
    if (n == "1") ++applied;
  }
  return applied;
}

Result<std::optional<WebhookDelivery>> decode_delivery_read(std::span<const PgResult> r) {
  if (PQntuples(r[0].get()) == 0) return std::optional<WebhookDelivery>();
  return std::optional(decode_delivery(r[0].get(), 0));
}

std::optional<std::int64_t> micros(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return to_micros(*t);
}

void send_report(PgConnection& conn, const DeliveryReport& report) {
  PgParams p;
  p.text(uuid_text(report.job_id)).text(report.claim_token).integer(static_cast<int>(report.state));
  p.text(report.error);
  p.optional_integer(report.state == DeliveryState::pending ? micros(report.next_attempt_at) : std::nullopt);
  p.optional_integer(report.state == DeliveryState::delivered ? std::optional(to_micros(report.now))
                                                              : std::nullopt);
  conn.send(sql::kReportDelivery, p);
}

template <class T>
std::optional<Errc> deliver(Callback<T>& done, Result<T> result) {
  std::optional<Errc> code;
  if (!result) code = result.error().code();
  done(std::move(result));
  return code;
}

}  // namespace

OpKind kind_of(const ReadOp& op) {
  return std::visit(Overloaded{
                        [](const GetRead&) { return OpKind::get; },
                        [](const PayloadRead&) { return OpKind::get_payload; },
                        [](const ResultRead&) { return OpKind::get_result; },
                        [](const ListRead&) { return OpKind::list; },
                        [](const StatsRead&) { return OpKind::queue_stats; },
                        [](const ClaimDeliveriesOp&) { return OpKind::claim_deliveries; },
                        [](const ReportDeliveriesOp&) { return OpKind::report_deliveries; },
                        [](const DeliveryRead&) { return OpKind::get_delivery; },
                    },
                    op);
}

void send_read(PgConnection& conn, const ReadOp& op) {
  std::visit(
      Overloaded{
          [&](const GetRead& o) { conn.send(sql::kJobById, PgParams().text(uuid_text(o.id))); },
          [&](const PayloadRead& o) { conn.send(sql::kPayloadById, PgParams().text(uuid_text(o.id)), true); },
          [&](const ResultRead& o) { conn.send(sql::kResultById, PgParams().text(uuid_text(o.id)), true); },
          [&](const ListRead& o) {
            const ListQuery& q = o.query;
            PgParams p;
            p.integer(q.before_seq.value_or(std::numeric_limits<std::int64_t>::max()));
            p.integer(list_limit(q) + 1);
            if (q.queue) p.text(*q.queue);
            if (q.state) p.integer(static_cast<int>(*q.state));
            const Statement& st = q.queue ? (q.state ? sql::kListByQueueAndState : sql::kListByQueue)
                                          : (q.state ? sql::kListByState : sql::kListAll);
            conn.send(st, p);
          },
          [&](const StatsRead& o) {
            using std::chrono::floor;
            using std::chrono::seconds;
            conn.send(sql::kQueueCounts, PgParams());
            conn.send(sql::kOldestDueQueued, PgParams().integer(to_micros(o.now)));
            PgParams window;
            window.integer(floor<seconds>(o.now - std::chrono::minutes(1)).time_since_epoch().count());
            window.integer(floor<seconds>(o.now).time_since_epoch().count());
            conn.send(sql::kFinishedInWindow, window);
          },
          [&](const ClaimDeliveriesOp& o) {
            const ClaimDeliveriesRequest& q = o.request;
            PgParams p;
            p.integer(to_micros(q.now)).integer(std::max(0, q.limit)).text(q.claim_token);
            p.integer(to_micros(q.now + q.claim_ttl));
            conn.send(sql::kClaimDeliveries, p);
          },
          [&](const ReportDeliveriesOp& o) {
            for (const DeliveryReport& report : o.reports) send_report(conn, report);
          },
          [&](const DeliveryRead& o) { conn.send(sql::kDeliveryByJob, PgParams().text(uuid_text(o.id))); },
      },
      op);
  conn.send_sync();
}

std::optional<Errc> finish_read(PgConnection& conn, ReadOp& op) {
  std::vector<PgResult> results;
  std::optional<Error> error;
  for (;;) {
    auto r = conn.next_result();
    if (!r) {
      answer_read(op, r.error());
      return Errc::unavailable;
    }
    ExecStatusType status = PQresultStatus(r->get());
    if (status == PGRES_PIPELINE_SYNC) break;
    if (!error && status == PGRES_FATAL_ERROR) error = to_error(classify(r->get()), error_message(r->get()));
    results.push_back(std::move(*r));
  }
  if (error) {
    answer_read(op, *error);
    return error->code();
  }
  return std::visit(Overloaded{
                        [&](GetRead& o) { return deliver(o.done, decode_get(o, results)); },
                        [&](PayloadRead& o) { return deliver(o.done, decode_payload(o, results)); },
                        [&](ResultRead& o) { return deliver(o.done, decode_result(o, results)); },
                        [&](ListRead& o) { return deliver(o.done, decode_list(o, results)); },
                        [&](StatsRead& o) { return deliver(o.done, decode_stats(results)); },
                        [&](ClaimDeliveriesOp& o) { return deliver(o.done, decode_claimed(results)); },
                        [&](ReportDeliveriesOp& o) { return deliver(o.done, decode_reported(results)); },
                        [&](DeliveryRead& o) { return deliver(o.done, decode_delivery_read(results)); },
                    },
                    op);
}

void answer_read(ReadOp& op, const Error& error) {
  std::visit([&](auto& o) { o.done(error); }, op);
}

}  // namespace replyd::store::postgres
