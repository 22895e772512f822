// Keep-alive request/response round trips through the whole HTTP layer over loopback: a server on two
// io threads, and one blocking client connection per benchmark thread. Reports requests per second.
#include "core/metrics.h"
#include "http/router.h"
#include "http/server.h"

#include <arpa/inet.h>
#include <benchmark/benchmark.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>

#include <cstring>
#include <future>
#include <string>
#include <thread>

namespace replyd::http {
namespace {

namespace net = boost::asio;

net::awaitable<Response> status(Exchange& exchange) {
  co_return Response::json(200, std::string(R"({"id":")") + std::string(exchange.request().path_param("id")) +
                                    R"(","status":"running"})");
}

// The server lives for the whole benchmark binary: starting one per benchmark run would measure setup.
class BenchServer {
 public:
  BenchServer() : work_(io_.get_executor()) {
    router_.add(Method::get, "/v1/jobs/{id}", [](Exchange& e) { return status(e); });
    ServerOptions options;
    options.listen = "127.0.0.1:0";
    server_ = std::make_unique<Server>(io_, options, router_, registry_);
    server_->start();
    for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
  }
  ~BenchServer() {
    std::promise<void> stopped;
    server_->stop(std::chrono::milliseconds(0), [&] { stopped.set_value(); });
    stopped.get_future().wait();
    work_.reset();
    io_.stop();
    for (auto& t : threads_) t.join();
  }
  std::uint16_t port() const { return server_->port(); }

 private:
  net::io_context io_;
  net::executor_work_guard<net::io_context::executor_type> work_;
  metrics::Registry registry_;
  Router router_;
  std::unique_ptr<Server> server_;
  std::vector<std::thread> threads_;
};

BenchServer& bench_server() {
  static BenchServer server;
  return server;
}

int connect_to(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return -1;
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// Reads one whole response (framed by Content-Length) into `buffer`.
bool read_response(int fd, std::string& buffer) {
  buffer.clear();
  for (;;) {
    std::size_t end = buffer.find("\r\n\r\n");
    if (end != std::string::npos) {
      std::size_t length_at = buffer.find("Content-Length: ");
      if (length_at == std::string::npos) return false;
      std::size_t length = std::stoul(buffer.substr(length_at + 16));
      if (buffer.size() >= end + 4 + length) return true;
    }
    char chunk[4096];
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
}

void BM_KeepAliveRoundTrip(benchmark::State& state) {
  int fd = connect_to(bench_server().port());
  if (fd < 0) {
    state.SkipWithError("connect failed");
    return;
  }
  const std::string request = "GET /v1/jobs/AbCdEfGhIjKlMnOpQrStUv HTTP/1.1\r\nHost: bench\r\n\r\n";
  std::string buffer;
  for (auto _ : state) {
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size()) ||
        !read_response(fd, buffer)) {
      state.SkipWithError("request failed");
      break;
    }
  }
  ::close(fd);
  state.counters["requests_per_s"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_KeepAliveRoundTrip)->Threads(1)->Threads(8)->Threads(32)->UseRealTime();

}  // namespace
}  // namespace replyd::http
