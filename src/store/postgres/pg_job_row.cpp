#include "store/postgres/pg_job_row.h"

#include <charconv>

namespace replyd::store::postgres {
namespace {

constexpr char kHex[] = "0123456789abcdef";

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<TimePoint> optional_time(const PGresult* r, int row, int col) {
  auto v = cell_optional_int(r, row, col);
  return v ? std::optional(from_micros(*v)) : std::nullopt;
}

std::optional<std::int64_t> micros(const std::optional<TimePoint>& t) {
  return t ? std::optional(to_micros(*t)) : std::nullopt;
}

// The column positions of sql::kJobColumns.
// clang-format off
enum Col {
  kSeq, kId, kQueue, kState, kPriority, kAttempt, kMaxAttempts, kCancelRequested, kProgressCurrent,
  kProgressTotal, kProgressMessage, kCreatedAt, kUpdatedAt, kRunAt, kStartedAt, kFinishedAt, kExpiresAt,
  kTimeout, kTtl, kLeaseToken, kLeaseExpiresAt, kAttemptDeadline, kErrorType, kErrorTitle, kErrorStatus,
  kErrorDetail, kPayloadContentType, kPayloadSize, kResultContentType, kResultSize, kCallbackUrl, kVersion,
  kFilename,
};
// clang-format on

}  // namespace

std::string uuid_text(const JobId& id) {
  std::string out(32, '0');
  for (std::size_t i = 0; i < 16; ++i) {
    out[2 * i] = kHex[id.bytes()[i] >> 4];
    out[2 * i + 1] = kHex[id.bytes()[i] & 0xf];
  }
  return out;
}

std::optional<JobId> parse_uuid_text(std::string_view text) {
  JobId::Bytes bytes{};
  std::size_t n = 0;
  int high = -1;
  for (char c : text) {
    if (c == '-') continue;
    int v = hex_value(c);
    if (v < 0 || n == bytes.size()) return std::nullopt;
    if (high < 0) {
      high = v;
    } else {
      bytes[n++] = static_cast<std::uint8_t>(high << 4 | v);
      high = -1;
    }
  }
  if (n != bytes.size() || high >= 0) return std::nullopt;
  return JobId(bytes);
}

std::optional<JobId> parse_uuid_binary(std::string_view data) {
  JobId::Bytes bytes{};
  if (data.size() != bytes.size()) return std::nullopt;
  for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(data[i]);
  return JobId(bytes);
}

std::string uuid_array(std::span<const JobId> ids) {
  std::string out = "{";
  out.reserve(2 + ids.size() * 33);
  for (const JobId& id : ids) {
    if (out.size() > 1) out += ',';
    out += uuid_text(id);
  }
  out += '}';
  return out;
}

bool cell_is_null(const PGresult* r, int row, int col) { return PQgetisnull(r, row, col) != 0; }

std::string_view cell_text(const PGresult* r, int row, int col) {
  return std::string_view(PQgetvalue(r, row, col), static_cast<std::size_t>(PQgetlength(r, row, col)));
}

std::int64_t cell_int(const PGresult* r, int row, int col) {
  std::string_view s = cell_text(r, row, col);
  std::int64_t v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

std::optional<std::int64_t> cell_optional_int(const PGresult* r, int row, int col) {
  if (cell_is_null(r, row, col)) return std::nullopt;
  return cell_int(r, row, col);
}

Job decode_job(const PGresult* r, int row, int first_col) {
  auto c = [first_col](Col col) { return first_col + col; };
  Job job;
  job.seq = cell_int(r, row, c(kSeq));
  job.id = parse_uuid_text(cell_text(r, row, c(kId))).value_or(JobId());
  job.queue = cell_text(r, row, c(kQueue));
  job.state = static_cast<JobState>(cell_int(r, row, c(kState)));
  job.priority = static_cast<std::int32_t>(cell_int(r, row, c(kPriority)));
  job.attempt = static_cast<std::int32_t>(cell_int(r, row, c(kAttempt)));
  job.max_attempts = static_cast<std::int32_t>(cell_int(r, row, c(kMaxAttempts)));
  job.cancel_requested = cell_text(r, row, c(kCancelRequested)) == "t";
  if (!cell_is_null(r, row, c(kProgressMessage))) {
    job.progress =
        Progress{cell_optional_int(r, row, c(kProgressCurrent)), cell_optional_int(r, row, c(kProgressTotal)),
                 std::string(cell_text(r, row, c(kProgressMessage)))};
  }
  job.created_at = from_micros(cell_int(r, row, c(kCreatedAt)));
  job.updated_at = from_micros(cell_int(r, row, c(kUpdatedAt)));
  job.run_at = from_micros(cell_int(r, row, c(kRunAt)));
  job.started_at = optional_time(r, row, c(kStartedAt));
  job.finished_at = optional_time(r, row, c(kFinishedAt));
  job.expires_at = optional_time(r, row, c(kExpiresAt));
  if (auto t = cell_optional_int(r, row, c(kTimeout))) job.timeout = Duration(*t);
  job.ttl = Duration(cell_int(r, row, c(kTtl)));
  job.lease_token = cell_text(r, row, c(kLeaseToken));
  job.lease_expires_at = optional_time(r, row, c(kLeaseExpiresAt));
  job.attempt_deadline = optional_time(r, row, c(kAttemptDeadline));
  if (!cell_is_null(r, row, c(kErrorType))) {
    job.error = Problem{
        std::string(cell_text(r, row, c(kErrorType))), std::string(cell_text(r, row, c(kErrorTitle))),
        static_cast<int>(cell_int(r, row, c(kErrorStatus))), std::string(cell_text(r, row, c(kErrorDetail)))};
  }
  job.payload_content_type = cell_text(r, row, c(kPayloadContentType));
  job.payload_size = cell_int(r, row, c(kPayloadSize));
  job.result_content_type = cell_text(r, row, c(kResultContentType));
  job.result_size = cell_int(r, row, c(kResultSize));
  job.callback_url = cell_text(r, row, c(kCallbackUrl));
  job.version = cell_int(r, row, c(kVersion));
  job.filename = cell_text(r, row, c(kFilename));
  return job;
}

bool storable(const Job& job) {
  for (std::string_view s : {std::string_view(job.queue), std::string_view(job.payload_content_type),
                             std::string_view(job.result_content_type), std::string_view(job.callback_url),
                             std::string_view(job.lease_token), std::string_view(job.filename)}) {
    if (has_nul(s)) return false;
  }
  if (job.progress && has_nul(job.progress->message)) return false;
  if (job.error && (has_nul(job.error->type) || has_nul(job.error->title) || has_nul(job.error->detail))) {
    return false;
  }
  return true;
}

namespace {

// The columns that a state change may modify, in the order of sql::kUpdateJob ($2..$22).
void encode_mutable(PgParams& p, const Job& job) {
  p.integer(static_cast<int>(job.state)).integer(job.attempt).boolean(job.cancel_requested);
  if (job.progress) {
    p.optional_integer(job.progress->current)
        .optional_integer(job.progress->total)
        .text(job.progress->message);
  } else {
    p.null().null().null();
  }
  p.integer(to_micros(job.updated_at)).integer(to_micros(job.run_at));
  p.optional_integer(micros(job.started_at)).optional_integer(micros(job.finished_at));
  p.optional_integer(micros(job.expires_at));
  p.text_or_null(job.lease_token).optional_integer(micros(job.lease_expires_at));
  p.optional_integer(micros(job.attempt_deadline));
  if (job.error) {
    p.text(job.error->type).text(job.error->title).integer(job.error->status).text(job.error->detail);
  } else {
    p.null().null().null().null();
  }
  p.text(job.result_content_type).integer(job.result_size).integer(job.version);
}

}  // namespace

void encode_insert(PgParams& p, const Job& job) {
  p.text(uuid_text(job.id)).text(job.queue).integer(static_cast<int>(job.state)).integer(job.priority);
  p.integer(job.attempt).integer(job.max_attempts).boolean(job.cancel_requested);
  if (job.progress) {
    p.optional_integer(job.progress->current)
        .optional_integer(job.progress->total)
        .text(job.progress->message);
  } else {
    p.null().null().null();
  }
  p.integer(to_micros(job.created_at)).integer(to_micros(job.updated_at)).integer(to_micros(job.run_at));
  p.optional_integer(micros(job.started_at)).optional_integer(micros(job.finished_at));
  p.optional_integer(micros(job.expires_at));
  p.optional_integer(job.timeout ? std::optional(job.timeout->count()) : std::nullopt)
      .integer(job.ttl.count());
  p.text_or_null(job.lease_token).optional_integer(micros(job.lease_expires_at));
  p.optional_integer(micros(job.attempt_deadline));
  if (job.error) {
    p.text(job.error->type).text(job.error->title).integer(job.error->status).text(job.error->detail);
  } else {
    p.null().null().null().null();
  }
  p.text(job.payload_content_type).integer(job.payload_size).text(job.result_content_type);
  p.integer(job.result_size).text(job.callback_url).integer(job.version).text(job.filename);
}

void encode_update(PgParams& p, const Job& job) {
  p.text(uuid_text(job.id));
  encode_mutable(p, job);
}

}  // namespace replyd::store::postgres
