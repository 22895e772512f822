#include "client/testing/test_http_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>

#include <list>
#include <mutex>
#include <set>
#include <thread>

#include <sys/socket.h>

namespace replyd::client::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  }
  return true;
}

}  // namespace

std::string TestRequest::path() const {
  auto u = boost::urls::parse_origin_form(target);
  return u ? std::string(u->path()) : target;
}

std::string TestRequest::query(std::string_view name) const {
  auto u = boost::urls::parse_origin_form(target);
  if (!u) return {};
  for (auto param : u->params()) {
    if (param.key == name) return std::string(param.value);
  }
  return {};
}

std::string TestRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (iequals(k, name)) return v;
  }
  return {};
}

TestResponse TestResponse::json(int status, std::string body) {
  return TestResponse{status, {{"Content-Type", "application/json"}}, std::move(body)};
}

TestResponse TestResponse::problem(int status, std::string_view title, std::string_view detail) {
  boost::json::object obj{{"type", "about:blank"}, {"title", title}, {"status", status}, {"detail", detail}};
  return TestResponse{status, {{"Content-Type", "application/problem+json"}}, boost::json::serialize(obj)};
}

struct TestHttpServer::Impl {
  TestHandler handler;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::uint16_t port = 0;
  std::thread accept_thread;

  mutable std::mutex mutex;
  bool stopping = false;
  std::set<int> open_fds;
  std::list<std::thread> connection_threads;
  std::vector<TestRequest> requests;
  std::size_t accepted = 0;

  void accept_loop() {
    for (;;) {
      tcp::socket socket(io);
      boost::system::error_code ec;
      acceptor.accept(socket, ec);
      std::lock_guard lock(mutex);
      if (ec || stopping) return;
      ++accepted;
      open_fds.insert(socket.native_handle());
      connection_threads.emplace_back([this, s = std::move(socket)]() mutable { serve(std::move(s)); });
    }
  }

  void serve(tcp::socket socket) {
    beast::flat_buffer buffer;
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(std::uint64_t{1} << 32);
      parser.header_limit(1 << 20);
      boost::system::error_code ec;
      http::read(socket, buffer, parser, ec);
      if (ec) break;
      auto& req = parser.get();
      TestRequest request{
          std::string(req.method_string()), std::string(req.target()), {}, std::move(req.body())};
      for (const auto& field : req) request.headers.emplace_back(field.name_string(), field.value());
      TestResponse answer = handler(request);
      {
        std::lock_guard lock(mutex);
        requests.push_back(std::move(request));
      }
      if (answer.drop) break;
      http::response<http::string_body> res{static_cast<http::status>(answer.status), 11};
      for (const auto& [k, v] : answer.headers) res.set(k, v);
      res.body() = std::move(answer.body);
      res.keep_alive(!answer.close && req.keep_alive());
      res.prepare_payload();
      http::write(socket, res, ec);
      if (ec || !res.keep_alive()) break;
    }
    std::lock_guard lock(mutex);
    open_fds.erase(socket.native_handle());
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }
};

TestHttpServer::TestHttpServer(TestHandler handler) : impl_(std::make_unique<Impl>()) {
  impl_->handler = std::move(handler);
  tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  impl_->port = impl_->acceptor.local_endpoint().port();
  impl_->accept_thread = std::thread([impl = impl_.get()] { impl->accept_loop(); });
}

TestHttpServer::~TestHttpServer() {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->stopping = true;
    // shutdown() on the listening socket wakes the blocked accept() (it fails with EINVAL).
    ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);
  }
  impl_->accept_thread.join();
  drop_connections();
  // No thread is added once accept_loop has returned.
  for (auto& t : impl_->connection_threads) t.join();
}

std::string TestHttpServer::url() const { return "http://127.0.0.1:" + std::to_string(impl_->port); }

std::uint16_t TestHttpServer::port() const { return impl_->port; }

void TestHttpServer::drop_connections() {
  std::lock_guard lock(impl_->mutex);
  // The connection threads see end of file and close their sockets; an fd leaves open_fds under this
  // mutex before it is closed, so no fd reused by someone else is shut down here.
  for (int fd : impl_->open_fds) ::shutdown(fd, SHUT_RDWR);
}

std::size_t TestHttpServer::connections_accepted() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->accepted;
}

std::vector<TestRequest> TestHttpServer::requests() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->requests;
}

}  // namespace replyd::client::testing
