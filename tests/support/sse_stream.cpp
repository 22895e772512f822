#include "tests/support/sse_stream.h"

#include "tests/support/deadline_io.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include <limits>
#include <stdexcept>

namespace replyd::blackbox {
namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using detail::run_with_deadline;

void parse_line(std::string_view line, SseFrame& frame) {
  if (line.ends_with('\r')) line.remove_suffix(1);
  if (line.starts_with(':')) {
    line.remove_prefix(1);
    if (line.starts_with(' ')) line.remove_prefix(1);
    frame.comments.emplace_back(line);
    return;
  }
  std::string_view field = line.substr(0, line.find(':'));
  std::string_view value = field.size() < line.size() ? line.substr(field.size() + 1) : std::string_view();
  if (value.starts_with(' ')) value.remove_prefix(1);
  if (field == "event") {
    frame.event = std::string(value);
  } else if (field == "id") {
    frame.id = std::string(value);
  } else if (field == "retry") {
    frame.retry = std::string(value);
  } else if (field == "data") {
    if (frame.data) {
      *frame.data += '\n';
      *frame.data += value;
    } else {
      frame.data = std::string(value);
    }
  }
}

}  // namespace

SseStream::SseStream(std::string_view base_url, std::string_view target, const Headers& headers,
                     std::chrono::milliseconds deadline)
    : endpoint_(parse_base_url(base_url)), stream_(io_) {
  net::ip::tcp::resolver resolver(io_);
  auto results = resolver.resolve(endpoint_.host, endpoint_.port);
  auto connected = run_with_deadline(io_, stream_, deadline, [&](auto handler) {
    stream_.async_connect(
        results, [handler](boost::system::error_code e, const net::ip::tcp::endpoint&) { handler(e); });
  });
  if (connected.ec)
    throw std::runtime_error("connect to " + endpoint_.base_url + ": " + connected.ec.message());

  http::request<http::empty_body> request{http::verb::get, target_path(endpoint_, target), 11};
  request.set(http::field::host, endpoint_.host + ":" + endpoint_.port);
  request.set(http::field::accept, "text/event-stream");
  for (const auto& [name, value] : headers) request.insert(name, value);
  auto written = run_with_deadline(io_, stream_, deadline,
                                   [&](auto handler) { http::async_write(stream_, request, handler); });
  if (written.ec) throw std::runtime_error("send GET " + std::string(target) + ": " + written.ec.message());

  parser_ = std::make_unique<http::response_parser<http::string_body>>();
  parser_->header_limit(1 << 20);
  parser_->body_limit(std::numeric_limits<std::uint64_t>::max());
  auto read = run_with_deadline(io_, stream_, deadline, [&](auto handler) {
    http::async_read_header(stream_, buffer_, *parser_, handler);
  });
  if (read.ec)
    throw std::runtime_error("read the head of GET " + std::string(target) + ": " + read.ec.message());
  const auto& message = parser_->get();
  head_.status = static_cast<int>(message.result_int());
  for (const auto& field : message) {
    head_.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  if (head_.status != 200) {
    if (!parser_->is_done()) {
      auto rest = run_with_deadline(io_, stream_, deadline, [&](auto handler) {
        http::async_read(stream_, buffer_, *parser_, handler);
      });
      if (rest.ec)
        throw std::runtime_error("read the body of GET " + std::string(target) + ": " + rest.ec.message());
    }
    head_.body = parser_->get().body();
    ended_ = true;
  }
}

SseStream::~SseStream() {
  boost::system::error_code ignored;
  stream_.socket().close(ignored);
}

std::optional<SseFrame> SseStream::take_frame() {
  auto end = pending_.find("\n\n");
  if (end == std::string::npos) return std::nullopt;
  SseFrame frame;
  std::string_view text(pending_.data(), end);
  while (!text.empty()) {
    auto newline = text.find('\n');
    parse_line(text.substr(0, newline), frame);
    text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
  }
  pending_.erase(0, end + 2);
  comments_.insert(comments_.end(), frame.comments.begin(), frame.comments.end());
  return frame;
}

std::optional<SseFrame> SseStream::next_frame(std::chrono::milliseconds deadline) {
  auto end = std::chrono::steady_clock::now() + deadline;
  while (true) {
    if (auto frame = take_frame()) return frame;
    if (ended_) return std::nullopt;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    if (left <= std::chrono::milliseconds::zero()) {
      throw std::runtime_error("no SSE frame within the deadline; pending text: '" + pending_ + "'");
    }
    auto read = run_with_deadline(io_, stream_, left, [&](auto handler) {
      http::async_read_some(stream_, buffer_, *parser_, handler);
    });
    pending_ += parser_->get().body();
    parser_->get().body().clear();
    if (read.ec == http::error::end_of_stream || read.ec == net::error::eof ||
        read.ec == net::error::connection_reset || (!read.ec && parser_->is_done())) {
      ended_ = true;
    } else if (read.ec == http::error::need_buffer) {
      continue;
    } else if (read.ec) {
      throw std::runtime_error("read the event stream: " + read.ec.message() + "; pending text: '" +
                               pending_ + "'");
    }
  }
}

std::optional<SseFrame> SseStream::next_event(std::chrono::milliseconds deadline) {
  auto end = std::chrono::steady_clock::now() + deadline;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
    auto frame = next_frame(std::max(left, std::chrono::milliseconds(1)));
    if (!frame || frame->is_event()) return frame;
  }
}

}  // namespace replyd::blackbox
