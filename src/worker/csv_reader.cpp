#include "worker/csv_reader.h"

#include <fmt/format.h>

namespace replyd::worker {

Result<std::vector<CsvRecord>> read_csv(std::string_view text) {
  std::vector<CsvRecord> records;
  CsvRecord record;
  std::string field;
  bool field_started = false;  // the record has at least one field or separator on this line
  std::size_t line = 1;
  auto end_record = [&] {
    if (field_started || !field.empty()) {
      record.push_back(std::move(field));
      records.push_back(std::move(record));
    }
    record.clear();
    field.clear();
    field_started = false;
  };
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '"' && field.empty()) {
      std::size_t start_line = line;
      ++i;
      for (;;) {
        if (i >= text.size())
          return Error(Errc::invalid_argument, fmt::format("CSV line {}: unclosed quote", start_line));
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        if (text[i] == '\n') ++line;
        field += text[i++];
      }
      field_started = true;
      // After the closing quote only a separator or the end of the record may follow.
      if (i < text.size() && text[i] != ',' && text[i] != '\n' && text[i] != '\r') {
        return Error(Errc::invalid_argument, fmt::format("CSV line {}: text after a closing quote", line));
      }
      continue;
    }
    if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
      field_started = true;
    } else if (c == '\n') {
      end_record();
      ++line;
    } else if (c != '\r') {
      field += c;
    }
    ++i;
  }
  end_record();
  return records;
}

}  // namespace replyd::worker
