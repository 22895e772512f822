#include "client/worker_documents.h"

#include "client/json_fields.h"
#include "client/protocol_headers.h"
#include "core/base64.h"
#include "core/time_format.h"

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace replyd::client {
namespace {

using namespace json_fields;

ApiError malformed(std::string_view what, std::string_view why) {
  return ApiError(Errc::internal, fmt::format("malformed {} from the server: {}", what, why));
}

}  // namespace

ApiResult<LeasedJob> leased_job_from_headers(const LeaseHeaders& headers, Blob payload) {
  if (headers.job_id.empty()) return malformed("lease answer", "no Replyd-Job-Id header");
  if (headers.lease_token.empty()) return malformed("lease answer", "no Replyd-Lease-Token header");
  auto expires = parse_rfc3339(headers.lease_expires);
  if (!expires) return malformed("lease answer", "missing or malformed Replyd-Lease-Expires header");
  auto attempt = parse_small_int(headers.attempt);
  if (!attempt) return malformed("lease answer", "missing or malformed Replyd-Attempt header");
  LeasedJob job;
  job.id = std::string(headers.job_id);
  job.lease_token = std::string(headers.lease_token);
  job.lease_expires_at = *expires;
  job.attempt = *attempt;
  job.payload = std::move(payload);
  return job;
}

ApiResult<std::vector<LeasedJob>> parse_lease_batch(std::string_view json) {
  boost::system::error_code ec;
  auto value = boost::json::parse(json, ec);
  if (ec) return malformed("batch lease answer", ec.message());
  const auto* obj = value.if_object();
  const auto* jobs = obj ? obj->if_contains("jobs") : nullptr;
  if (!jobs || !jobs->is_array()) return malformed("batch lease answer", "no \"jobs\" array");
  std::vector<LeasedJob> out;
  out.reserve(jobs->get_array().size());
  for (const auto& item : jobs->get_array()) {
    const auto* j = item.if_object();
    if (!j) return malformed("batch lease answer", "a job is not an object");
    LeasedJob job;
    auto id = string_at(*j, "id");
    auto token = string_at(*j, "lease_token");
    auto expires = time_at(*j, "lease_expires_at");
    auto attempt = int_at(*j, "attempt");
    auto payload = string_at(*j, "payload_base64");
    if (!id || id->empty() || !token || token->empty() || !expires || !attempt || *attempt < 0 ||
        *attempt > INT32_MAX || !payload) {
      return malformed("batch lease answer",
                       "a job lacks id, lease_token, lease_expires_at, attempt or payload");
    }
    auto bytes = base64_decode(*payload);
    if (!bytes) return malformed("batch lease answer", "payload_base64 is not base64");
    job.id = std::move(*id);
    job.lease_token = std::move(*token);
    job.lease_expires_at = *expires;
    job.attempt = static_cast<int>(*attempt);
    job.payload.content_type = string_at(*j, "content_type").value_or("application/octet-stream");
    job.payload.bytes = std::move(*bytes);
    out.push_back(std::move(job));
  }
  return out;
}

ApiResult<HeartbeatAnswer> parse_heartbeat_answer(std::string_view json) {
  boost::system::error_code ec;
  auto value = boost::json::parse(json, ec);
  if (ec) return malformed("heartbeat answer", ec.message());
  const auto* obj = value.if_object();
  if (!obj) return malformed("heartbeat answer", "not a JSON object");
  auto expires = time_at(*obj, "lease_expires_at");
  if (!expires) return malformed("heartbeat answer", "missing or malformed lease_expires_at");
  HeartbeatAnswer answer;
  answer.lease_expires_at = *expires;
  answer.cancel_requested = bool_at(*obj, "cancel_requested").value_or(false);
  return answer;
}

std::string heartbeat_body(const Progress& progress) {
  boost::json::object obj;
  if (progress.current) obj["current"] = *progress.current;
  if (progress.total) obj["total"] = *progress.total;
  if (!progress.message.empty()) obj["message"] = valid_utf8(progress.message, kMaxProgressMessageBytes);
  return boost::json::serialize(obj);
}

std::string fail_body(std::string_view error, bool retryable) {
  boost::json::object obj;
  obj["error"] = valid_utf8(error, kMaxFailErrorBytes);
  obj["retryable"] = retryable;
  return boost::json::serialize(obj);
}

}  // namespace replyd::client
