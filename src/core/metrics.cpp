#include "core/metrics.h"

#include <fmt/format.h>

namespace replyd::metrics {
namespace {

std::string label_block(const std::vector<std::string>& names, const std::vector<std::string>& values,
                        std::string_view extra = {}) {
  if (names.empty() && extra.empty()) return {};
  std::string out = "{";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i) out += ',';
    out += fmt::format("{}=\"{}\"", names[i], escape_label(values[i]));
  }
  if (!extra.empty()) {
    if (!names.empty()) out += ',';
    out += extra;
  }
  out += '}';
  return out;
}

std::string number(double v) {
  if (v == static_cast<double>(static_cast<std::int64_t>(v))) return fmt::format("{}", static_cast<std::int64_t>(v));
  return fmt::format("{}", v);
}

}  // namespace

void Gauge::add(double d) {
  double old = value_.load(std::memory_order_relaxed);
  while (!value_.compare_exchange_weak(old, old + d, std::memory_order_relaxed)) {
  }
}

Histogram::Histogram(std::vector<double> upper_bounds)
    : bounds_(std::move(upper_bounds)), counts_(new std::atomic<std::uint64_t>[bounds_.size() + 1]) {
  for (std::size_t i = 0; i <= bounds_.size(); ++i) counts_[i] = 0;
}

void Histogram::observe(double v) {
  std::size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  counts_[i].fetch_add(1, std::memory_order_relaxed);
  double old = sum_.load(std::memory_order_relaxed);
  while (!sum_.compare_exchange_weak(old, old + v, std::memory_order_relaxed)) {
  }
}

std::vector<std::uint64_t> Histogram::cumulative() const {
  std::vector<std::uint64_t> out(bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += counts_[i].load(std::memory_order_relaxed);
    out[i] = running;
  }
  return out;
}

std::vector<double> latency_buckets() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

template <class Metric>
Metric& Family<Metric>::with(const std::vector<std::string>& label_values) {
  std::lock_guard lock(mutex_);
  auto it = children_.find(label_values);
  if (it != children_.end()) return *it->second;
  std::unique_ptr<Metric> metric;
  if constexpr (std::is_same_v<Metric, Histogram>) {
    metric = std::make_unique<Histogram>(bounds_);
  } else {
    metric = std::make_unique<Metric>();
  }
  return *children_.emplace(label_values, std::move(metric)).first->second;
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

namespace {

template <class Families>
auto* find_family(Families& families, const std::string& name) {
  for (auto& f : families) {
    if (f.name() == name) return &f;
  }
  return static_cast<typename Families::value_type*>(nullptr);
}

}  // namespace

Family<Counter>& Registry::counter(std::string name, std::string help, std::vector<std::string> labels) {
  std::lock_guard lock(mutex_);
  if (auto* existing = find_family(counters_, name)) return *existing;
  return counters_.emplace_back(std::move(name), std::move(help), std::move(labels));
}

Family<Gauge>& Registry::gauge(std::string name, std::string help, std::vector<std::string> labels) {
  std::lock_guard lock(mutex_);
  if (auto* existing = find_family(gauges_, name)) return *existing;
  return gauges_.emplace_back(std::move(name), std::move(help), std::move(labels));
}

Family<Histogram>& Registry::histogram(std::string name, std::string help, std::vector<std::string> labels,
                                       std::vector<double> bounds) {
  std::lock_guard lock(mutex_);
  if (auto* existing = find_family(histograms_, name)) return *existing;
  return histograms_.emplace_back(std::move(name), std::move(help), std::move(labels), std::move(bounds));
}

std::string Registry::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& f : counters_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} counter\n", f.name(), f.help(), f.name());
    f.for_each([&](const auto& labels, const Counter& c) {
      out += fmt::format("{}{} {}\n", f.name(), label_block(f.label_names(), labels), c.value());
    });
  }
  for (const auto& f : gauges_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", f.name(), f.help(), f.name());
    f.for_each([&](const auto& labels, const Gauge& g) {
      out += fmt::format("{}{} {}\n", f.name(), label_block(f.label_names(), labels), number(g.value()));
    });
  }
  for (const auto& f : histograms_) {
    out += fmt::format("# HELP {} {}\n# TYPE {} histogram\n", f.name(), f.help(), f.name());
    f.for_each([&](const auto& labels, const Histogram& h) {
      auto counts = h.cumulative();
      for (std::size_t i = 0; i < h.bounds().size(); ++i) {
        out += fmt::format("{}_bucket{} {}\n", f.name(),
                           label_block(f.label_names(), labels, fmt::format("le=\"{}\"", number(h.bounds()[i]))),
                           counts[i]);
      }
      out += fmt::format("{}_bucket{} {}\n", f.name(), label_block(f.label_names(), labels, "le=\"+Inf\""),
                         counts.back());
      out += fmt::format("{}_sum{} {}\n", f.name(), label_block(f.label_names(), labels), number(h.sum()));
      out += fmt::format("{}_count{} {}\n", f.name(), label_block(f.label_names(), labels), counts.back());
    });
  }
  return out;
}

std::string escape_label(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

}  // namespace replyd::metrics
