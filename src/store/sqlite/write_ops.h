// The write operations of the SQLite store, each run by the writer thread inside a group-commit
// transaction. They apply the pure rules of core/lifecycle.h: load the row, call the rule, write back
// the changed row. A logical outcome (not found, lease lost, invalid state, idempotency mismatch) is
// decided before anything is written, so it never disturbs the other operations of the batch; a
// database error is returned as is and fails the whole transaction (see write_transaction.h).
//
// The functions do not consume their request, so the writer may run an operation again in a new
// transaction.
#pragma once

#include "store/job_store.h"
#include "store/sqlite/write_transaction.h"

namespace replyd::store::sqlite {

Result<InsertOutcome> apply_insert(WriteTransaction& tx, const NewJob& job, TimePoint now);
Result<LeaseBatch> apply_lease(WriteTransaction& tx, const LeaseRequest& request);
Result<Job> apply_heartbeat(WriteTransaction& tx, const HeartbeatRequest& request);
Result<Job> apply_complete(WriteTransaction& tx, const CompleteRequest& request);
Result<Job> apply_fail(WriteTransaction& tx, const FailRequest& request);
Result<CancelOutcome> apply_cancel(WriteTransaction& tx, const JobId& id, TimePoint now);
Result<std::vector<Job>> apply_expire_leases(WriteTransaction& tx, const ExpireRequest& request);
Result<std::int64_t> apply_purge(WriteTransaction& tx, const PurgeRequest& request);
Result<void> apply_ping(WriteTransaction& tx);
Result<std::vector<WebhookDelivery>> apply_claim_deliveries(WriteTransaction& tx,
                                                            const ClaimDeliveriesRequest& request);
Result<std::int64_t> apply_report_deliveries(WriteTransaction& tx, const std::vector<DeliveryReport>& reports);

}  // namespace replyd::store::sqlite
