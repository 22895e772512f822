#include "tests/support/job_listing.h"

#include "tests/support/protocol_calls.h"

#include <boost/json/value.hpp>

#include <optional>
#include <stdexcept>
#include <string>

namespace replyd::blackbox {

std::vector<boost::json::object> list_all_jobs(HttpClient& client, std::string_view queue, int max_pages) {
  std::vector<boost::json::object> jobs;
  std::optional<std::string> cursor;
  for (int page = 0; page < max_pages; ++page) {
    std::string target = "/v1/jobs?queue=" + std::string(queue) + "&limit=1000";
    if (cursor) target += "&cursor=" + *cursor;
    auto response = client.get(target);
    require_status(response, 200, "list " + std::string(queue));
    boost::json::value body = response.json();
    for (const auto& job : body.at("jobs").as_array()) jobs.push_back(job.as_object());
    const boost::json::value* next = body.as_object().if_contains("next_cursor");
    if (next == nullptr || next->is_null()) return jobs;
    cursor = std::string(next->as_string());
  }
  throw std::runtime_error("the list of " + std::string(queue) + " did not end within " +
                           std::to_string(max_pages) + " pages");
}

}  // namespace replyd::blackbox
