// Awaitable form of many JobStore writes issued at once (see store_calls.h for the single forms).
// Every operation reaches the store's write queue before the first one commits, so they share group
// commits instead of waiting for each other's fsync one by one.
#pragma once

#include "store/job_store.h"

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace replyd::engine::store_calls {

// Completes every request; resumes the caller on its own executor with one Result per request, in
// request order, once the store has answered them all. `requests` must not be empty.
inline auto complete_all(store::JobStore& s, std::vector<store::CompleteRequest> requests) {
  return boost::asio::async_initiate<const boost::asio::use_awaitable_t<>&, void(std::vector<Result<Job>>)>(
      [](auto handler, store::JobStore& s, std::vector<store::CompleteRequest> requests) {
        // The answers arrive on store threads in any order; each writes its own slot and the last one
        // hands the whole vector to the caller's executor.
        using Handler = decltype(handler);
        struct Gather {
          Gather(Handler h, std::size_t n) : handler(std::move(h)), slots(n), left(n) {}
          Handler handler;
          std::vector<std::optional<Result<Job>>> slots;
          std::atomic<std::size_t> left;
        };
        auto gather = std::make_shared<Gather>(std::move(handler), requests.size());
        for (std::size_t i = 0; i < requests.size(); ++i) {
          s.complete(std::move(requests[i]), store::Callback<Job>([gather, i](Result<Job> result) {
                       gather->slots[i].emplace(std::move(result));
                       if (gather->left.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
                       std::vector<Result<Job>> results;
                       results.reserve(gather->slots.size());
                       for (auto& slot : gather->slots) results.push_back(std::move(*slot));
                       auto executor = boost::asio::get_associated_executor(gather->handler);
                       boost::asio::post(executor, [gather, results = std::move(results)]() mutable {
                         std::move(gather->handler)(std::move(results));
                       });
                     }));
        }
      },
      boost::asio::use_awaitable, std::ref(s), std::move(requests));
}

}  // namespace replyd::engine::store_calls
