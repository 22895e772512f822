#include "http/testing/test_client.h"

// g++ 12 with -fsanitize=address reports a false -Wmaybe-uninitialized inside Beast's response parser
// (a boost::optional returned empty); the warning is about Beast's code, not this file's.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

#include <gtest/gtest.h>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace replyd::http::testing {
namespace beast_http = boost::beast::http;
namespace {

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](char x, char y) { return std::tolower(x) == std::tolower(y); });
}

}  // namespace

std::string Reply::header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (iequals(n, name)) return v;
  }
  return {};
}

bool Reply::has_header(std::string_view name) const {
  return std::any_of(headers.begin(), headers.end(), [&](const auto& h) { return iequals(h.first, name); });
}

TestClient::TestClient(std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) throw std::runtime_error("socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd_);
    throw std::runtime_error(std::string("connect failed: ") + std::strerror(errno));
  }
}

TestClient::~TestClient() { close(); }

void TestClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool TestClient::send(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::size_t TestClient::receive() {
  pollfd p{fd_, POLLIN, 0};
  int ready = ::poll(&p, 1, static_cast<int>(std::chrono::milliseconds(kTimeout).count()));
  if (ready <= 0) {
    ADD_FAILURE() << "no answer from the server within " << kTimeout.count() << " s";
    return 0;
  }
  char chunk[16 * 1024];
  ssize_t n;
  do {
    n = ::recv(fd_, chunk, sizeof chunk, 0);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) return 0;  // end of stream or reset: the server closed
  buffer_.append(chunk, static_cast<std::size_t>(n));
  return static_cast<std::size_t>(n);
}

Reply TestClient::read_response(bool to_head) {
  beast_http::response_parser<beast_http::string_body> parser;
  parser.skip(to_head);
  parser.body_limit(1024 * 1024 * 1024);
  parser.eager(true);
  Reply reply;
  for (;;) {
    boost::beast::error_code ec;
    if (!buffer_.empty()) {
      std::size_t used = parser.put(boost::asio::buffer(buffer_), ec);
      buffer_.erase(0, used);
      if (ec && ec != beast_http::error::need_more) {
        ADD_FAILURE() << "malformed response: " << ec.message();
        return reply;
      }
      if (parser.is_done()) break;
    }
    if (receive() == 0) {
      parser.put_eof(ec);
      if (ec || !parser.is_done()) return reply;
      break;
    }
  }
  const auto& message = parser.get();
  reply.status = static_cast<int>(message.result_int());
  for (const auto& field : message) reply.headers.emplace_back(field.name_string(), field.value());
  reply.body = message.body();
  reply.complete = true;
  return reply;
}

Reply TestClient::roundtrip(std::string_view request, bool to_head) {
  if (!send(request)) return {};
  return read_response(to_head);
}

std::string TestClient::read_until_close() {
  while (receive() != 0) {
  }
  return std::exchange(buffer_, {});
}

bool TestClient::closed_within(std::chrono::milliseconds wait) {
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return false;
  char byte;
  return ::recv(fd_, &byte, 1, MSG_PEEK) <= 0;
}

std::string get_request(std::string_view target, std::string_view extra) {
  std::string request = "GET ";
  request.append(target);
  request.append(" HTTP/1.1\r\nHost: test\r\n");
  request.append(extra);
  request.append("\r\n");
  return request;
}

}  // namespace replyd::http::testing
