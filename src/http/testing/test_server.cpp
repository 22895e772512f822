#include "http/testing/test_server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <sstream>

namespace replyd::http::testing {
namespace net = boost::asio;

TestServer::TestServer(const Router& router, ServerOptions options) : work_(io_.get_executor()) {
  options.listen = "127.0.0.1:0";
  server_ = std::make_unique<Server>(io_, std::move(options), router, registry_);
  server_->start();
  for (int i = 0; i < 2; ++i) threads_.emplace_back([this] { io_.run(); });
}

TestServer::~TestServer() {
  if (!stopped_) stop(std::chrono::milliseconds(0)).wait();
  work_.reset();
  io_.stop();
  for (auto& thread : threads_) thread.join();
  server_.reset();
}

std::future<void> TestServer::stop(std::chrono::milliseconds deadline) {
  stopped_ = true;
  auto done = std::make_shared<std::promise<void>>();
  auto future = done->get_future();
  server_->stop(deadline, [done] { done->set_value(); });
  return future;
}

double TestServer::metric(std::string_view series) {
  std::istringstream lines(registry_.render());
  std::string line;
  while (std::getline(lines, line)) {
    if (line.size() > series.size() && line.compare(0, series.size(), series) == 0 &&
        line[series.size()] == ' ') {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return -1;
}

net::awaitable<Gate::Outcome> Gate::wait(net::any_io_executor executor) {
  auto timer = std::make_shared<net::steady_timer>(executor, net::steady_timer::time_point::max());
  {
    std::lock_guard lock(mutex_);
    if (!signalled_entry_) entered_.set_value();
    signalled_entry_ = true;
    if (open_) co_return Outcome::opened;
    waiting_.push_back(timer);
  }
  co_await timer->async_wait(net::as_tuple(net::use_awaitable));
  std::lock_guard lock(mutex_);
  // The timer belongs to the server's io_context: it must not outlive this wait.
  std::erase(waiting_, timer);
  co_return open_ ? Outcome::opened : Outcome::cancelled;
}

void Gate::open() {
  std::lock_guard lock(mutex_);
  open_ = true;
  // A timer belongs to its handler's strand: cancel it there.
  for (auto& timer : waiting_) net::post(timer->get_executor(), [timer] { timer->cancel(); });
  waiting_.clear();
}

}  // namespace replyd::http::testing
