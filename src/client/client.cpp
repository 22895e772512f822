#include "client/client.h"

#include "client/http_connection.h"
#include "client/protocol_headers.h"

#include <boost/url/url.hpp>

#include <stdexcept>

namespace replyd::client {
namespace {

namespace http = boost::beast::http;

std::string header(const HttpResponse& response, http::field name) {
  auto it = response.find(name);
  return it == response.end() ? std::string() : std::string(it->value());
}

std::string header(const HttpResponse& response, std::string_view name) {
  auto it = response.find(name);
  return it == response.end() ? std::string() : std::string(it->value());
}

std::string number(std::optional<int> v) { return v ? std::to_string(*v) : std::string(); }

// The status document of an answer, with what the answer's headers add to it.
ApiResult<JobStatus> status_from(const HttpResponse& response) {
  auto status = parse_status_document(response.body());
  if (!status) return status.error();
  status->http_status = static_cast<int>(response.result_int());
  status->location = header(response, http::field::location);
  status->retry_after_s = parse_retry_after(header(response, http::field::retry_after));
  status->preference_applied = header(response, "Preference-Applied");
  return status;
}

HttpRequest make_request(http::verb method, std::string target) {
  HttpRequest request{method, target, 11};
  request.keep_alive(true);
  return request;
}

}  // namespace

Client::Client(std::string_view base_url, ClientOptions options) : base_url_(base_url) {
  auto url = parse_base_url(base_url);
  if (!url) throw std::invalid_argument(url.error().detail());
  conn_ = std::make_unique<HttpConnection>(std::move(*url), std::move(options));
}

Client::~Client() = default;
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;

std::string Client::target(std::initializer_list<std::string_view> segments,
                           const std::vector<std::pair<std::string_view, std::string>>& params) const {
  boost::urls::url u;
  u.set_encoded_path(conn_->url().path_prefix);
  for (auto s : segments) u.segments().push_back(s);
  u.set_path_absolute(true);
  for (const auto& [key, value] : params) {
    if (!value.empty()) u.params().append({key, value});
  }
  std::string out(u.encoded_path());
  if (u.has_query()) {
    out += '?';
    out += u.encoded_query();
  }
  return out;
}

void Client::interrupt_long_polls() { conn_->interrupt_long_polls(); }

ApiResult<Submitted> Client::submit(std::string_view queue, std::string body, std::string_view content_type,
                                    const SubmitOptions& options) {
  auto request = make_request(http::verb::post, target({"v1", "queues", queue, "jobs"},
                                                       {{"priority", number(options.priority)},
                                                        {"delay", number(options.delay_s)},
                                                        {"run_at", options.run_at},
                                                        {"timeout", number(options.timeout_s)},
                                                        {"max_attempts", number(options.max_attempts)},
                                                        {"ttl", number(options.ttl_s)},
                                                        {"callback", options.callback}}));
  request.set(http::field::content_type, content_type.empty() ? "application/octet-stream" : content_type);
  request.body() = std::move(body);
  CallSpec spec;
  if (!options.idempotency_key.empty()) {
    auto key = idempotency_key_header(options.idempotency_key);
    if (!key) return ApiError(Errc::invalid_argument, "the idempotency key must be printable ASCII");
    request.set("Idempotency-Key", *key);
    spec.idempotent = true;  // the server answers a repeat with the same job
    spec.unprocessable = Errc::idempotency_mismatch;
  }
  if (options.prefer_wait_s) {
    request.set(http::field::prefer, prefer_wait(*options.prefer_wait_s, true));
    spec.wait_s = *options.prefer_wait_s;
  }
  auto response = conn_->call(request, spec);
  if (!response) return response.error();
  auto status = status_from(*response);
  if (!status) return status.error();
  Submitted out;
  out.location = status->location;
  out.retry_after_s = status->retry_after_s;
  out.replayed = header(*response, "Idempotent-Replayed") == "true";
  out.status = std::move(*status);
  return out;
}

ApiResult<JobStatus> Client::status(std::string_view id, std::optional<int> wait_s) {
  auto request = make_request(http::verb::get, target({"v1", "jobs", id}));
  CallSpec spec;
  spec.idempotent = true;
  if (wait_s) {
    request.set(http::field::prefer, prefer_wait(*wait_s, false));
    spec.wait_s = *wait_s;
    spec.long_poll = true;
  }
  auto response = conn_->call(request, spec);
  if (!response) return response.error();
  return status_from(*response);
}

ApiResult<Blob> Client::result(std::string_view id) {
  auto request = make_request(http::verb::get, target({"v1", "jobs", id, "result"}));
  CallSpec spec;
  spec.idempotent = true;
  spec.conflict = Errc::not_ready;
  auto response = conn_->call(request, spec);
  if (!response) return response.error();
  if (response->result() != http::status::ok) {
    return ApiError(Errc::internal,
                    "unexpected answer " + std::to_string(response->result_int()) + " to a result request");
  }
  Blob blob;
  blob.content_type = header(*response, http::field::content_type);
  blob.bytes = std::move(response->body());
  return blob;
}

ApiResult<JobStatus> Client::cancel(std::string_view id) {
  auto request = make_request(http::verb::delete_, target({"v1", "jobs", id}));
  CallSpec spec;
  spec.idempotent = true;  // cancelling twice is the same as once
  auto response = conn_->call(request, spec);
  if (!response) return response.error();
  return status_from(*response);
}

ApiResult<JobPage> Client::list(const ListQuery& query) {
  auto request = make_request(http::verb::get, target({"v1", "jobs"}, {{"queue", query.queue},
                                                                       {"status", query.state},
                                                                       {"limit", number(query.limit)},
                                                                       {"cursor", query.cursor}}));
  CallSpec spec;
  spec.idempotent = true;
  auto response = conn_->call(request, spec);
  if (!response) return response.error();
  return parse_job_page(response->body());
}

ApiResult<std::vector<QueueSummary>> Client::queues() {
  auto request = make_request(http::verb::get, target({"v1", "queues"}));
  CallSpec spec;
  spec.idempotent = true;
  auto response = conn_->call(request, spec);
  if (!response) return response.error();
  return parse_queue_list(response->body());
}

}  // namespace replyd::client
