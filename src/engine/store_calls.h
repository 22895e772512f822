// Awaitable forms of the JobStore operations. The store answers on its own threads; these adapters
// resume the calling coroutine on its own executor (strand) with the operation's Result.
//
// They are plain functions rather than lambdas at the call site because g++ 12 miscompiles a capturing
// lambda written inside a co_await expression. For the same reason, never pass a braced temporary
// (`co_await lease(store, LeaseRequest{...})`): g++ 12 frees its members twice. Name it first.
#pragma once

#include "store/job_store.h"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace replyd::engine::store_calls {

namespace detail {

template <class T, class Start>
auto call(Start start) {
  return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(Result<T>)>(
      [](auto handler, Start start) {
        auto executor = boost::asio::get_associated_executor(handler);
        start(store::Callback<T>([handler = std::move(handler), executor](Result<T> result) mutable {
          boost::asio::post(executor, [handler = std::move(handler), result = std::move(result)]() mutable {
            std::move(handler)(std::move(result));
          });
        }));
      },
      boost::asio::use_awaitable, std::move(start));
}

}  // namespace detail

inline auto insert(store::JobStore& s, store::NewJob job, TimePoint now) {
  return detail::call<store::InsertOutcome>(
      [&s, job = std::move(job), now](store::Callback<store::InsertOutcome> cb) mutable {
        s.insert(std::move(job), now, std::move(cb));
      });
}
inline auto get(store::JobStore& s, JobId id) {
  return detail::call<Job>([&s, id](store::Callback<Job> cb) { s.get(id, std::move(cb)); });
}
inline auto get_payload(store::JobStore& s, JobId id) {
  return detail::call<Blob>([&s, id](store::Callback<Blob> cb) { s.get_payload(id, std::move(cb)); });
}
inline auto get_result(store::JobStore& s, JobId id) {
  return detail::call<Blob>([&s, id](store::Callback<Blob> cb) { s.get_result(id, std::move(cb)); });
}
inline auto list(store::JobStore& s, store::ListQuery q) {
  return detail::call<store::JobPage>(
      [&s, q = std::move(q)](store::Callback<store::JobPage> cb) mutable { s.list(std::move(q), std::move(cb)); });
}
inline auto queue_stats(store::JobStore& s, TimePoint now) {
  return detail::call<std::vector<store::QueueStats>>(
      [&s, now](store::Callback<std::vector<store::QueueStats>> cb) { s.queue_stats(now, std::move(cb)); });
}
inline auto lease(store::JobStore& s, store::LeaseRequest r) {
  return detail::call<store::LeaseBatch>(
      [&s, r = std::move(r)](store::Callback<store::LeaseBatch> cb) mutable { s.lease(std::move(r), std::move(cb)); });
}
inline auto heartbeat(store::JobStore& s, store::HeartbeatRequest r) {
  return detail::call<Job>(
      [&s, r = std::move(r)](store::Callback<Job> cb) mutable { s.heartbeat(std::move(r), std::move(cb)); });
}
inline auto complete(store::JobStore& s, store::CompleteRequest r) {
  return detail::call<Job>(
      [&s, r = std::move(r)](store::Callback<Job> cb) mutable { s.complete(std::move(r), std::move(cb)); });
}
inline auto fail(store::JobStore& s, store::FailRequest r) {
  return detail::call<Job>(
      [&s, r = std::move(r)](store::Callback<Job> cb) mutable { s.fail(std::move(r), std::move(cb)); });
}
inline auto cancel(store::JobStore& s, JobId id, TimePoint now) {
  return detail::call<store::CancelOutcome>(
      [&s, id, now](store::Callback<store::CancelOutcome> cb) { s.cancel(id, now, std::move(cb)); });
}
inline auto expire_leases(store::JobStore& s, store::ExpireRequest r) {
  return detail::call<std::vector<Job>>(
      [&s, r](store::Callback<std::vector<Job>> cb) { s.expire_leases(r, std::move(cb)); });
}
inline auto purge_expired(store::JobStore& s, store::PurgeRequest r) {
  return detail::call<std::int64_t>(
      [&s, r](store::Callback<std::int64_t> cb) { s.purge_expired(r, std::move(cb)); });
}
inline auto ping(store::JobStore& s) {
  return detail::call<void>([&s](store::Callback<void> cb) { s.ping(std::move(cb)); });
}

}  // namespace replyd::engine::store_calls
