// The text of the NOTIFY that carries one commit batch's changes to the other nodes sharing the
// database. PostgreSQL caps a payload below 8000 bytes, so a large batch becomes several payloads.
//
//   payload := node_id '\n' { change '\n' }
//   change  := job_id '\t' state '\t' version '\t' created '\t' progress '\t' queue
//              (created, progress: 0 or 1; queue escaped: \\ and \n)
//
// Pure functions; thread-safe.
#pragma once

#include "store/job_store.h"

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace replyd::store::postgres {

inline constexpr std::size_t kMaxNotifyPayload = 7900;

// The changes split into as few payloads of at most `max_bytes` as they fit in. A change that cannot
// fit even alone (only with an absurd queue name) is left out: listeners fall back to polling.
std::vector<std::string> encode_notifications(std::string_view node_id, std::span<const JobChange> changes,
                                              std::size_t max_bytes = kMaxNotifyPayload);

struct Notification {
  std::string node_id;
  std::vector<JobChange> changes;
};

// The notification, or nullopt for a payload this code did not write.
std::optional<Notification> decode_notification(std::string_view payload);

}  // namespace replyd::store::postgres
