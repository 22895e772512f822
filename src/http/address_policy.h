// Which IP addresses an outbound request (a webhook) may connect to: the SSRF guard. Only public
// unicast addresses are allowed by default; everything a server usually must not reach on behalf of a
// caller is refused: loopback, private (RFC 1918, IPv6 ULA fc00::/7), shared address space (CGNAT
// 100.64.0.0/10), link-local (169.254/16 with cloud metadata services, fe80::/10), "this network"
// 0.0.0.0/8 and ::, multicast, broadcast, reserved, documentation and benchmarking ranges, and IPv6
// forms that embed one of these IPv4 addresses (IPv4-mapped ::ffff:0:0/96, IPv4-compatible ::/96,
// NAT64 64:ff9b::/96, 6to4 2002::/16).
#pragma once

#include <boost/asio/ip/address.hpp>

#include <optional>
#include <string_view>

namespace replyd::http {

// Why `address` is refused ("loopback", "private (RFC 1918)", ...), or nullopt when it is public.
std::optional<std::string_view> refused_address_reason(const boost::asio::ip::address& address);

}  // namespace replyd::http
