#include "tests/support/smtp_sink.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>

#include <sys/socket.h>

#include <atomic>
#include <istream>

namespace replyd::testing {

namespace net = boost::asio;
using tcp = net::ip::tcp;

std::string SmtpMessage::header(std::string_view name) const {
  std::string prefix = std::string(name) + ": ";
  std::size_t pos = 0;
  while (pos < data.size()) {
    std::size_t end = data.find("\r\n", pos);
    if (end == std::string::npos || end == pos) break;  // the blank line ends the headers
    if (data.compare(pos, prefix.size(), prefix) == 0)
      return data.substr(pos + prefix.size(), end - pos - prefix.size());
    pos = end + 2;
  }
  return {};
}

std::string SmtpMessage::body() const {
  std::size_t blank = data.find("\r\n\r\n");
  return blank == std::string::npos ? std::string() : data.substr(blank + 4);
}

struct SmtpSink::Impl {
  net::io_context io;
  tcp::acceptor acceptor{io};
  std::thread thread;
  int reject_rcpt_with = 0;
  mutable std::mutex mutex;
  std::condition_variable changed;
  std::vector<SmtpMessage> messages;
  int sessions = 0;
  std::atomic<int> current_fd{-1};  // the connection being served, for the destructor

  // The address between '<' and '>' of "MAIL FROM:<a@b>" or "RCPT TO:<a@b>".
  static std::string bracketed(const std::string& line) {
    auto open = line.find('<');
    auto close = line.find('>', open);
    if (open == std::string::npos || close == std::string::npos) return {};
    return line.substr(open + 1, close - open - 1);
  }

  void serve(tcp::socket socket) {
    net::streambuf buffer;
    boost::system::error_code ec;
    auto send = [&](std::string_view text) { net::write(socket, net::buffer(text), ec); };
    auto read_line = [&](std::string& line) {
      net::read_until(socket, buffer, "\r\n", ec);
      if (ec) return false;
      std::istream in(&buffer);
      std::getline(in, line);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return true;
    };
    send("220 smtp-sink ready\r\n");
    SmtpMessage message;
    std::string line;
    while (!ec && read_line(line)) {
      std::string verb = line.substr(0, 4);
      for (auto& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (verb == "EHLO") {
        send("250-smtp-sink\r\n250 8BITMIME\r\n");
      } else if (verb == "HELO") {
        send("250 smtp-sink\r\n");
      } else if (verb == "MAIL") {
        message = SmtpMessage{};
        message.mail_from = bracketed(line);
        send("250 OK\r\n");
      } else if (verb == "RCPT") {
        if (reject_rcpt_with) {
          send(std::to_string(reject_rcpt_with) + " recipient refused by the test\r\n");
        } else {
          message.recipients.push_back(bracketed(line));
          send("250 OK\r\n");
        }
      } else if (verb == "DATA") {
        send("354 end with <CRLF>.<CRLF>\r\n");
        while (read_line(line) && line != ".") {
          if (line.starts_with(".")) line.erase(0, 1);
          message.data += line + "\r\n";
        }
        if (ec) break;
        send("250 OK queued\r\n");
        std::lock_guard lock(mutex);
        messages.push_back(std::move(message));
        changed.notify_all();
      } else if (verb == "RSET" || verb == "NOOP") {
        send("250 OK\r\n");
      } else if (verb == "QUIT") {
        send("221 bye\r\n");
        break;
      } else {
        send("502 command not implemented\r\n");
      }
    }
    std::lock_guard lock(mutex);
    ++sessions;
    changed.notify_all();
  }

  void run() {
    for (;;) {
      boost::system::error_code ec;
      tcp::socket socket(io);
      acceptor.accept(socket, ec);
      if (ec) return;  // closed by the destructor
      current_fd = socket.native_handle();
      serve(std::move(socket));
      current_fd = -1;
    }
  }
};

SmtpSink::SmtpSink(int reject_rcpt_with) : impl_(std::make_unique<Impl>()) {
  impl_->reject_rcpt_with = reject_rcpt_with;
  tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  impl_->thread = std::thread([impl = impl_.get()] { impl->run(); });
}

SmtpSink::~SmtpSink() {
  boost::system::error_code ec;
  // shutdown() wakes the blocked accept(); close() alone may not on Linux.
  ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);
  if (int fd = impl_->current_fd.load(); fd >= 0) ::shutdown(fd, SHUT_RDWR);
  impl_->acceptor.close(ec);
  impl_->thread.join();
}

std::vector<SmtpMessage> SmtpSink::wait_messages(std::size_t n, std::chrono::seconds timeout) {
  std::unique_lock lock(impl_->mutex);
  impl_->changed.wait_for(lock, timeout, [&] { return impl_->messages.size() >= n; });
  return impl_->messages;
}

int SmtpSink::sessions() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->sessions;
}

}  // namespace replyd::testing
