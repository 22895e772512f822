// The embedded dashboard and demo pages under /ui/ (src/ui/assets, compiled into the binary).
// "/ui/" serves index.html; "/ui/demo/upload" serves demo/upload.html, so page URLs have no extension.
#include "api/problem_mapping.h"
#include "api/routes.h"
#include "ui/assets.h"

namespace replyd::api {
namespace {

namespace net = boost::asio;

const EmbeddedFile* resolve(std::string_view path) {
  std::string wanted = "/" + std::string(path);
  if (wanted.back() == '/') wanted += "index.html";
  if (auto* asset = ui::find_asset(wanted)) return asset;
  return ui::find_asset(wanted + ".html");
}

net::awaitable<http::Response> asset(ApiContext&, http::Exchange& exchange) {
  std::string_view path = exchange.request().path_param("path");
  const EmbeddedFile* file = resolve(path);
  if (file == nullptr || path.find("..") != std::string_view::npos) {
    co_return error_response(Error(Errc::not_found, "no such page"));
  }
  auto response = http::Response::bytes(200, std::string(ui::media_type_for(file->path)), std::string(file->data));
  response.set_header("Cache-Control", "no-cache");
  response.set_header("X-Content-Type-Options", "nosniff");
  co_return response;
}

net::awaitable<http::Response> ui_root(ApiContext&, http::Exchange&) {
  auto response = http::Response::empty(301);
  response.set_header("Location", "/ui/");
  co_return response;
}

}  // namespace

void register_ui_routes(http::Router& router, ApiContext& context) {
  router.add(http::Method::get, "/ui", [&context](http::Exchange& ex) { return ui_root(context, ex); });
  router.add(http::Method::get, "/ui/{path...}", [&context](http::Exchange& ex) { return asset(context, ex); });
}

}  // namespace replyd::api
