#include "api/request_options.h"

#include <gtest/gtest.h>

namespace replyd::api {
namespace {

using namespace std::chrono_literals;

TimePoint now() { return from_micros(1'795'508'530'000'000); }

Errc error_of(const Result<JobSpec>& r) { return r.error().code(); }

TEST(SubmitOptions, DefaultsWhenAbsent) {
  auto spec = parse_submit_options({}, now());
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec->priority, 0);
  EXPECT_EQ(spec->max_attempts, 0);  // engine default applies
  EXPECT_EQ(spec->ttl, Duration::zero());
  EXPECT_FALSE(spec->run_at);
  EXPECT_FALSE(spec->timeout);
}

TEST(SubmitOptions, ParsesEveryOption) {
  auto spec = parse_submit_options({{"priority", "-7"},
                                    {"delay", "1.5"},
                                    {"timeout", "30"},
                                    {"max_attempts", "3"},
                                    {"ttl", "3600"},
                                    {"callback", "https://example.com/hook?x=1"}},
                                   now());
  ASSERT_TRUE(spec) << spec.error().detail();
  EXPECT_EQ(spec->priority, -7);
  EXPECT_EQ(spec->run_at, now() + 1500ms);
  EXPECT_EQ(spec->timeout, 30s);
  EXPECT_EQ(spec->max_attempts, 3);
  EXPECT_EQ(spec->ttl, 3600s);
  EXPECT_EQ(spec->callback_url, "https://example.com/hook?x=1");
}

TEST(SubmitOptions, RunAtIsRfc3339) {
  auto spec = parse_submit_options({{"run_at", "2026-11-24T09:00:00Z"}}, now());
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec->run_at, from_micros(1'795'510'800'000'000));
  EXPECT_EQ(error_of(parse_submit_options({{"run_at", "tomorrow"}}, now())), Errc::invalid_argument);
}

TEST(SubmitOptions, RefusesBadValuesWithPreciseDetail) {
  struct Case {
    std::string name, value, detail_part;
  };
  for (const Case& c : std::vector<Case>{{"priority", "1e3", "'priority' must be an integer"},
                                         {"priority", "99999999999", "between"},
                                         {"priority", "+1", "integer"},
                                         {"delay", "-1", "'delay' must be a number of seconds"},
                                         {"delay", "1.", "'delay'"},
                                         {"delay", "abc", "'delay'"},
                                         {"timeout", "0", "'timeout' must be greater than 0"},
                                         {"max_attempts", "0", "between 1 and 1000"},
                                         {"ttl", "0", "'ttl' must be greater than 0"},
                                         {"callback", "ftp://x", "'callback'"},
                                         {"callback", "http://", "'callback'"},
                                         {"bogus", "1", "unknown parameter 'bogus'"}}) {
    auto r = parse_submit_options({{c.name, c.value}}, now());
    ASSERT_FALSE(r) << c.name << "=" << c.value;
    EXPECT_EQ(r.error().code(), Errc::invalid_argument);
    EXPECT_NE(r.error().detail().find(c.detail_part), std::string::npos) << r.error().detail();
  }
}

TEST(SubmitOptions, RefusesRepeatsAndConflicts) {
  EXPECT_EQ(error_of(parse_submit_options({{"ttl", "1"}, {"ttl", "2"}}, now())), Errc::invalid_argument);
  EXPECT_EQ(error_of(parse_submit_options({{"delay", "1"}, {"run_at", "2026-11-24T09:00:00Z"}}, now())),
            Errc::invalid_argument);
}

TEST(SubmitOptions, FilenameIsOnePathSegment) {
  auto spec = parse_submit_options({{"filename", "Grüße 2026.pdf"}}, now());
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec->filename, "Grüße 2026.pdf");
  for (std::string bad : {std::string(), std::string("."), std::string(".."), std::string("a/b"), std::string("a\\b"),
                          std::string("a\nb"), std::string(256, 'x')}) {
    auto r = parse_submit_options({{"filename", bad}}, now());
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().detail().find("'filename'"), std::string::npos);
  }
}

TEST(ListQuery, ParsesFiltersAndCursor) {
  auto q = parse_list_query({{"queue", "email"}, {"status", "running"}, {"limit", "10"}, {"cursor", encode_cursor(42)}});
  ASSERT_TRUE(q);
  EXPECT_EQ(q->queue, "email");
  EXPECT_EQ(q->state, JobState::running);
  EXPECT_EQ(q->limit, 10);
  EXPECT_EQ(q->before_seq, 42);
  EXPECT_FALSE(parse_list_query({{"status", "done"}}));
  EXPECT_FALSE(parse_list_query({{"limit", "0"}}));
  EXPECT_FALSE(parse_list_query({{"limit", "1001"}}));
  EXPECT_FALSE(parse_list_query({{"cursor", "42"}}));
  EXPECT_FALSE(parse_list_query({{"cursor", "c"}}));
  EXPECT_FALSE(parse_list_query({{"cursor", "c-1"}}));
  EXPECT_FALSE(parse_list_query({{"sort", "asc"}}));
}

TEST(LeaseMax, DefaultsToOneAndIsBounded) {
  EXPECT_EQ(*parse_lease_max({}, 256), 1);
  EXPECT_EQ(*parse_lease_max({{"max", "256"}}, 256), 256);
  EXPECT_FALSE(parse_lease_max({{"max", "257"}}, 256));
  EXPECT_FALSE(parse_lease_max({{"max", "0"}}, 256));
  EXPECT_FALSE(parse_lease_max({{"wait", "1"}}, 256));
}

TEST(IdempotencyKey, QuotedAndBareFormsNameTheSameKey) {
  EXPECT_EQ(*parse_idempotency_key("\"abc-123\""), "abc-123");
  EXPECT_EQ(*parse_idempotency_key("abc-123"), "abc-123");
  EXPECT_EQ(*parse_idempotency_key(R"("a \"quoted\" \\ key")"), R"(a "quoted" \ key)");
}

TEST(IdempotencyKey, RefusesMalformed) {
  for (std::string_view bad : {"", "\"\"", "\"unterminated", "\"x\"y", "a b", "\"bad\\escape\"", "a,b",
                               "\"\x01\""}) {
    EXPECT_FALSE(parse_idempotency_key(bad)) << bad;
  }
  EXPECT_FALSE(parse_idempotency_key(std::string(256, 'k')));
  EXPECT_TRUE(parse_idempotency_key(std::string(255, 'k')));
}

TEST(Seconds, ParsesFractionsExactly) {
  EXPECT_EQ(*parse_seconds("x", "0.000001", 10), Duration(1));
  EXPECT_EQ(*parse_seconds("x", "10", 10), 10s);
  EXPECT_FALSE(parse_seconds("x", "10.000001", 10));
  EXPECT_FALSE(parse_seconds("x", "0.0000001", 10));
  EXPECT_FALSE(parse_seconds("x", "", 10));
  EXPECT_FALSE(parse_seconds("x", ".5", 10));
}

}  // namespace
}  // namespace replyd::api
