// Slow clients (issue 3 item 8; DESIGN.md section 4, Slow or idle clients time out): many connections
// trickle a request head one byte at a time, others open and never send. A normal client keeps getting
// its answers throughout, and every attacker is cut off by the header timeout (--header-timeout 1;
// --idle-timeout is far longer than the test's deadline, so nothing else can be what cut them off).
//
// No sleeps pace the attack: each round, every trickler sends one more byte, then the normal client
// completes a submit and a status read. Rounds go on until every attacker has been cut off, which the
// test sees on the attackers' own sockets (end of stream or reset) and then in replyd_http_connections.
#include "tests/blackbox/blackbox_test.h"
#include "tests/support/metric_wait.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace replyd::blackbox {
namespace {

constexpr int kTricklers = 20;
constexpr int kSilent = 20;

// One attacking connection, on a plain non-blocking socket so that the test can send a byte and look
// for the server's close without ever blocking.
class Attacker {
 public:
  explicit Attacker(std::uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
      throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
    }
  }
  ~Attacker() { ::close(fd_); }
  Attacker(const Attacker&) = delete;
  Attacker& operator=(const Attacker&) = delete;

  // Sends one byte; false once the connection is known to be gone.
  bool send_byte(char byte) { return ::send(fd_, &byte, 1, MSG_NOSIGNAL | MSG_DONTWAIT) == 1; }

  // True once the server has closed or reset the connection. What it sent before closing (an error
  // answer) is kept in answer().
  bool cut_off() {
    if (closed_) return true;
    char buffer[4096];
    for (;;) {
      ssize_t n = ::recv(fd_, buffer, sizeof buffer, MSG_DONTWAIT);
      if (n > 0) {
        answer_.append(buffer, static_cast<std::size_t>(n));
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return false;
      if (n < 0 && errno == EINTR) continue;
      closed_ = true;  // 0: end of stream; any other error: reset
      return true;
    }
  }
  const std::string& answer() const { return answer_; }

 private:
  int fd_;
  bool closed_ = false;
  std::string answer_;
};

class SlowlorisTest : public BlackboxTest {
 protected:
  std::vector<std::string> extra_options() const override {
    return {"--header-timeout", "1", "--idle-timeout", "600"};
  }
};

TEST_F(SlowlorisTest, TricklingAndSilentConnectionsAreCutOffWhileOthersAreServed) {
  const double baseline =
      wait_for_metric(client(), "replyd_http_connections", [](double) { return true; });
  std::vector<std::unique_ptr<Attacker>> attackers;
  for (int i = 0; i < kTricklers + kSilent; ++i) attackers.push_back(std::make_unique<Attacker>(server().port()));
  wait_for_metric(client(), "replyd_http_connections",
                  [&](double open) { return open >= baseline + kTricklers + kSilent; });

  // A request head that never ends: a header value that grows by one byte per round.
  const std::string head = "POST /v1/queues/q/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nX-Slow: ";
  std::vector<std::size_t> sent(kTricklers, 0);
  int served = 0;
  int rounds = 0;
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  for (;;) {
    int still_open = 0;
    for (int i = 0; i < kTricklers + kSilent; ++i) {
      Attacker& attacker = *attackers[static_cast<std::size_t>(i)];
      if (attacker.cut_off()) continue;
      ++still_open;
      if (i < kTricklers) {
        std::size_t& n = sent[static_cast<std::size_t>(i)];
        if (attacker.send_byte(n < head.size() ? head[n] : 'a')) ++n;
      }
    }
    if (still_open == 0) break;
    ASSERT_LT(std::chrono::steady_clock::now(), deadline)
        << still_open << " attackers are still connected after " << rounds << " rounds";
    // The normal client is answered at once, every round.
    auto id = submit_job(client(), "normal", "round " + std::to_string(rounds));
    ASSERT_EQ(text(status_of(id), "status"), "queued");
    served += 2;
    ++rounds;
  }
  EXPECT_GT(served, 0);
  for (std::size_t n : sent) EXPECT_LT(n, 16u * 1024) << "a trickler reached the head size limit instead";
  for (const auto& attacker : attackers) {
    // Cut off without a job being accepted for it: no answer, or an error answer.
    EXPECT_FALSE(attacker->answer().starts_with("HTTP/1.1 2")) << attacker->answer();
  }
  wait_for_metric(client(), "replyd_http_connections", [&](double open) { return open <= baseline; });
  RecordProperty("rounds", rounds);
  EXPECT_EQ(client().get(job_path(submit_job(client(), "normal", "after"))).status, 200);
}

}  // namespace
}  // namespace replyd::blackbox
