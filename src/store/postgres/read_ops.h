// The read operations served by the reader threads: each sends its statements followed by a sync (so
// that one failing read does not abort the others of a pipelined group), then decodes its results
// and answers.
#pragma once

#include "store/job_store.h"
#include "store/postgres/pg_connection.h"
#include "store/store_metrics.h"

#include <variant>
#include <vector>

namespace replyd::store::postgres {

struct GetRead {
  JobId id;
  Callback<Job> done;
};
struct PayloadRead {
  JobId id;
  Callback<Blob> done;
};
struct ResultRead {
  JobId id;
  Callback<Blob> done;
};
struct ListRead {
  ListQuery query;
  Callback<JobPage> done;
};
struct StatsRead {
  TimePoint now{};
  Callback<std::vector<QueueStats>> done;
};

// Webhook deliveries: small autocommit statements that never touch `jobs`, so they run here rather than
// in the job write batch (a claim is one statement; the reports of one call are one implicit
// transaction: every statement up to the sync).
struct ClaimDeliveriesOp {
  ClaimDeliveriesRequest request;
  Callback<std::vector<WebhookDelivery>> done;
};
struct ReportDeliveriesOp {
  std::vector<DeliveryReport> reports;
  Callback<std::int64_t> done;
};
struct DeliveryRead {
  JobId id;
  Callback<std::optional<WebhookDelivery>> done;
};

using ReadOp = std::variant<GetRead, PayloadRead, ResultRead, ListRead, StatsRead, ClaimDeliveriesOp,
                            ReportDeliveriesOp, DeliveryRead>;

OpKind kind_of(const ReadOp& op);

// Queues the op's statements and a sync on `conn` (in pipeline mode).
void send_read(PgConnection& conn, const ReadOp& op);
// Reads the op's results up to its sync, then answers it. Returns the error code answered (nullopt
// for success); a lost connection answers Errc::unavailable and leaves `conn` unusable.
std::optional<Errc> finish_read(PgConnection& conn, ReadOp& op);
// Answers the op with `error` without running it.
void answer_read(ReadOp& op, const Error& error);

}  // namespace replyd::store::postgres
