#include "http/address_policy.h"

#include <array>
#include <cstdint>

namespace replyd::http {
namespace {

namespace ip = boost::asio::ip;

struct V4Range {
  std::uint32_t network;
  int prefix;
  std::string_view reason;
};

constexpr std::uint32_t v4(int a, int b, int c, int d) {
  return static_cast<std::uint32_t>(a) << 24 | static_cast<std::uint32_t>(b) << 16 |
         static_cast<std::uint32_t>(c) << 8 | static_cast<std::uint32_t>(d);
}

// IANA's IPv4 special-purpose registry, minus the globally reachable entries.
constexpr std::array kV4Refused = {
    V4Range{v4(0, 0, 0, 0), 8, "\"this network\" (0.0.0.0/8)"},
    V4Range{v4(10, 0, 0, 0), 8, "private (RFC 1918)"},
    V4Range{v4(100, 64, 0, 0), 10, "shared address space (CGNAT, 100.64.0.0/10)"},
    V4Range{v4(127, 0, 0, 0), 8, "loopback"},
    V4Range{v4(169, 254, 0, 0), 16, "link-local"},
    V4Range{v4(172, 16, 0, 0), 12, "private (RFC 1918)"},
    V4Range{v4(192, 0, 0, 0), 24, "IETF protocol assignments (192.0.0.0/24)"},
    V4Range{v4(192, 0, 2, 0), 24, "documentation (TEST-NET-1)"},
    V4Range{v4(192, 168, 0, 0), 16, "private (RFC 1918)"},
    V4Range{v4(198, 18, 0, 0), 15, "benchmarking (198.18.0.0/15)"},
    V4Range{v4(198, 51, 100, 0), 24, "documentation (TEST-NET-2)"},
    V4Range{v4(203, 0, 113, 0), 24, "documentation (TEST-NET-3)"},
    V4Range{v4(224, 0, 0, 0), 4, "multicast"},
    V4Range{v4(240, 0, 0, 0), 4, "reserved (240.0.0.0/4, broadcast)"},
};

std::optional<std::string_view> v4_reason(const ip::address_v4& a) {
  const std::uint32_t bits = a.to_uint();
  for (const V4Range& r : kV4Refused) {
    const std::uint32_t mask = r.prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - r.prefix);
    if ((bits & mask) == r.network) return r.reason;
  }
  return std::nullopt;
}

ip::address_v4 v4_from(const ip::address_v6::bytes_type& b, std::size_t offset) {
  return ip::address_v4(ip::address_v4::bytes_type{b[offset], b[offset + 1], b[offset + 2], b[offset + 3]});
}

bool starts_with(const ip::address_v6::bytes_type& b, std::initializer_list<std::uint8_t> prefix) {
  std::size_t i = 0;
  for (std::uint8_t p : prefix) {
    if (b[i++] != p) return false;
  }
  return true;
}

std::optional<std::string_view> v6_reason(const ip::address_v6& a) {
  const auto b = a.to_bytes();
  if (a.is_unspecified()) return "unspecified (::)";
  if (a.is_loopback()) return "loopback";
  // Forms that carry an IPv4 address: the embedded address decides.
  if (a.is_v4_mapped()) return v4_reason(v4_from(b, 12)).value_or(std::string_view());
  if (starts_with(b, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})) return "IPv4-compatible IPv6 (deprecated)";
  if (starts_with(b, {0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0})) {
    return v4_reason(v4_from(b, 12)).value_or(std::string_view());
  }
  if (starts_with(b, {0x20, 0x02})) return v4_reason(v4_from(b, 2)).value_or(std::string_view());
  if ((b[0] & 0xfe) == 0xfc) return "private (unique local, fc00::/7)";
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) return "link-local";
  if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) return "site-local (deprecated)";
  if (b[0] == 0xff) return "multicast";
  if (starts_with(b, {0x20, 0x01, 0x0d, 0xb8})) return "documentation (2001:db8::/32)";
  if (starts_with(b, {0x01, 0x00, 0, 0, 0, 0, 0, 0})) return "discard-only (100::/64)";
  return std::nullopt;
}

}  // namespace

std::optional<std::string_view> refused_address_reason(const ip::address& address) {
  std::optional<std::string_view> reason =
      address.is_v4() ? v4_reason(address.to_v4()) : v6_reason(address.to_v6());
  // An embedded public IPv4 address yields an empty reason above: that address is allowed.
  if (reason && reason->empty()) return std::nullopt;
  return reason;
}

}  // namespace replyd::http
