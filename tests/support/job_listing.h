// Reads every job of a queue through the list endpoint (GET /v1/jobs?queue=Q, page after page), for
// black-box tests that must check everything the store holds, not only the jobs they know of.
#pragma once

#include "tests/support/http_client.h"

#include <boost/json/object.hpp>

#include <string_view>
#include <vector>

namespace replyd::blackbox {

// The status documents of every job of `queue`, newest first. Throws std::runtime_error when a page
// is not 200 or the pages do not end within `max_pages` pages of 1000 jobs.
std::vector<boost::json::object> list_all_jobs(HttpClient& client, std::string_view queue, int max_pages = 100);

}  // namespace replyd::blackbox
