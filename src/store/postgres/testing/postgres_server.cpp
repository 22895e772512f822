#include "store/postgres/testing/postgres_server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <grp.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace replyd::store::postgres {
namespace {

constexpr std::chrono::seconds kReadyTimeout{60};
constexpr int kLaunchAttempts = 5;

std::filesystem::path bin_dir() {
  const char* env = std::getenv("REPLYD_PG_BIN");
  return env && *env ? env : "/usr/lib/postgresql/15/bin";
}

// Who runs the server: ourselves, or the postgres user when we are root.
struct Identity {
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

Identity server_identity() {
  if (::geteuid() != 0) return {};
  passwd* pw = ::getpwnam("postgres");
  if (!pw) throw std::runtime_error("running as root, but there is no 'postgres' user to run PostgreSQL as");
  return {true, pw->pw_uid, pw->pw_gid};
}

// Starts `argv` with stdout and stderr appended to `log`, as `id`. The child only makes system calls
// between fork and exec (the parent may have other threads).
pid_t spawn(const std::vector<std::string>& argv, const Identity& id, const std::filesystem::path& log,
            bool die_with_parent) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot open " + log.string());
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fd, STDOUT_FILENO);
    ::dup2(fd, STDERR_FILENO);
    ::setsid();
    if (id.switch_user && (::setgroups(0, nullptr) != 0 || ::setgid(id.gid) != 0 || ::setuid(id.uid) != 0)) {
      ::_exit(126);
    }
    // Set after setuid, which clears it; the check closes the race with a parent that already died.
    if (die_with_parent && (::prctl(PR_SET_PDEATHSIG, SIGINT) != 0 || ::getppid() != parent)) ::_exit(125);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  ::close(fd);
  if (pid < 0) throw std::runtime_error("fork failed");
  return pid;
}

int wait_exit(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int free_port() {
  int s = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (s < 0 || ::bind(s, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(s, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    if (s >= 0) ::close(s);
    throw std::runtime_error("cannot find a free port");
  }
  ::close(s);
  return ntohs(addr.sin_port);
}

}  // namespace

bool PostgresServer::available() {
  return ::access((bin_dir() / "postgres").c_str(), X_OK) == 0 &&
         ::access((bin_dir() / "initdb").c_str(), X_OK) == 0;
}

PostgresServer& PostgresServer::shared() {
  static PostgresServer server = [] {
    const char* external = std::getenv("REPLYD_TEST_POSTGRES_URI");
    return external && *external ? PostgresServer(External{}, external) : PostgresServer();
  }();
  return server;
}

PostgresServer::PostgresServer(External, std::string uri) : external_(std::move(uri)) {}

PostgresServer::PostgresServer() {
  Identity id = server_identity();
  std::string tmpl = (std::filesystem::temp_directory_path() / "replyd-pg-XXXXXX").string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  dir_ = tmpl;
  if (id.switch_user && ::chown(dir_.c_str(), id.uid, id.gid) != 0) {
    throw std::runtime_error("cannot give " + dir_.string() + " to the postgres user");
  }
  int status =
      wait_exit(spawn({(bin_dir() / "initdb").string(), "-D", (dir_ / "data").string(), "-U", "postgres",
                       "--auth=trust", "-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions"},
                      id, dir_ / "initdb.log", false));
  if (status != 0) {
    std::ifstream in(dir_ / "initdb.log");
    std::stringstream log;
    log << in.rdbuf();
    throw std::runtime_error(fmt::format("initdb failed ({}):\n{}", status, log.str()));
  }
  launch();
}

PostgresServer::~PostgresServer() {
  if (!external_.empty()) return;
  // Immediate shutdown: the cluster is deleted next, so the checkpoint of a fast shutdown (which
  // flushes every database the tests created, tens of seconds on a busy disk) would be wasted.
  if (pid_ > 0) {
    ::kill(pid_, SIGQUIT);
    wait_exit(pid_);
    pid_ = -1;
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

void PostgresServer::launch() {
  Identity id = server_identity();
  for (int attempt = 1;; ++attempt) {
    if (port_ == 0 || attempt > 1) port_ = free_port();
    pid_ = spawn(
        {(bin_dir() / "postgres").string(), "-D", (dir_ / "data").string(), "-p", std::to_string(port_), "-k",
         dir_.string(), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=on", "-c", "max_connections=200",
         "-c", "logging_collector=off", "-c", "checkpoint_timeout=1h", "-c", "max_wal_size=4GB"},
        id, dir_ / "server.log", true);
    try {
      wait_ready();
      return;
    } catch (const std::exception&) {
      // Another process may have taken the port between free_port() and the server's bind.
      if (attempt == kLaunchAttempts || log_tail().find("could not bind") == std::string::npos) throw;
    }
  }
}

void PostgresServer::wait_ready() {
  std::string conninfo =
      fmt::format("host=127.0.0.1 port={} user=postgres dbname=postgres connect_timeout=2", port_);
  auto deadline = std::chrono::steady_clock::now() + kReadyTimeout;
  for (;;) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("PostgreSQL exited while starting:\n" + log_tail());
    }
    if (PQping(conninfo.c_str()) == PQPING_OK) return;
    if (std::chrono::steady_clock::now() > deadline) {
      stop();
      throw std::runtime_error("PostgreSQL did not accept connections in time:\n" + log_tail());
    }
    // Readiness poll: the next connection attempt after a short pause, up to the deadline.
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void PostgresServer::stop() {
  if (!external_.empty()) throw std::logic_error("cannot stop an external PostgreSQL server");
  if (pid_ <= 0) return;
  ::kill(pid_, SIGINT);  // fast shutdown: cut the sessions, checkpoint, exit
  wait_exit(pid_);
  pid_ = -1;
}

void PostgresServer::start() {
  if (!external_.empty()) throw std::logic_error("cannot start an external PostgreSQL server");
  if (pid_ > 0) return;
  launch();
}

std::string PostgresServer::uri(std::string_view database) const {
  if (external_.empty()) return fmt::format("postgres://postgres@127.0.0.1:{}/{}", port_, database);
  // Swap the database of the external URI, keeping its user, host and parameters.
  std::string_view base = external_;
  std::string_view params = base.substr(std::min(base.find('?'), base.size()));
  base.remove_suffix(params.size());
  std::size_t authority = base.find("://");
  std::size_t slash = base.find('/', authority == std::string_view::npos ? 0 : authority + 3);
  return fmt::format("{}/{}{}", base.substr(0, slash), database, params);
}

std::string PostgresServer::create_database() {
  std::string name = fmt::format("replyd_test_{}_{}", ::getpid(), ++databases_);
  PGconn* conn = PQconnectdb(external_.empty() ? uri().c_str() : external_.c_str());
  PGresult* r = PQexec(conn, fmt::format("CREATE DATABASE {}", name).c_str());
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  std::string error = PQerrorMessage(conn);
  PQclear(r);
  PQfinish(conn);
  if (!ok) throw std::runtime_error(fmt::format("CREATE DATABASE {} failed: {}", name, error));
  return uri(name);
}

std::string PostgresServer::log_tail() const {
  std::ifstream in(dir_ / "server.log");
  std::stringstream all;
  all << in.rdbuf();
  std::string s = all.str();
  return s.size() > 4000 ? s.substr(s.size() - 4000) : s;
}

}  // namespace replyd::store::postgres
