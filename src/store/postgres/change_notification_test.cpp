#include "store/postgres/change_notification.h"

#include <gtest/gtest.h>

#include <set>

namespace replyd::store::postgres {
namespace {

JobChange change(std::string queue, JobState state, std::int64_t version, bool created, bool progress = false) {
  return JobChange{JobId::random(), std::move(queue), state, version, created, progress};
}

void expect_equal(const JobChange& a, const JobChange& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.queue, b.queue);
  EXPECT_EQ(a.state, b.state);
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.created, b.created);
  EXPECT_EQ(a.progress, b.progress);
}

TEST(ChangeNotification, RoundTripsEveryField) {
  std::vector<JobChange> changes = {change("email", JobState::queued, 1, true),
                                    change("odd\\queue\nname", JobState::cancelled, 12345678901, false),
                                    change("work", JobState::running, 7, false, /*progress=*/true)};
  auto payloads = encode_notifications("node-1", changes);
  ASSERT_EQ(payloads.size(), 1u);
  auto decoded = decode_notification(payloads[0]);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->node_id, "node-1");
  ASSERT_EQ(decoded->changes.size(), 3u);
  for (std::size_t i = 0; i < changes.size(); ++i) expect_equal(decoded->changes[i], changes[i]);
}

TEST(ChangeNotification, SplitsAtTheSizeLimitAndKeepsOrder) {
  std::vector<JobChange> changes;
  for (int i = 0; i < 500; ++i) changes.push_back(change(std::string(64, 'q'), JobState::running, i, false));
  auto payloads = encode_notifications("n", changes);
  EXPECT_GT(payloads.size(), 1u);
  std::vector<JobChange> all;
  for (const auto& p : payloads) {
    EXPECT_LE(p.size(), kMaxNotifyPayload);
    auto decoded = decode_notification(p);
    ASSERT_TRUE(decoded);
    EXPECT_EQ(decoded->node_id, "n");
    all.insert(all.end(), decoded->changes.begin(), decoded->changes.end());
  }
  ASSERT_EQ(all.size(), changes.size());
  for (std::size_t i = 0; i < all.size(); ++i) expect_equal(all[i], changes[i]);
}

TEST(ChangeNotification, LeavesOutAChangeThatCannotFitAlone) {
  std::vector<JobChange> changes = {change(std::string(200, 'x'), JobState::queued, 1, true),
                                    change("ok", JobState::queued, 1, true)};
  auto payloads = encode_notifications("n", changes, 100);
  ASSERT_EQ(payloads.size(), 1u);
  auto decoded = decode_notification(payloads[0]);
  ASSERT_TRUE(decoded);
  ASSERT_EQ(decoded->changes.size(), 1u);
  EXPECT_EQ(decoded->changes[0].queue, "ok");
}

TEST(ChangeNotification, NothingToSendIsNoPayload) { EXPECT_TRUE(encode_notifications("n", {}).empty()); }

TEST(ChangeNotification, RejectsForeignPayloads) {
  std::string id = JobId::random().to_string();
  for (const std::string& bad :
       std::vector<std::string>{"", "no-newline", "\n", "n\nnot-an-id\t0\t1\t0\tq\n",
                                "n\n" + id + "\t9\t1\t0\tq\n", "n\n" + id + "\t0\tx\t0\tq\n",
                                "n\n" + id + "\t0\t1\t2\tq\n", "n\n" + id + "\t0\t1\t0\tbad\\escape\n"}) {
    EXPECT_FALSE(decode_notification(bad)) << bad;
  }
}

}  // namespace
}  // namespace replyd::store::postgres
