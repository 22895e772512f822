// Server is a handle on a Listener (listener.h), which owns the acceptor and the connections and
// outlives this object as long as a connection is open.
#include "http/server.h"

#include "http/listener.h"

namespace replyd::http {

struct Server::Impl : Listener {
  using Listener::Listener;
};

Server::Server(boost::asio::io_context& io, ServerOptions options, const Router& router,
               metrics::Registry& metrics)
    : impl_(std::make_shared<Impl>(io, std::move(options), router, metrics)) {}

Server::~Server() { impl_->abandon(); }

void Server::start() { impl_->start(); }
std::uint16_t Server::port() const { return impl_->port(); }
std::string Server::base_url() const { return impl_->base_url(); }

void Server::stop(std::chrono::milliseconds deadline, std::function<void()> on_stopped) {
  impl_->stop(deadline, std::move(on_stopped));
}

std::size_t Server::connection_count() const { return impl_->connection_count(); }

}  // namespace replyd::http
