#include "http/request.h"

#include "http/ascii.h"
#include "http/percent.h"
#include "http/request_impl.h"

namespace replyd::http {
namespace beast_http = boost::beast::http;

std::string_view to_string(Method method) {
  switch (method) {
    case Method::get:
      return "GET";
    case Method::head:
      return "HEAD";
    case Method::post:
      return "POST";
    case Method::put:
      return "PUT";
    case Method::patch:
      return "PATCH";
    case Method::delete_:
      return "DELETE";
    case Method::options:
      return "OPTIONS";
    case Method::unknown:
      break;
  }
  return "UNKNOWN";
}

Method method_from_verb(beast_http::verb verb) {
  switch (verb) {
    case beast_http::verb::get:
      return Method::get;
    case beast_http::verb::head:
      return Method::head;
    case beast_http::verb::post:
      return Method::post;
    case beast_http::verb::put:
      return Method::put;
    case beast_http::verb::patch:
      return Method::patch;
    case beast_http::verb::delete_:
      return Method::delete_;
    case beast_http::verb::options:
      return Method::options;
    default:
      return Method::unknown;
  }
}

TargetParts split_target(std::string_view target) {
  std::string_view origin = target;
  bool absolute = iequals(target.substr(0, 7), "http://") || iequals(target.substr(0, 8), "https://");
  if (absolute) {
    std::size_t authority = target.find("//") + 2;
    std::size_t start = target.find_first_of("/?", authority);
    origin = start == std::string_view::npos ? std::string_view() : target.substr(start);
  }
  std::size_t question = origin.find('?');
  TargetParts parts{origin.substr(0, question),
                    question == std::string_view::npos ? std::string_view() : origin.substr(question + 1)};
  if (absolute && parts.path.empty()) parts.path = "/";
  return parts;
}

void Request::Impl::refresh() {
  method = method_from_verb(message.method());
  auto parts = split_target(message.target());
  path = parts.path;
  query = parts.query;
  query_parsed = false;
}

Method Request::method() const { return impl_->method; }
std::string_view Request::target() const { return impl_->message.target(); }
std::string_view Request::path() const { return impl_->path; }
std::string_view Request::query() const { return impl_->query; }

std::optional<std::string_view> Request::header(std::string_view name) const {
  auto it = impl_->message.find(name);
  if (it == impl_->message.end()) return std::nullopt;
  return it->value();
}

std::vector<std::string_view> Request::headers(std::string_view name) const {
  std::vector<std::string_view> values;
  auto [first, last] = impl_->message.equal_range(name);
  for (auto it = first; it != last; ++it) values.push_back(it->value());
  return values;
}

bool Request::has_body_length() const {
  return impl_->message.has_content_length() || impl_->message.chunked();
}

std::string_view Request::body() const { return impl_->message.body(); }

std::string Request::take_body() {
  std::string body = std::move(impl_->message.body());
  impl_->message.body().clear();
  return body;
}

std::string_view Request::path_param(std::string_view name) const {
  for (const auto& [key, value] : impl_->path_params) {
    if (key == name) return value;
  }
  return {};
}

void Request::set_path_params(std::vector<std::pair<std::string, std::string>> params) {
  impl_->path_params = std::move(params);
}

const std::vector<std::pair<std::string, std::string>>& Request::query_params() const {
  if (impl_->query_parsed) return impl_->query_params;
  impl_->query_parsed = true;
  auto& params = impl_->query_params;
  std::string_view rest = impl_->query;
  std::size_t count = 0;
  // Elements are reassigned rather than rebuilt so that their strings keep their capacity.
  while (!rest.empty()) {
    std::size_t amp = rest.find('&');
    std::string_view item = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    if (item.empty()) continue;
    std::size_t eq = item.find('=');
    std::string_view key = item.substr(0, eq);
    std::string_view value = eq == std::string_view::npos ? std::string_view() : item.substr(eq + 1);
    if (count == params.size()) params.emplace_back();
    percent_decode(key, params[count].first, PlusMeans::space);
    percent_decode(value, params[count].second, PlusMeans::space);
    ++count;
  }
  params.resize(count);
  return params;
}

std::optional<std::string_view> Request::query_param(std::string_view name) const {
  for (const auto& [key, value] : query_params()) {
    if (key == name) return value;
  }
  return std::nullopt;
}

std::string_view Request::remote_address() const { return impl_->remote_address; }

OwnedRequest::OwnedRequest(Method method, std::string target,
                           std::vector<std::pair<std::string, std::string>> headers, std::string body)
    : impl_(std::make_unique<Request::Impl>()), request_(*impl_) {
  BeastRequest& message = impl_->message;
  if (method == Method::unknown) {
    message.method_string("UNKNOWN");
  } else {
    message.method(beast_http::string_to_verb(to_string(method)));
  }
  message.target(target);
  message.version(11);
  for (auto& [name, value] : headers) message.insert(name, value);
  message.body() = std::move(body);
  if (!message.body().empty() && !message.has_content_length() && !message.chunked()) {
    message.content_length(message.body().size());
  }
  impl_->remote_address = "127.0.0.1";
  impl_->refresh();
}

OwnedRequest::~OwnedRequest() = default;

OwnedRequest::OwnedRequest(OwnedRequest&& other) noexcept : impl_(std::move(other.impl_)), request_(*impl_) {}

}  // namespace replyd::http
