#include "worker/csv_reader.h"

#include <gtest/gtest.h>

namespace replyd::worker {
namespace {

TEST(CsvReader, ReadsQuotedFieldsAndLineEndings) {
  auto records = read_csv("a,b\r\n\"x, \"\"y\"\"\",2\n\n\"multi\nline\",\n");
  ASSERT_TRUE(records) << records.error().detail();
  ASSERT_EQ(records->size(), 3u);
  EXPECT_EQ((*records)[0], (CsvRecord{"a", "b"}));
  EXPECT_EQ((*records)[1], (CsvRecord{"x, \"y\"", "2"}));
  EXPECT_EQ((*records)[2], (CsvRecord{"multi\nline", ""}));
}

TEST(CsvReader, RefusesAnUnclosedQuote) {
  auto records = read_csv("a\n\"open\n");
  ASSERT_FALSE(records);
  EXPECT_EQ(records.error().detail(), "CSV line 2: unclosed quote");
}

TEST(CsvReader, RefusesTextAfterAClosingQuote) { EXPECT_FALSE(read_csv("\"a\"b,c\n")); }

}  // namespace
}  // namespace replyd::worker
