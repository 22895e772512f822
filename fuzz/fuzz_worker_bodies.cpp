// Fuzzes the JSON bodies of the worker protocol (heartbeat progress, fail, batch complete) and the JSON
// writer that echoes their strings back (its output must always parse).
#include "api/json_writer.h"
#include "api/worker_bodies.h"

#include <boost/json/parse.hpp>

#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto progress = replyd::api::parse_heartbeat_body(input);
  auto fail = replyd::api::parse_fail_body(input);
  auto batch = replyd::api::parse_complete_batch_body(input, 256);
  if (batch && batch->size() > 256) __builtin_trap();  // the item limit must hold
  std::string out;
  replyd::api::JsonWriter w(out);
  w.begin_object();
  w.key("raw");
  w.string(input);
  if (progress && *progress) {
    w.key("message");
    w.string((*progress)->message);
  }
  if (fail) {
    w.key("error");
    w.string(fail->error);
  }
  w.end_object();
  boost::system::error_code ec;
  (void)boost::json::parse(out, ec);
  if (ec) __builtin_trap();  // the writer produced invalid JSON
  return 0;
}
