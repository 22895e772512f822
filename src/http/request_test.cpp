#include "http/request.h"

#include "http/percent.h"
#include "http/request_arena.h"

#include <gtest/gtest.h>

namespace replyd::http {
namespace {

TEST(RequestTest, TargetPathAndQuery) {
  OwnedRequest owned(Method::get, "/v1/jobs?limit=10&queue=a%20b");
  Request& r = owned.get();
  EXPECT_EQ(r.method(), Method::get);
  EXPECT_EQ(r.target(), "/v1/jobs?limit=10&queue=a%20b");
  EXPECT_EQ(r.path(), "/v1/jobs");
  EXPECT_EQ(r.query(), "limit=10&queue=a%20b");
  EXPECT_EQ(r.query_param("queue"), "a b");
  EXPECT_EQ(r.query_param("limit"), "10");
  EXPECT_EQ(r.query_param("cursor"), std::nullopt);
}

TEST(RequestTest, QueryParamsDecodeKeepOrderAndKeepMalformedRaw) {
  OwnedRequest owned(Method::get, "/q?a=1+2&&b&c=%zz&a=second&d%3D=x%26y&=v");
  const auto& params = owned.get().query_params();
  ASSERT_EQ(params.size(), 6u);
  EXPECT_EQ(params[0], (std::pair<std::string, std::string>{"a", "1 2"}));
  EXPECT_EQ(params[1], (std::pair<std::string, std::string>{"b", ""}));
  EXPECT_EQ(params[2], (std::pair<std::string, std::string>{"c", "%zz"}));
  EXPECT_EQ(params[3], (std::pair<std::string, std::string>{"a", "second"}));
  EXPECT_EQ(params[4], (std::pair<std::string, std::string>{"d=", "x&y"}));
  EXPECT_EQ(params[5], (std::pair<std::string, std::string>{"", "v"}));
  EXPECT_EQ(owned.get().query_param("a"), "1 2");
}

TEST(RequestTest, NoQuery) {
  OwnedRequest owned(Method::get, "/x");
  EXPECT_EQ(owned.get().query(), "");
  EXPECT_TRUE(owned.get().query_params().empty());
}

TEST(RequestTest, AbsoluteFormTargetRoutesOnItsPath) {
  OwnedRequest owned(Method::get, "http://example.com:8080/v1/jobs?x=1");
  EXPECT_EQ(owned.get().path(), "/v1/jobs");
  EXPECT_EQ(owned.get().query(), "x=1");
  OwnedRequest bare(Method::get, "http://example.com");
  EXPECT_EQ(bare.get().path(), "/");
}

TEST(RequestTest, HeadersAreCaseInsensitiveAndRepeatable) {
  OwnedRequest owned(Method::post, "/x", {{"Prefer", "wait=5"}, {"prefer", "respond-async"}, {"X-One", "1"}});
  Request& r = owned.get();
  EXPECT_EQ(r.header("PREFER"), "wait=5");
  EXPECT_EQ(r.headers("Prefer"), (std::vector<std::string_view>{"wait=5", "respond-async"}));
  EXPECT_EQ(r.header("x-one"), "1");
  EXPECT_EQ(r.header("Missing"), std::nullopt);
  EXPECT_TRUE(r.headers("Missing").empty());
}

TEST(RequestTest, BodyCanBeTakenWithoutCopy) {
  OwnedRequest owned(Method::post, "/x", {}, "payload");
  Request& r = owned.get();
  EXPECT_TRUE(r.has_body_length());
  EXPECT_EQ(r.header("Content-Length"), "7");
  EXPECT_EQ(r.body(), "payload");
  EXPECT_EQ(r.take_body(), "payload");
  EXPECT_EQ(r.body(), "");
  OwnedRequest empty(Method::post, "/x");
  EXPECT_FALSE(empty.get().has_body_length());
  OwnedRequest chunked(Method::post, "/x", {{"Transfer-Encoding", "chunked"}});
  EXPECT_TRUE(chunked.get().has_body_length());
}

TEST(RequestTest, PathParamsAndRemoteAddress) {
  OwnedRequest owned(Method::get, "/v1/jobs/abc");
  Request& r = owned.get();
  r.set_path_params({{"id", "abc"}});
  EXPECT_EQ(r.path_param("id"), "abc");
  EXPECT_EQ(r.path_param("other"), "");
  EXPECT_EQ(r.remote_address(), "127.0.0.1");
}

TEST(RequestTest, MovedOwnedRequestStillWorks) {
  OwnedRequest first(Method::delete_, "/a?b=c");
  OwnedRequest second(std::move(first));
  EXPECT_EQ(second.get().method(), Method::delete_);
  EXPECT_EQ(second.get().query_param("b"), "c");
}

TEST(RequestTest, MethodNames) {
  EXPECT_EQ(to_string(Method::get), "GET");
  EXPECT_EQ(to_string(Method::delete_), "DELETE");
  EXPECT_EQ(to_string(Method::unknown), "UNKNOWN");
  OwnedRequest unknown(Method::unknown, "/");
  EXPECT_EQ(unknown.get().method(), Method::unknown);
}

TEST(RequestArenaTest, InlineUntilFullThenHeapAndRewound) {
  RequestArena arena;
  ArenaAllocator<char> alloc(&arena);
  char* small = alloc.allocate(100);
  char* again = alloc.allocate(100);
  EXPECT_EQ(again, small + 100);
  char* large = alloc.allocate(RequestArena::kInlineBytes);  // does not fit: from the heap
  large[RequestArena::kInlineBytes - 1] = 'x';
  alloc.deallocate(large, RequestArena::kInlineBytes);
  alloc.deallocate(again, 100);
  alloc.deallocate(small, 100);
  arena.rewind();
  EXPECT_EQ(alloc.allocate(8), small);
}

TEST(RequestArenaTest, AllocatorsCompareByArena) {
  RequestArena a;
  RequestArena b;
  EXPECT_EQ(ArenaAllocator<char>(&a), ArenaAllocator<int>(&a));
  EXPECT_NE(ArenaAllocator<char>(&a), ArenaAllocator<char>(&b));
  ArenaAllocator<long> heap;
  long* p = heap.allocate(4);
  heap.deallocate(p, 4);
}

TEST(PercentTest, DecodesAndRejectsMalformedEscapes) {
  std::string out;
  EXPECT_TRUE(percent_decode("a%41%4a+b", out, PlusMeans::space));
  EXPECT_EQ(out, "aAJ b");
  EXPECT_TRUE(percent_decode("a+b", out, PlusMeans::plus));
  EXPECT_EQ(out, "a+b");
  EXPECT_FALSE(percent_decode("a%4", out));
  EXPECT_EQ(out, "a%4");
  EXPECT_FALSE(percent_decode("%g0", out));
  EXPECT_FALSE(percent_decode("%", out));
  EXPECT_TRUE(percent_decode("%00", out));
  EXPECT_EQ(out, std::string(1, '\0'));
  EXPECT_TRUE(percent_equals("%6Aobs", "jobs"));
  EXPECT_FALSE(percent_equals("%6Aob", "jobs"));
  EXPECT_FALSE(percent_equals("%6Aobss", "jobs"));
  EXPECT_FALSE(percent_equals("%zzobs", "jobs"));
}

}  // namespace
}  // namespace replyd::http
