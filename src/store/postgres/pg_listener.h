// The listener thread: a dedicated connection that LISTENs on the replyd_changes channel and hands the
// changes committed by other nodes (change_notification.h) to the change listener; this node's own
// changes were already reported by its writer and are skipped by node id. A lost connection is
// re-established with backoff; notifications sent meanwhile are lost (waiters fall back to polling).
//
// Thread-safety: construct and close() from one non-store thread.
#pragma once

#include "store/postgres/change_sink.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/reconnect_backoff.h"

#include <atomic>
#include <memory>
#include <string>
#include <thread>

namespace replyd::store::postgres {

struct ListenerOptions {
  ConnectOptions connect;
  std::string node_id;  // notifications from this node are skipped
  ReconnectBackoff::Duration backoff_first{50};
  ReconnectBackoff::Duration backoff_cap{2'000};
};

class PgListener {
 public:
  // Connects and LISTENs before returning, so that every commit after this is heard. Errc::unavailable
  // when the database cannot be reached. `sink` must outlive the listener.
  static Result<std::unique_ptr<PgListener>> start(ListenerOptions options, ChangeSink& sink);
  ~PgListener();  // close()
  PgListener(const PgListener&) = delete;
  PgListener& operator=(const PgListener&) = delete;

  void close();

 private:
  PgListener(ListenerOptions options, ChangeSink& sink, std::unique_ptr<PgConnection> conn);
  static Result<std::unique_ptr<PgConnection>> listen(const ConnectOptions& options);
  void run();
  void deliver();
  // Sleeps up to `d` unless close() wakes it.
  void pause(ReconnectBackoff::Duration d);

  ListenerOptions options_;
  ChangeSink& sink_;
  std::unique_ptr<PgConnection> conn_;  // listener thread only
  int wake_fd_ = -1;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace replyd::store::postgres
