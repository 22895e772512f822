#include "http/response.h"

#include "http/wire_format.h"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace replyd::http {
namespace {

TEST(ResponseTest, HeadersAreCaseInsensitive) {
  Response r = Response::json(201, "{}");
  EXPECT_EQ(r.header("content-type"), "application/json");
  r.add_header("Vary", "Prefer");
  r.add_header("vary", "Accept");
  r.set_header("VARY", "Origin");
  EXPECT_EQ(r.header("Vary"), "Origin");
  EXPECT_EQ(r.headers.size(), 2u);
  EXPECT_EQ(r.header("Missing"), "");
}

TEST(ResponseTest, Factories) {
  Response b = Response::bytes(200, "text/plain", "x");
  EXPECT_EQ(b.status, 200);
  EXPECT_EQ(b.header("Content-Type"), "text/plain");
  EXPECT_EQ(b.body, "x");
  Response e = Response::empty(204);
  EXPECT_EQ(e.status, 204);
  EXPECT_TRUE(e.headers.empty());
  EXPECT_TRUE(e.body.empty());
}

TEST(ProblemTest, IsProblemJsonWithStatusAndTitle) {
  Response p = problem(404, "no job \"x\"");
  EXPECT_EQ(p.status, 404);
  EXPECT_EQ(p.header("Content-Type"), "application/problem+json");
  auto doc = boost::json::parse(p.body).as_object();
  EXPECT_EQ(doc.at("type").as_string(), "about:blank");
  EXPECT_EQ(doc.at("title").as_string(), "Not Found");
  EXPECT_EQ(doc.at("status").as_int64(), 404);
  EXPECT_EQ(doc.at("detail").as_string(), "no job \"x\"");
}

TEST(ProblemTest, CustomTypeAndTitleAndNoDetail) {
  Response p = problem(409, "", "https://replyd.dev/problems/lease-lost", "Lease lost");
  auto doc = boost::json::parse(p.body).as_object();
  EXPECT_EQ(doc.at("type").as_string(), "https://replyd.dev/problems/lease-lost");
  EXPECT_EQ(doc.at("title").as_string(), "Lease lost");
  EXPECT_FALSE(doc.contains("detail"));
}

TEST(ProblemTest, ControlCharactersAndInvalidUtf8StayValidJson) {
  Response p = problem(400, "bad \x01 \n \xff\xfe value \xC3\xA9");
  auto doc = boost::json::parse(p.body).as_object();
  EXPECT_EQ(doc.at("detail").as_string(), "bad \x01 \n \xEF\xBF\xBD\xEF\xBF\xBD value \xC3\xA9");
}

TEST(ReasonPhraseTest, KnownAndUnknown) {
  EXPECT_EQ(reason_phrase(200), "OK");
  EXPECT_EQ(reason_phrase(303), "See Other");
  EXPECT_EQ(reason_phrase(411), "Length Required");
  EXPECT_EQ(reason_phrase(413), "Content Too Large");
  EXPECT_EQ(reason_phrase(422), "Unprocessable Content");
  EXPECT_EQ(reason_phrase(429), "Too Many Requests");
  EXPECT_EQ(reason_phrase(431), "Request Header Fields Too Large");
  EXPECT_EQ(reason_phrase(503), "Service Unavailable");
  EXPECT_EQ(reason_phrase(599), "Unknown");
}

TEST(WireFormatTest, HeadWithLengthDateAndServer) {
  Response r = Response::bytes(200, "text/plain", "hello");
  r.add_header("Content-Length", "999");  // the connection owns framing
  r.add_header("Connection", "keep-alive");
  std::string out;
  write_head(r, Framing::length, 5, {"Tue, 24 Nov 2026 08:15:30 GMT", "replyd"}, out);
  EXPECT_EQ(out,
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nDate: Tue, 24 Nov 2026 08:15:30 GMT\r\n"
            "Server: replyd\r\nContent-Length: 5\r\n\r\n");
}

TEST(WireFormatTest, ChunkedCloseAndNoBodyStatuses) {
  std::string out;
  write_head(Response::empty(200), Framing::chunked, 0, {"D", "", true}, out);
  EXPECT_EQ(out, "HTTP/1.1 200 OK\r\nDate: D\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n");
  write_head(Response::empty(204), Framing::length, 0, {"D", "", false, true}, out);
  EXPECT_EQ(out, "HTTP/1.1 204 No Content\r\nDate: D\r\nConnection: keep-alive\r\n\r\n");
}

TEST(WireFormatTest, HandlerDateAndServerWin) {
  Response r = Response::empty(200);
  r.add_header("Date", "X");
  r.add_header("Server", "Y");
  std::string out;
  write_head(r, Framing::length, 0, {"D", "replyd"}, out);
  EXPECT_EQ(out, "HTTP/1.1 200 OK\r\nDate: X\r\nServer: Y\r\nContent-Length: 0\r\n\r\n");
}

TEST(WireFormatTest, UnsendableResponsesAreDetected) {
  EXPECT_TRUE(invalid_response_reason(Response::empty(200)).empty());
  EXPECT_FALSE(invalid_response_reason(Response::empty(99)).empty());
  EXPECT_FALSE(invalid_response_reason(Response::empty(101)).empty());
  Response split = Response::empty(200);
  split.add_header("Location", "/a\r\nSet-Cookie: x=1");
  EXPECT_FALSE(invalid_response_reason(split).empty());
  Response bad_name = Response::empty(200);
  bad_name.add_header("Bad Name", "v");
  EXPECT_FALSE(invalid_response_reason(bad_name).empty());
}

TEST(WireFormatTest, ChunkSizeLineIsHex) {
  std::array<char, 20> buffer;
  EXPECT_EQ(chunk_size_line(0x1a2b, buffer), "1a2b\r\n");
  EXPECT_EQ(chunk_size_line(1, buffer), "1\r\n");
}

}  // namespace
}  // namespace replyd::http
