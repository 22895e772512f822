// GET /v1/jobs/{id}/payload: the bytes the client submitted, with their Content-Type, for as long as the
// job is kept. The dashboard previews them and resubmits them; the job id is the capability, as for the
// result. `nosniff` keeps a browser from rendering an uploaded file as HTML from this origin.
#include "api/problem_mapping.h"
#include "api/responses.h"
#include "api/routes.h"

namespace replyd::api {
namespace {

namespace net = boost::asio;

net::awaitable<http::Response> get_payload(ApiContext& context, http::Exchange& exchange) {
  auto id = path_job_id(exchange.request());
  if (!id) co_return job_not_found();
  auto blob = co_await context.jobs.payload(*id);
  if (!blob) co_return error_response(blob.error());
  auto response = http::Response::bytes(200, std::move(blob->content_type), std::move(blob->bytes));
  response.set_header("X-Content-Type-Options", "nosniff");
  response.set_header("Content-Security-Policy", "sandbox");
  co_return response;
}

}  // namespace

void register_payload_routes(http::Router& router, ApiContext& context) {
  router.add(http::Method::get, "/v1/jobs/{id}/payload",
             [&context](http::Exchange& ex) { return get_payload(context, ex); });
}

}  // namespace replyd::api
