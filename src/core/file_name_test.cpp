#include "core/file_name.h"

#include <gtest/gtest.h>

#include <string>

namespace replyd {
namespace {

TEST(FileName, AcceptsOneSegmentOfAnyText) {
  EXPECT_TRUE(valid_file_name("photo.jpg"));
  EXPECT_TRUE(valid_file_name("holiday photo (1).jpg"));
  EXPECT_TRUE(valid_file_name("Grüße.txt"));
  EXPECT_TRUE(valid_file_name(".hidden"));
  EXPECT_TRUE(valid_file_name(std::string(kMaxFileNameLength, 'x')));
}

TEST(FileName, RefusesPathsControlCharactersAndDots) {
  EXPECT_FALSE(valid_file_name(""));
  EXPECT_FALSE(valid_file_name("."));
  EXPECT_FALSE(valid_file_name(".."));
  EXPECT_FALSE(valid_file_name("../x"));
  EXPECT_FALSE(valid_file_name("a/b"));
  EXPECT_FALSE(valid_file_name("a\\b"));
  EXPECT_FALSE(valid_file_name("a\nb"));
  EXPECT_FALSE(valid_file_name(std::string("a\0b", 3)));
  EXPECT_FALSE(valid_file_name("a\x7f"));
  EXPECT_FALSE(valid_file_name(std::string(kMaxFileNameLength + 1, 'x')));
}

}  // namespace
}  // namespace replyd
