#include "http/outbound_request.h"

#include "http/address_policy.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/url/parse.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <variant>

namespace replyd::http {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = net::ip::tcp;
using SteadyClock = std::chrono::steady_clock;

const auto kToken = net::as_tuple(net::use_awaitable);
constexpr std::uint32_t kMaxResponseHead = 8 * 1024;

struct Target {
  std::string host;  // without brackets
  std::string port;
  std::string host_header;
  std::string path;  // path and query, at least "/"
};

std::variant<Target, std::string> parse_target(std::string_view text) {
  auto parsed = boost::urls::parse_absolute_uri(text);
  if (!parsed) return std::string("not an absolute URL");
  const auto& u = *parsed;
  if (u.scheme() == "https") return std::string("https callbacks are not supported by this replyd (use http)");
  if (u.scheme() != "http") return fmt::format("scheme '{}' is not http", std::string(u.scheme()));
  if (!u.has_authority() || u.host_address().empty()) return std::string("the URL has no host");
  if (u.has_userinfo()) return std::string("credentials in the URL are not allowed");
  Target t;
  t.host = u.host_address();
  t.port = u.has_port() ? std::string(u.port()) : "80";
  t.host_header = std::string(u.encoded_host_and_port());
  t.path = std::string(u.encoded_target());
  if (t.path.empty() || t.path.front() != '/') t.path.insert(0, "/");
  return t;
}

OutboundResult failure(std::string error, bool refused = false) {
  OutboundResult r;
  r.error = std::move(error);
  r.refused = refused;
  return r;
}

// Resolves with a deadline: a timer on the same strand cancels the resolver when it fires.
net::awaitable<std::pair<beast::error_code, tcp::resolver::results_type>> resolve(Target target,
                                                                                  SteadyClock::time_point deadline) {
  auto executor = co_await net::this_coro::executor;
  auto resolver = std::make_shared<tcp::resolver>(executor);
  net::steady_timer timer(executor, deadline);
  std::weak_ptr<tcp::resolver> weak = resolver;
  timer.async_wait([weak](const beast::error_code& ec) {
    if (ec) return;
    if (auto r = weak.lock()) r->cancel();
  });
  auto [ec, results] = co_await resolver->async_resolve(target.host, target.port, kToken);
  timer.cancel();
  co_return std::make_pair(ec, std::move(results));
}

}  // namespace

std::optional<std::string> check_outbound_url(std::string_view url, bool allow_private) {
  auto target = parse_target(url);
  if (auto* error = std::get_if<std::string>(&target)) return *error;
  if (allow_private) return std::nullopt;
  beast::error_code ec;
  auto address = net::ip::make_address(std::get<Target>(target).host, ec);
  if (ec) return std::nullopt;  // a name: checked once resolved
  if (auto reason = refused_address_reason(address)) {
    return fmt::format("{} is a {} address, refused (see --webhook-allow-private)", address.to_string(), *reason);
  }
  return std::nullopt;
}

net::awaitable<OutboundResult> send_outbound(OutboundRequest request, OutboundOptions options) {
  const auto deadline = SteadyClock::now() + options.total_timeout;
  auto parsed = parse_target(request.url);
  if (auto* error = std::get_if<std::string>(&parsed)) co_return failure(*error, /*refused=*/true);
  const Target target = std::get<Target>(std::move(parsed));

  auto [resolve_ec, results] = co_await resolve(target, deadline);
  if (resolve_ec) {
    if (resolve_ec == net::error::operation_aborted) co_return failure("DNS resolution timed out");
    co_return failure(fmt::format("cannot resolve '{}': {}", target.host, resolve_ec.message()));
  }
  // The guard checks every address the name resolved to; only a checked one is ever connected to.
  std::vector<tcp::endpoint> allowed;
  std::string refusal;
  for (const auto& entry : results) {
    auto address = entry.endpoint().address();
    auto reason = options.allow_private ? std::nullopt : refused_address_reason(address);
    if (!reason) {
      allowed.push_back(entry.endpoint());
    } else if (refusal.empty()) {
      refusal = fmt::format("{} resolves to {}, a {} address: refused (see --webhook-allow-private)",
                            target.host, address.to_string(), *reason);
    }
  }
  if (allowed.empty()) co_return failure(refusal.empty() ? "no address" : refusal, /*refused=*/true);

  auto executor = co_await net::this_coro::executor;
  beast::tcp_stream stream(executor);
  beast::error_code ec;
  for (const tcp::endpoint& endpoint : allowed) {
    stream.expires_at(std::min(deadline, SteadyClock::now() + options.connect_timeout));
    std::tie(ec) = co_await stream.async_connect(endpoint, kToken);
    if (!ec) break;
    stream.close();
  }
  if (ec) {
    co_return failure(ec == beast::error::timeout ? "connect timed out" : fmt::format("connect: {}", ec.message()));
  }

  bhttp::request<bhttp::string_body> message(bhttp::verb::post, target.path, 11);
  message.set(bhttp::field::host, target.host_header);
  message.set(bhttp::field::user_agent, "replyd");
  message.set(bhttp::field::content_type, request.content_type);
  message.set(bhttp::field::connection, "close");
  for (const auto& [name, value] : request.headers) message.set(name, value);
  message.body() = std::move(request.body);
  message.prepare_payload();

  stream.expires_at(deadline);
  std::size_t written = 0;
  std::tie(ec, written) = co_await bhttp::async_write(stream, message, kToken);
  if (ec) co_return failure(ec == beast::error::timeout ? "timed out" : fmt::format("write: {}", ec.message()));

  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.header_limit(kMaxResponseHead);
  parser.body_limit(options.max_response_body);
  std::size_t read = 0;
  std::tie(ec, read) = co_await bhttp::async_read(stream, buffer, parser, kToken);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  // A body over the limit still tells the status: the head was read whole.
  if (ec && !(ec == bhttp::error::body_limit && parser.is_header_done())) {
    co_return failure(ec == beast::error::timeout ? "timed out waiting for the response"
                                                  : fmt::format("read: {}", ec.message()));
  }
  OutboundResult result;
  result.status = static_cast<int>(parser.get().result_int());
  result.body = std::move(parser.get().body());
  if (result.body.size() > options.max_response_body) result.body.resize(options.max_response_body);
  co_return result;
}

}  // namespace replyd::http
