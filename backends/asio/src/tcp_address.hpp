#pragma once
// Addresses of the TCP transport: "host:port" strings and endpoints.

#include <cstdint>
#include <string>

#include <boost/asio/ip/tcp.hpp>

namespace ractor::asio_backend {

/// A parsed "host:port" (or "[v6-address]:port"), or why it is not one.
struct tcp_address {
    std::string host;  ///< without the brackets of an IPv6 address
    std::uint16_t port = 0;
    std::string error;  ///< set when the text is not an address
};

/// Splits `text` into host and port; the host may be empty (any address, for listening).
tcp_address parse_tcp_address(const std::string& text);

/// `endpoint` in the form `parse_tcp_address` accepts.
std::string format_endpoint(const boost::asio::ip::tcp::endpoint& endpoint);

}  // namespace ractor::asio_backend
