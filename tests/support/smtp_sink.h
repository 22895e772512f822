// Test support: a tiny SMTP server on 127.0.0.1 (a free port) that accepts every message and keeps it,
// so tests can check what a worker sent. It speaks just enough SMTP for libcurl: EHLO/HELO, MAIL, RCPT,
// DATA (with dot-unstuffing), RSET, NOOP, QUIT. One connection at a time, on its own thread.
//
// `reject_rcpt_with` makes it answer RCPT with that code (e.g. 550 or 451) to test failures.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace replyd::testing {

struct SmtpMessage {
  std::string mail_from;                // as given in MAIL FROM:<...>, without the brackets
  std::vector<std::string> recipients;  // likewise
  std::string data;                     // the message, CRLF line ends, dot-unstuffed
  // The value of the first header with this name (case-sensitive match of the name), or empty.
  std::string header(std::string_view name) const;
  // The text after the blank line that ends the headers.
  std::string body() const;
};

class SmtpSink {
 public:
  explicit SmtpSink(int reject_rcpt_with = 0);
  // Closes the socket and joins the thread.
  ~SmtpSink();
  SmtpSink(const SmtpSink&) = delete;
  SmtpSink& operator=(const SmtpSink&) = delete;

  std::uint16_t port() const { return port_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  // Waits until `n` messages were received (or `timeout` passed) and returns those received.
  std::vector<SmtpMessage> wait_messages(std::size_t n,
                                         std::chrono::seconds timeout = std::chrono::seconds(30));
  // Connections that ended (QUIT or close).
  int sessions() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::uint16_t port_ = 0;
};

}  // namespace replyd::testing
