#include "store/contract/job_store_contract.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <system_error>

namespace replyd::store::contract {

void PrintTo(const StoreFactory& factory, std::ostream* os) { *os << factory.name; }

void expect_same_job(const Job& a, const Job& b) {
  EXPECT_EQ(a.seq, b.seq);
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.queue, b.queue);
  EXPECT_EQ(a.state, b.state);
  EXPECT_EQ(a.priority, b.priority);
  EXPECT_EQ(a.attempt, b.attempt);
  EXPECT_EQ(a.max_attempts, b.max_attempts);
  EXPECT_EQ(a.cancel_requested, b.cancel_requested);
  EXPECT_EQ(a.progress, b.progress);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.updated_at, b.updated_at);
  EXPECT_EQ(a.run_at, b.run_at);
  EXPECT_EQ(a.started_at, b.started_at);
  EXPECT_EQ(a.finished_at, b.finished_at);
  EXPECT_EQ(a.expires_at, b.expires_at);
  EXPECT_EQ(a.timeout, b.timeout);
  EXPECT_EQ(a.ttl, b.ttl);
  EXPECT_EQ(a.lease_token, b.lease_token);
  EXPECT_EQ(a.lease_expires_at, b.lease_expires_at);
  EXPECT_EQ(a.attempt_deadline, b.attempt_deadline);
  EXPECT_EQ(a.error, b.error);
  EXPECT_EQ(a.payload_content_type, b.payload_content_type);
  EXPECT_EQ(a.payload_size, b.payload_size);
  EXPECT_EQ(a.result_content_type, b.result_content_type);
  EXPECT_EQ(a.result_size, b.result_size);
  EXPECT_EQ(a.callback_url, b.callback_url);
  EXPECT_EQ(a.filename, b.filename);
  EXPECT_EQ(a.version, b.version);
}

// ---- ChangeRecorder ----

UniqueFunction<void(const std::vector<JobChange>&)> ChangeRecorder::listener() {
  return [this](const std::vector<JobChange>& changes) {
    {
      std::lock_guard lock(mutex_);
      changes_.insert(changes_.end(), changes.begin(), changes.end());
    }
    cv_.notify_all();
  };
}

std::vector<JobChange> ChangeRecorder::wait_for(std::size_t n) {
  std::unique_lock lock(mutex_);
  if (!cv_.wait_for(lock, kAwaitTimeout, [&] { return changes_.size() >= n; })) {
    ADD_FAILURE() << "expected " << n << " changes, got " << changes_.size() << " within "
                  << kAwaitTimeout.count() << " s";
  }
  return changes_;
}

std::vector<JobChange> ChangeRecorder::snapshot() const {
  std::lock_guard lock(mutex_);
  return changes_;
}

void ChangeRecorder::clear() {
  std::lock_guard lock(mutex_);
  changes_.clear();
}

// ---- fixture ----

void JobStoreContract::SetUp() {
  std::string pattern = (std::filesystem::temp_directory_path() / "replyd-contract-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  temp_dir_ = pattern;
  store_ = GetParam().make(temp_dir_);
  if (!store_) GTEST_SKIP() << "the " << GetParam().name << " store is not available here";
  store_->set_change_listener(changes_.listener());
}

void JobStoreContract::TearDown() {
  if (store_) store_->close();
  store_.reset();
  std::error_code ec;
  std::filesystem::remove_all(temp_dir_, ec);
}

void JobStoreContract::reopen() {
  store_->close();
  store_.reset();
  store_ = GetParam().make(temp_dir_);
  ASSERT_TRUE(store_) << "the store could not be reopened";
  store_->set_change_listener(changes_.listener());
}

Result<InsertOutcome> JobStoreContract::insert(NewJob job) {
  return await_result<InsertOutcome>([&](auto cb) { store().insert(std::move(job), now(), std::move(cb)); });
}

Result<Job> JobStoreContract::get(const JobId& id) {
  return await_result<Job>([&](auto cb) { store().get(id, std::move(cb)); });
}

Result<Blob> JobStoreContract::get_payload(const JobId& id) {
  return await_result<Blob>([&](auto cb) { store().get_payload(id, std::move(cb)); });
}

Result<Blob> JobStoreContract::get_result(const JobId& id) {
  return await_result<Blob>([&](auto cb) { store().get_result(id, std::move(cb)); });
}

Result<JobPage> JobStoreContract::list(ListQuery query) {
  return await_result<JobPage>([&](auto cb) { store().list(std::move(query), std::move(cb)); });
}

Result<std::vector<QueueStats>> JobStoreContract::queue_stats() {
  return await_result<std::vector<QueueStats>>([&](auto cb) { store().queue_stats(now(), std::move(cb)); });
}

Result<LeaseBatch> JobStoreContract::lease(const std::string& queue, int max_jobs, Duration ttl) {
  LeaseRequest request{queue, max_jobs, now(), ttl};
  return await_result<LeaseBatch>([&](auto cb) { store().lease(std::move(request), std::move(cb)); });
}

Result<Job> JobStoreContract::heartbeat(const JobId& id, const std::string& token,
                                        std::optional<Progress> progress) {
  HeartbeatRequest request{id, token, now(), kLeaseTtl, std::move(progress)};
  return await_result<Job>([&](auto cb) { store().heartbeat(std::move(request), std::move(cb)); });
}

Result<Job> JobStoreContract::complete(const JobId& id, const std::string& token, Blob result) {
  CompleteRequest request{id, token, now(), std::move(result)};
  return await_result<Job>([&](auto cb) { store().complete(std::move(request), std::move(cb)); });
}

Result<Job> JobStoreContract::fail(const JobId& id, const std::string& token, Problem error, bool retryable,
                                   double jitter) {
  FailRequest request{id, token, now(), std::move(error), retryable, retry_, jitter};
  return await_result<Job>([&](auto cb) { store().fail(std::move(request), std::move(cb)); });
}

Result<CancelOutcome> JobStoreContract::cancel(const JobId& id) {
  return await_result<CancelOutcome>([&](auto cb) { store().cancel(id, now(), std::move(cb)); });
}

Result<std::vector<Job>> JobStoreContract::expire_leases(int limit, std::uint64_t seed) {
  ExpireRequest request{now(), limit, retry_, seed};
  return await_result<std::vector<Job>>([&](auto cb) { store().expire_leases(request, std::move(cb)); });
}

Result<std::int64_t> JobStoreContract::purge(int limit) {
  PurgeRequest request{now(), limit};
  return await_result<std::int64_t>([&](auto cb) { store().purge_expired(request, std::move(cb)); });
}

NewJob JobStoreContract::new_job(std::string queue, std::string payload) {
  NewJob job;
  job.spec.queue = std::move(queue);
  job.payload = Blob{"text/plain", std::move(payload)};
  return job;
}

Job JobStoreContract::submit(NewJob job) { return insert(std::move(job)).value().job; }

LeaseGrant JobStoreContract::lease_one(const std::string& queue, Duration ttl) {
  auto batch = lease(queue, 1, ttl).value();
  if (batch.grants.size() != 1) {
    throw std::runtime_error("expected one leased job of queue " + queue + ", got " +
                             std::to_string(batch.grants.size()));
  }
  return std::move(batch.grants.front());
}

QueueStats JobStoreContract::stats_of(const std::string& queue) {
  for (auto& s : queue_stats().value()) {
    if (s.queue == queue) return s;
  }
  return QueueStats{queue};
}

}  // namespace replyd::store::contract
