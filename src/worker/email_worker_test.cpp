#include "worker/email_worker.h"

#include "tests/support/smtp_sink.h"
#include "worker/email_message.h"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace replyd::worker {
namespace {

using client::JobContext;
using client::LeasedJob;

LeasedJob job(std::string payload) {
  LeasedJob j;
  j.id = "e1job";
  j.queue = std::string(kEmailQueue);
  j.payload = Blob{"application/json", std::move(payload)};
  return j;
}

TEST(EmailWorker, TheSinkReceivesSubjectAndBody) {
  testing::SmtpSink sink;
  FakeClock clock(from_micros(1'767'225'600'000'000));
  auto handler = make_email_handler({.smtp_url = sink.url(), .from = "replyd@example.com", .clock = &clock});
  JobContext ctx("e1job", "tok", from_micros(0), {});
  auto outcome = handler(job(R"({"to":["ann@example.com","bob@example.org"],"subject":"Your report",)"
                             R"("body":"Hello Ann,\n.hidden dot line\nbye"})"),
                         ctx);
  ASSERT_TRUE(outcome.succeeded) << outcome.error;
  auto result = boost::json::parse(outcome.result.bytes);
  EXPECT_EQ(result.at("message_id").as_string(), "e1job@replyd");
  auto messages = sink.wait_messages(1);
  ASSERT_EQ(messages.size(), 1u);
  const auto& m = messages[0];
  EXPECT_EQ(m.mail_from, "replyd@example.com");
  EXPECT_EQ(m.recipients, (std::vector<std::string>{"ann@example.com", "bob@example.org"}));
  EXPECT_EQ(m.header("Subject"), "Your report");
  EXPECT_EQ(m.header("From"), "replyd@example.com");
  EXPECT_EQ(m.header("Message-ID"), "<e1job@replyd>");
  EXPECT_EQ(m.header("Date"), "Thu, 01 Jan 2026 00:00:00 +0000");
  EXPECT_EQ(m.body(), "Hello Ann,\r\n.hidden dot line\r\nbye\r\n");
  EXPECT_EQ(ctx.take_progress(), (Progress{1, 1, "sent"}));
}

TEST(EmailWorker, BadPayloadFailsForGoodWithoutSending) {
  testing::SmtpSink sink;
  auto handler = make_email_handler({.smtp_url = sink.url(), .from = "replyd@example.com"});
  JobContext ctx("e1job", "tok", from_micros(0), {});
  auto outcome = handler(job(R"({"to":"not an address","subject":"s","body":"b"})"), ctx);
  EXPECT_FALSE(outcome.succeeded);
  EXPECT_FALSE(outcome.retryable);
  EXPECT_EQ(outcome.error, "'not an address' is not an email address");
  EXPECT_EQ(sink.sessions(), 0);
}

TEST(EmailWorker, PermanentRefusalIsNotRetried) {
  testing::SmtpSink sink(550);
  auto handler = make_email_handler({.smtp_url = sink.url(), .from = "replyd@example.com"});
  JobContext ctx("e1job", "tok", from_micros(0), {});
  auto outcome = handler(job(R"({"to":"a@example.com","subject":"s","body":"b"})"), ctx);
  EXPECT_FALSE(outcome.succeeded);
  EXPECT_FALSE(outcome.retryable) << outcome.error;
  EXPECT_NE(outcome.error.find("550"), std::string::npos) << outcome.error;
}

TEST(EmailWorker, TemporaryRefusalIsRetried) {
  testing::SmtpSink sink(451);
  auto handler = make_email_handler({.smtp_url = sink.url(), .from = "replyd@example.com"});
  JobContext ctx("e1job", "tok", from_micros(0), {});
  auto outcome = handler(job(R"({"to":"a@example.com","subject":"s","body":"b"})"), ctx);
  EXPECT_FALSE(outcome.succeeded);
  EXPECT_TRUE(outcome.retryable) << outcome.error;
}

TEST(EmailWorker, RefusesABadConfiguration) {
  EXPECT_THROW(make_email_handler({.smtp_url = "http://x", .from = "a@b"}), std::invalid_argument);
  EXPECT_THROW(make_email_handler({.smtp_url = "smtp://x", .from = "nobody"}), std::invalid_argument);
}

TEST(EmailMessage, ValidatesThePayload) {
  auto parse = [](std::string json) {
    return parse_email_request(Blob{"application/json", std::move(json)});
  };
  EXPECT_TRUE(parse(R"({"to":"a@b.c","subject":"","body":""})"));
  EXPECT_EQ(parse("[]").error().detail(),
            R"(the payload must be a JSON object {"to": "...", "subject": "...", "body": "..."})");
  EXPECT_EQ(parse(R"({"to":[],"subject":"s","body":"b"})").error().detail(), "'to' names no address");
  EXPECT_EQ(parse(R"({"to":"a@b.c","subject":"x\r\nBcc: e@vil","body":"b"})").error().detail(),
            "'subject' may not hold a line break");
  EXPECT_EQ(parse(R"({"to":"a@b.c","subject":"s"})").error().detail(), "'body' must be a string");
  EXPECT_EQ(parse(R"({"to":"<a@b.c>","subject":"s","body":"b"})").error().detail(),
            "'<a@b.c>' is not an email address");
}

TEST(EmailMessage, EncodesANonAsciiSubject) {
  EmailRequest request{{"a@b.c"}, "Grüße", "x"};
  std::string message = build_email_message(request, "f@b.c", "id@replyd", "date");
  EXPECT_NE(message.find("Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n"), std::string::npos) << message;
}

}  // namespace
}  // namespace replyd::worker
