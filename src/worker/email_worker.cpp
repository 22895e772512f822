#include "worker/email_worker.h"

#include "worker/curl_global.h"
#include "worker/email_message.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cstring>
#include <memory>
#include <stdexcept>

namespace replyd::worker {
namespace {


// Curl's cancellation point: the transfer stops when a cancel or shutdown comes while it runs.
int on_transfer_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  return static_cast<client::JobContext*>(user)->stop_requested() ? 1 : 0;
}

client::HandlerOutcome send_email(const EmailOptions& options, const Clock& clock,
                                  const client::LeasedJob& job, client::JobContext& context) {
  auto request = parse_email_request(job.payload);
  if (!request) return client::HandlerOutcome::failure(request.error().detail(), false);
  std::string message_id = fmt::format("{}@replyd", job.id);
  std::string message = build_email_message(*request, options.from, message_id, rfc5322_date(clock.now()));
  context.progress(0, 1, fmt::format("sending to {}", request->to.front()));

  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), &curl_easy_cleanup);
  if (!curl) return client::HandlerOutcome::failure("libcurl could not start a transfer", true);
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> recipients(nullptr, &curl_slist_free_all);
  for (const auto& address : request->to) {
    std::string bracketed = "<" + address + ">";
    recipients.reset(curl_slist_append(recipients.release(), bracketed.c_str()));
  }
  std::string mail_from = "<" + options.from + ">";
  std::string_view rest = message;
  char error_buffer[CURL_ERROR_SIZE] = {};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, options.smtp_url.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, mail_from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
  set_upload_source(c, &rest);
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(std::chrono::milliseconds(options.timeout).count()));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, &on_transfer_progress);
  curl_easy_setopt(c, CURLOPT_XFERINFODATA, &context);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
  CURLcode code = curl_easy_perform(c);
  if (code != CURLE_OK) {
    long reply = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
    std::string detail = error_buffer[0] ? error_buffer : curl_easy_strerror(code);
    if (code == CURLE_ABORTED_BY_CALLBACK) {
      return client::HandlerOutcome::failure(
          fmt::format("stopped while sending: {}", client::to_string(context.stop_reason())), true);
    }
    // 5xx is the server's final word on this message; anything else may work on a later attempt.
    bool permanent = reply >= 500 && reply < 600;
    return client::HandlerOutcome::failure(
        fmt::format("SMTP {}: {}", reply ? fmt::format("answer {}", reply) : std::string("transfer failed"),
                    detail),
        !permanent);
  }
  context.progress(1, 1, "sent");
  boost::json::object result;
  result["sent"] = true;
  boost::json::array to;
  for (const auto& address : request->to) to.emplace_back(address);
  result["to"] = std::move(to);
  result["message_id"] = message_id;
  return client::HandlerOutcome::success(Blob{"application/json", boost::json::serialize(result)});
}

}  // namespace

client::Handler make_email_handler(EmailOptions options) {
  if (!options.smtp_url.starts_with("smtp://") && !options.smtp_url.starts_with("smtps://")) {
    throw std::invalid_argument(
        fmt::format("SMTP URL '{}' must start with smtp:// or smtps://", options.smtp_url));
  }
  if (options.from.empty() || options.from.find('@') == std::string::npos ||
      options.from.find_first_of("<>, \r\n") != std::string::npos) {
    throw std::invalid_argument(fmt::format("sender '{}' is not an email address", options.from));
  }
  init_curl_once();
  auto clock = std::shared_ptr<const Clock>();
  if (!options.clock) clock = std::make_shared<SystemClock>();
  return [options, clock](const client::LeasedJob& job, client::JobContext& context) {
    return send_email(options, options.clock ? *options.clock : *clock, job, context);
  };
}

}  // namespace replyd::worker
