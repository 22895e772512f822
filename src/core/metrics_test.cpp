#include "core/metrics.h"

#include <gtest/gtest.h>

namespace replyd::metrics {
namespace {

TEST(Metrics, RendersPrometheusText) {
  Registry r;
  r.counter("replyd_things_total", "Things", {"kind"}).with({"a\"b"}).inc(3);
  r.gauge("replyd_level", "Level").with({}).set(2.5);
  auto& h = r.histogram("replyd_latency_seconds", "Latency", {"route"}, {0.1, 1}).with({"/x"});
  h.observe(0.05);
  h.observe(0.5);
  h.observe(5);
  std::string text = r.render();
  EXPECT_NE(text.find("# TYPE replyd_things_total counter\nreplyd_things_total{kind=\"a\\\"b\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("replyd_level 2.5\n"), std::string::npos);
  EXPECT_NE(text.find("replyd_latency_seconds_bucket{route=\"/x\",le=\"0.1\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("replyd_latency_seconds_bucket{route=\"/x\",le=\"1\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("replyd_latency_seconds_bucket{route=\"/x\",le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("replyd_latency_seconds_count{route=\"/x\"} 3\n"), std::string::npos);
}

TEST(Metrics, SameNameIsTheSameFamily) {
  Registry r;
  auto& a = r.counter("replyd_x_total", "X", {"q"});
  auto& b = r.counter("replyd_x_total", "X again", {"q"});
  EXPECT_EQ(&a, &b);
  a.with({"1"}).inc();
  b.with({"1"}).inc();
  std::string text = r.render();
  EXPECT_EQ(text.find("# TYPE replyd_x_total"), text.rfind("# TYPE replyd_x_total"));
  EXPECT_NE(text.find("replyd_x_total{q=\"1\"} 2"), std::string::npos);
}

}  // namespace
}  // namespace replyd::metrics
