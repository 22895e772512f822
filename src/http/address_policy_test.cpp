#include "http/address_policy.h"

#include "http/outbound_request.h"

#include <gtest/gtest.h>

namespace replyd::http {
namespace {

bool refused(const char* text) { return refused_address_reason(boost::asio::ip::make_address(text)).has_value(); }

TEST(AddressPolicy, RefusesNonPublicIpv4) {
  for (const char* a : {"127.0.0.1", "127.255.0.9", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
                        "169.254.169.254", "100.64.0.1", "100.127.255.254", "0.0.0.0", "0.1.2.3", "224.0.0.1",
                        "239.255.255.250", "255.255.255.255", "240.0.0.1", "192.0.2.10", "198.18.0.1"}) {
    EXPECT_TRUE(refused(a)) << a;
  }
}

TEST(AddressPolicy, AllowsPublicIpv4) {
  for (const char* a : {"8.8.8.8", "1.1.1.1", "172.15.255.255", "172.32.0.1", "100.63.255.255", "100.128.0.1",
                        "192.169.0.1", "93.184.216.34"}) {
    EXPECT_FALSE(refused(a)) << a;
  }
}

TEST(AddressPolicy, RefusesNonPublicIpv6) {
  for (const char* a : {"::1", "::", "fc00::1", "fd12:3456::1", "fe80::1", "ff02::1", "2001:db8::1",
                        "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "64:ff9b::a00:1",
                        "2002:c0a8:101::1", "::127.0.0.1", "fec0::1"}) {
    EXPECT_TRUE(refused(a)) << a;
  }
}

TEST(AddressPolicy, AllowsPublicIpv6AndEmbeddedPublicIpv4) {
  for (const char* a : {"2606:4700::1111", "2a00:1450:4001::200e", "::ffff:8.8.8.8", "64:ff9b::808:808"}) {
    EXPECT_FALSE(refused(a)) << a;
  }
}

TEST(AddressPolicy, SaysWhy) {
  EXPECT_EQ(refused_address_reason(boost::asio::ip::make_address("127.0.0.1")), "loopback");
  EXPECT_EQ(refused_address_reason(boost::asio::ip::make_address("::ffff:192.168.0.1")), "private (RFC 1918)");
}

TEST(CheckOutboundUrl, RefusesWhatCanBeSeenWithoutResolving) {
  EXPECT_FALSE(check_outbound_url("http://example.com/hook", false));
  EXPECT_FALSE(check_outbound_url("http://localhost:8080/hook", false));  // a name: checked once resolved
  EXPECT_TRUE(check_outbound_url("http://127.0.0.1:8080/hook", false));
  EXPECT_TRUE(check_outbound_url("http://[::1]:8080/hook", false));
  EXPECT_FALSE(check_outbound_url("http://127.0.0.1:8080/hook", true));
  EXPECT_TRUE(check_outbound_url("https://example.com/hook", true));
  EXPECT_TRUE(check_outbound_url("ftp://example.com/", true));
  EXPECT_TRUE(check_outbound_url("http://user:pw@example.com/", true));
}

}  // namespace
}  // namespace replyd::http
