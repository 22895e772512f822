#include "http/router.h"

#include "http/percent.h"

#include <algorithm>
#include <stdexcept>

namespace replyd::http {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

[[noreturn]] void bad_pattern(std::string_view pattern, std::string_view why) {
  throw std::invalid_argument("route pattern \"" + std::string(pattern) + "\": " + std::string(why));
}

bool literal_matches(std::string_view piece, std::string_view literal) {
  if (piece == literal) return true;
  return piece.find('%') != std::string_view::npos && percent_equals(piece, literal);
}

}  // namespace

std::vector<Router::Segment> Router::parse_pattern(std::string_view pattern) {
  if (pattern.empty() || pattern[0] != '/') bad_pattern(pattern, "must start with '/'");
  std::vector<Segment> segments;
  std::string_view rest = pattern.substr(1);
  for (;;) {
    std::size_t slash = rest.find('/');
    std::string_view piece = rest.substr(0, slash);
    if (!segments.empty() && segments.back().kind == Segment::Kind::rest) {
      bad_pattern(pattern, "\"{name...}\" must be the last segment");
    }
    if (piece.size() >= 2 && piece.front() == '{' && piece.back() == '}') {
      std::string_view name = piece.substr(1, piece.size() - 2);
      auto kind = Segment::Kind::param;
      if (name.ends_with("...")) {
        kind = Segment::Kind::rest;
        name.remove_suffix(3);
      }
      if (name.empty() || !std::all_of(name.begin(), name.end(), is_name_char)) {
        bad_pattern(pattern, "a parameter name is letters, digits and '_'");
      }
      for (const Segment& s : segments) {
        if (s.kind != Segment::Kind::literal && s.text == name)
          bad_pattern(pattern, "duplicate parameter name");
      }
      segments.push_back({kind, std::string(name)});
    } else {
      if (piece.find_first_of("{}%?#") != std::string_view::npos) {
        bad_pattern(pattern, "a literal segment may not contain '{', '}', '%', '?' or '#'");
      }
      segments.push_back({Segment::Kind::literal, std::string(piece)});
    }
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  return segments;
}

void Router::add(Method method, std::string pattern, Handler handler, RouteOptions options) {
  if (method == Method::unknown) bad_pattern(pattern, "a route needs a known method");
  std::vector<Segment> segments = parse_pattern(pattern);
  // Two routes whose patterns differ only in parameter names would be ambiguous for the same method.
  auto same_shape = [&](const Pattern& p) {
    return std::equal(p.segments.begin(), p.segments.end(), segments.begin(), segments.end(),
                      [](const Segment& a, const Segment& b) {
                        return a.kind == b.kind && (a.kind != Segment::Kind::literal || a.text == b.text);
                      });
  };
  for (const Pattern& p : patterns_) {
    if (!same_shape(p)) continue;
    for (std::size_t index : p.routes) {
      if (routes_[index].method == method) {
        bad_pattern(pattern, "duplicate of " + std::string(to_string(method)) + " " + routes_[index].pattern);
      }
    }
  }
  routes_.push_back(Route{method, pattern, std::move(handler), options});
  auto existing = std::find_if(patterns_.begin(), patterns_.end(), [&](const Pattern& p) {
    return routes_[p.routes.front()].pattern == pattern;
  });
  if (existing != patterns_.end()) {
    existing->routes.push_back(routes_.size() - 1);
    return;
  }
  bool ends_with_rest = segments.back().kind == Segment::Kind::rest;
  patterns_.push_back(Pattern{std::move(segments), {routes_.size() - 1}, ends_with_rest});
  std::stable_sort(patterns_.begin(), patterns_.end(), [](const Pattern& a, const Pattern& b) {
    return std::lexicographical_compare(a.segments.begin(), a.segments.end(), b.segments.begin(),
                                        b.segments.end(),
                                        [](const Segment& x, const Segment& y) { return x.kind < y.kind; });
  });
}

bool Router::matches(const Pattern& pattern, std::string_view path, std::size_t slashes) {
  const std::size_t count = pattern.segments.size();
  if (pattern.ends_with_rest ? slashes < count : slashes != count) return false;
  if (path.empty() || path[0] != '/') return false;
  std::string_view rest = path.substr(1);
  for (std::size_t i = 0; i < count; ++i) {
    const Segment& segment = pattern.segments[i];
    if (segment.kind == Segment::Kind::rest) return true;
    std::size_t slash = rest.find('/');
    std::string_view piece = rest.substr(0, slash);
    if (segment.kind == Segment::Kind::literal ? !literal_matches(piece, segment.text) : piece.empty())
      return false;
    bool path_ends = slash == std::string_view::npos;
    if (i + 1 == count) return path_ends;
    if (path_ends) return false;
    rest = rest.substr(slash + 1);
  }
  return false;
}

void Router::bind_params(const Pattern& pattern, std::string_view path, Match& out) {
  std::string_view rest = path.substr(1);
  std::size_t bound = 0;
  for (const Segment& segment : pattern.segments) {
    std::size_t slash = segment.kind == Segment::Kind::rest ? std::string_view::npos : rest.find('/');
    std::string_view piece = rest.substr(0, slash);
    if (segment.kind != Segment::Kind::literal) {
      if (bound == out.params.size()) out.params.emplace_back();
      out.params[bound].first.assign(segment.text);
      percent_decode(piece, out.params[bound].second, PlusMeans::plus);
      ++bound;
    }
    if (slash == std::string_view::npos) break;
    rest = rest.substr(slash + 1);
  }
  out.params.resize(bound);
}

std::string Router::allow_list(std::string_view path) const {
  std::size_t slashes = static_cast<std::size_t>(std::count(path.begin(), path.end(), '/'));
  std::vector<std::size_t> indexes;
  for (const Pattern& p : patterns_) {
    if (matches(p, path, slashes)) indexes.insert(indexes.end(), p.routes.begin(), p.routes.end());
  }
  std::sort(indexes.begin(), indexes.end());
  bool has_head = std::any_of(indexes.begin(), indexes.end(),
                              [&](std::size_t i) { return routes_[i].method == Method::head; });
  std::string allow;
  unsigned seen = 0;
  auto append = [&](Method m) {
    unsigned bit = 1u << static_cast<unsigned>(m);
    if (seen & bit) return;
    seen |= bit;
    if (!allow.empty()) allow += ", ";
    allow += to_string(m);
  };
  for (std::size_t i : indexes) {
    append(routes_[i].method);
    if (routes_[i].method == Method::get && !has_head) append(Method::head);
  }
  return allow;
}

void Router::match(Method method, std::string_view path, Match& out) const {
  out.route = nullptr;
  out.allow.clear();
  const Pattern* fallback_pattern = nullptr;  // a GET route that answers HEAD
  const Route* fallback = nullptr;
  bool path_found = false;
  std::size_t slashes = static_cast<std::size_t>(std::count(path.begin(), path.end(), '/'));
  for (const Pattern& p : patterns_) {
    if (!matches(p, path, slashes)) continue;
    path_found = true;
    for (std::size_t index : p.routes) {
      const Route& route = routes_[index];
      if (route.method == method) {
        out.kind = Match::Kind::found;
        out.route = &route;
        bind_params(p, path, out);
        return;
      }
      if (method == Method::head && route.method == Method::get && fallback == nullptr) {
        fallback = &route;
        fallback_pattern = &p;
      }
    }
  }
  if (fallback != nullptr) {
    out.kind = Match::Kind::found;
    out.route = fallback;
    bind_params(*fallback_pattern, path, out);
    return;
  }
  out.params.clear();
  out.kind = path_found ? Match::Kind::method_not_allowed : Match::Kind::not_found;
  if (path_found) out.allow = allow_list(path);
}

Match Router::match(Method method, std::string_view path) const {
  Match out;
  match(method, path, out);
  return out;
}

}  // namespace replyd::http
