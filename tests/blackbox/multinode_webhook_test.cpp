// Webhooks with three nodes on one PostgreSQL database: every node's dispatcher looks for due
// deliveries, yet each event is sent once (a delivery is claimed by one node at a time); and a node
// killed while its request is in flight leaves nothing forgotten: another node sends it once the
// claim has expired.
#include "tests/blackbox/multinode_test.h"
#include "tests/support/webhook_receiver.h"

#include <csignal>
#include <set>

namespace replyd::blackbox {
namespace {

class MultinodeWebhookTest : public MultinodeTest {
 protected:
  std::vector<std::string> extra_options() const override {
    return {"--webhook-secret",  "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "--webhook-allow-private",
            "--webhook-poll-interval", "0.05", "--webhook-timeout", "2", "--webhook-claim-ttl", "3"};
  }

  // Reads the nodes' /metrics until the sum of `name` over `nodes` reaches `wanted` (the way the
  // black-box tests learn what happened inside the servers); throws after the deadline.
  double wait_for_sum(std::string_view name, double wanted, std::initializer_list<int> nodes) {
    auto end = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    for (;;) {
      double sum = metric_sum(name, nodes);
      if (sum >= wanted) return sum;
      if (std::chrono::steady_clock::now() > end) {
        throw std::runtime_error(std::string(name) + " is " + std::to_string(sum) + ", waited for " +
                                 std::to_string(wanted));
      }
    }
  }

  std::string submit_with_callback(int node) {
    return submit_job(client(node), "q", "payload", "text/plain", "callback=" + receiver_.url());
  }

  WebhookReceiver receiver_;
};

constexpr std::string_view kDelivered = "replyd_webhook_deliveries_total{outcome=\"delivered\"}";

TEST_F(MultinodeWebhookTest, EachEventIsSentOnceByOneOfTheNodes) {
  constexpr int kJobs = 30;
  std::set<std::string> ids;
  for (int i = 0; i < kJobs; ++i) {
    ids.insert(submit_with_callback(i % kNodes));
    complete_job(client((i + 1) % kNodes), lease_job(client((i + 1) % kNodes), "q"));
  }
  EXPECT_EQ(wait_for_sum(kDelivered, kJobs, {0, 1, 2}), kJobs);
  std::set<std::string> sent;
  for (std::size_t i = 0; i < receiver_.request_count(); ++i) sent.insert(receiver_.wait_for_request(i).header("webhook-id"));
  EXPECT_EQ(receiver_.request_count(), static_cast<std::size_t>(kJobs));
  EXPECT_EQ(sent.size(), static_cast<std::size_t>(kJobs));
  for (const std::string& id : ids) EXPECT_TRUE(sent.contains("msg_" + id)) << id;
  // Whichever node is asked shows the same delivery.
  std::string one = *ids.begin();
  for (int n = 0; n < kNodes; ++n) {
    json::object callback = client(n).get(job_path(one)).json().as_object().at("callback").as_object();
    EXPECT_EQ(text(callback, "state"), "delivered") << "node " << n;
  }
}

TEST_F(MultinodeWebhookTest, AKilledNodesDeliveryIsSentByAnother) {
  receiver_.answer({200, {}, /*hold=*/true});
  std::string id = submit_with_callback(0);
  complete_job(client(0), lease_job(client(0), "q"));
  auto first = receiver_.wait_for_request(0);
  // The node whose request is in flight dies before it learns the answer.
  int sender = -1;
  for (int n = 0; n < kNodes && sender < 0; ++n) {
    auto metrics = client(n).get("/metrics");
    if (metric_value(metrics.body, "replyd_webhook_requests_in_flight").value_or(0) >= 1) sender = n;
  }
  ASSERT_GE(sender, 0);
  node(sender).kill(SIGKILL);
  node(sender).wait_exit();
  receiver_.release();
  auto second = receiver_.wait_for_request(1);
  EXPECT_EQ(second.header("webhook-id"), first.header("webhook-id"));
  int survivor = (sender + 1) % kNodes;
  int other = (sender + 2) % kNodes;
  EXPECT_EQ(wait_for_sum(kDelivered, 1, {survivor, other}), 1);
  EXPECT_EQ(text(client(survivor).get(job_path(id)).json().as_object().at("callback"), "state"), "delivered");
}

}  // namespace
}  // namespace replyd::blackbox
