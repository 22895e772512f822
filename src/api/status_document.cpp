#include "api/status_document.h"

#include "core/time_format.h"

namespace replyd::api {
namespace {

void time_member(JsonWriter& w, std::string_view name, const std::optional<TimePoint>& t) {
  if (!t) return;
  w.key(name);
  w.string(format_rfc3339(*t));
}

void write_problem(JsonWriter& w, const Problem& p) {
  w.begin_object();
  w.key("type");
  w.string(p.type);
  w.key("title");
  w.string(p.title);
  w.key("status");
  w.number(std::int64_t{p.status});
  if (!p.detail.empty()) {
    w.key("detail");
    w.string(p.detail);
  }
  w.end_object();
}

void write_progress(JsonWriter& w, const Progress& p) {
  w.begin_object();
  if (p.current) {
    w.key("current");
    w.number(*p.current);
  }
  if (p.total) {
    w.key("total");
    w.number(*p.total);
  }
  if (auto percent = p.percent()) {
    w.key("percent");
    w.number(*percent);
  }
  if (!p.message.empty()) {
    w.key("message");
    w.string(p.message);
  }
  w.end_object();
}

// The webhook delivery: state, attempts so far, the last error, when the next attempt is due.
void write_callback(JsonWriter& w, const CallbackStatus& c) {
  w.begin_object();
  w.key("url");
  w.string(c.url);
  w.key("state");
  w.string(to_string(c.state));
  w.key("attempts");
  w.number(std::int64_t{c.attempts});
  if (!c.last_error.empty()) {
    w.key("last_error");
    w.string(c.last_error);
  }
  time_member(w, "next_attempt_at", c.next_attempt_at);
  time_member(w, "delivered_at", c.delivered_at);
  w.end_object();
}

}  // namespace

std::string job_url(std::string_view base_url, const JobId& id) {
  std::string url;
  url.reserve(base_url.size() + 9 + JobId::kTextLength);
  url.append(base_url).append("/v1/jobs/");
  url.resize(url.size() + JobId::kTextLength);
  id.write_to(url.data() + url.size() - JobId::kTextLength);
  return url;
}

std::string result_url(std::string_view base_url, const JobId& id) { return job_url(base_url, id) + "/result"; }

void write_status_document(JsonWriter& w, const Job& job, std::string_view base_url) {
  std::string self = job_url(base_url, job.id);
  w.begin_object();
  w.key("id");
  w.string(std::string_view(self).substr(self.size() - JobId::kTextLength));
  w.key("queue");
  w.string(job.queue);
  w.key("status");
  w.string(to_string(job.state));
  w.key("priority");
  w.number(std::int64_t{job.priority});
  if (!job.filename.empty()) {
    w.key("filename");
    w.string(job.filename);
  }
  if (job.progress) {
    w.key("progress");
    write_progress(w, *job.progress);
  }
  w.key("attempt");
  w.number(std::int64_t{job.attempt});
  w.key("max_attempts");
  w.number(std::int64_t{job.max_attempts});
  w.key("cancel_requested");
  w.boolean(job.cancel_requested);
  time_member(w, "created_at", job.created_at);
  time_member(w, "updated_at", job.updated_at);
  // While queued, when the job may run: after a delay, or after the backoff of a failed attempt.
  if (job.state == JobState::queued) time_member(w, "run_at", job.run_at);
  time_member(w, "started_at", job.started_at);
  if (job.state == JobState::running) time_member(w, "lease_expires_at", job.lease_expires_at);
  time_member(w, "finished_at", job.finished_at);
  time_member(w, "expires_at", job.expires_at);
  if (job.timeout) {
    w.key("timeout_seconds");
    w.number(static_cast<double>(job.timeout->count()) / 1e6);
  }
  if (job.error) {
    // While a retry waits, this is the failed attempt's error; once failed or cancelled, the final one.
    w.key("error");
    write_problem(w, *job.error);
  }
  if (job.state == JobState::succeeded) {
    w.key("result");
    w.begin_object();
    w.key("content_type");
    w.string(job.result_content_type);
    w.key("size");
    w.number(job.result_size);
    w.end_object();
  }
  if (job.callback) {
    w.key("callback");
    write_callback(w, *job.callback);
  }
  w.key("links");
  w.begin_object();
  w.key("self");
  w.string(self);
  if (job.state == JobState::succeeded) {
    w.key("result");
    w.string(self + "/result");
  }
  w.key("events");
  w.string(self + "/events");
  w.end_object();
  w.end_object();
}

std::string status_document(const Job& job, std::string_view base_url) {
  std::string out;
  out.reserve(768);
  JsonWriter w(out);
  write_status_document(w, job, base_url);
  return out;
}

}  // namespace replyd::api
