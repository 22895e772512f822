#include "http/request_checks.h"

#include <gtest/gtest.h>
#include <boost/beast/http/error.hpp>

namespace replyd::http {
namespace {

namespace beast_http = boost::beast::http;

boost::asio::awaitable<Response> ok(Exchange&) { co_return Response::empty(200); }

class RequestChecksTest : public ::testing::Test {
 protected:
  RequestChecksTest() {
    Handler h = [](Exchange& e) { return ok(e); };
    router_.add(Method::post, "/upload", h, RouteOptions{.max_body_bytes = 100, .require_length = true});
    router_.add(Method::post, "/any", h);
    router_.add(Method::get, "/any", h);
  }
  Refusal check(const HeadFacts& head, std::string_view path) {
    return check_head(head, router_.match(head.method, path), 1000);
  }
  Router router_;
};

HeadFacts post(std::optional<std::uint64_t> length, bool chunked = false) {
  return HeadFacts{Method::post, 11, 1, length, chunked, (length && *length > 0) || chunked};
}

TEST_F(RequestChecksTest, AcceptedRequestIsNotRefused) {
  EXPECT_FALSE(check(post(100), "/upload"));
  EXPECT_FALSE(check(post(std::nullopt, true), "/upload"));
  EXPECT_FALSE(check(HeadFacts{Method::get, 10, 0}, "/any"));  // HTTP/1.0 may omit Host
}

TEST_F(RequestChecksTest, VersionAndHost) {
  EXPECT_EQ(check(HeadFacts{Method::get, 12, 1}, "/any").status, 505);
  Refusal no_host = check(HeadFacts{Method::get, 11, 0}, "/any");
  EXPECT_EQ(no_host.status, 400);
  EXPECT_TRUE(no_host.close);
  EXPECT_EQ(check(HeadFacts{Method::get, 11, 2}, "/any").status, 400);
  EXPECT_EQ(check(HeadFacts{Method::get, 10, 2}, "/any").status, 400);
}

TEST_F(RequestChecksTest, RoutingRefusalsCloseOnlyWithAnUnreadBody) {
  Refusal missing = check(HeadFacts{Method::get, 11, 1}, "/missing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_FALSE(missing.close);
  EXPECT_TRUE(check(post(5), "/missing").close);
  Refusal wrong = check(HeadFacts{Method::put, 11, 1}, "/any");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.allow, "POST, GET, HEAD");
  EXPECT_FALSE(wrong.close);
}

TEST_F(RequestChecksTest, LengthRequiredAndTooLarge) {
  Refusal no_length = check(post(std::nullopt), "/upload");
  EXPECT_EQ(no_length.status, 411);
  EXPECT_FALSE(no_length.close);
  Refusal too_large = check(post(101), "/upload");
  EXPECT_EQ(too_large.status, 413);
  EXPECT_TRUE(too_large.close);
  EXPECT_NE(too_large.detail.find("100 bytes"), std::string::npos);
  EXPECT_FALSE(check(post(1000), "/any"));
  EXPECT_EQ(check(post(1001), "/any").status, 413);
}

TEST(RequestChecksErrorsTest, HeadErrors) {
  EXPECT_EQ(refusal_for_head_error(beast_http::error::header_limit, "", 4096).status, 431);
  EXPECT_EQ(refusal_for_head_error(beast_http::error::bad_version, "GET / HTTP/2.0\r\n", 4096).status, 505);
  EXPECT_EQ(refusal_for_head_error(beast_http::error::bad_version, "GET /a b c\r\n", 4096).status, 400);
  EXPECT_EQ(refusal_for_head_error(beast_http::error::bad_method, "G(T / HTTP/1.1\r\n", 4096).status, 400);
  EXPECT_FALSE(refusal_for_head_error(beast_http::error::end_of_stream, "", 4096));
  EXPECT_FALSE(refusal_for_head_error(beast_http::error::partial_message, "GET /", 4096));
  EXPECT_FALSE(refusal_for_head_error(boost::asio::error::connection_reset, "", 4096));
  EXPECT_FALSE(refusal_for_head_error(boost::beast::error::timeout, "", 4096));
}

TEST(RequestChecksErrorsTest, BodyErrors) {
  EXPECT_EQ(refusal_for_body_error(beast_http::error::body_limit, 10).status, 413);
  EXPECT_EQ(refusal_for_body_error(beast_http::error::bad_chunk, 10).status, 400);
  EXPECT_FALSE(refusal_for_body_error(beast_http::error::partial_message, 10));
  EXPECT_FALSE(refusal_for_body_error(boost::beast::error::timeout, 10));
}

TEST(RequestChecksErrorsTest, ExpectContinue) {
  EXPECT_TRUE(expects_continue("100-continue", 11));
  EXPECT_TRUE(expects_continue("100-Continue", 11));
  EXPECT_FALSE(expects_continue("100-continue", 10));
  EXPECT_FALSE(expects_continue(std::nullopt, 11));
  EXPECT_FALSE(expects_continue("something", 11));
}

}  // namespace
}  // namespace replyd::http
