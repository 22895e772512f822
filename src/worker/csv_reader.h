// A CSV reader (RFC 4180): fields separated by commas, records by LF or CRLF; a field in double quotes
// may hold commas, line breaks and doubled quotes (""). Empty lines are skipped. Pure function.
#pragma once

#include "core/result.h"

#include <string>
#include <string_view>
#include <vector>

namespace replyd::worker {

using CsvRecord = std::vector<std::string>;

// Errors: Errc::invalid_argument for a quote that is never closed or text right after a closing
// quote, naming the line.
Result<std::vector<CsvRecord>> read_csv(std::string_view text);

}  // namespace replyd::worker
