#include "tcp_address.hpp"

#include <charconv>

namespace ractor::asio_backend {

tcp_address parse_tcp_address(const std::string& text) {
    const auto invalid = [&](const char* why) {
        return tcp_address{{}, 0, "invalid address '" + text + "': " + why};
    };
    const std::size_t colon = text.rfind(':');
    if (colon == std::string::npos) return invalid("expected host:port");
    std::string host = text.substr(0, colon);
    const std::string port_text = text.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string::npos) {
        return invalid("an IPv6 address needs brackets, as in [::1]:port");
    }
    unsigned port = 0;
    const char* first = port_text.data();
    const char* last = first + port_text.size();
    const auto [end, ec] = std::from_chars(first, last, port);
    if (port_text.empty() || ec != std::errc{} || end != last || port > 65535) {
        return invalid("the port must be a number from 0 to 65535");
    }
    return tcp_address{std::move(host), static_cast<std::uint16_t>(port), {}};
}

std::string format_endpoint(const boost::asio::ip::tcp::endpoint& endpoint) {
    const std::string host = endpoint.address().to_string();
    const std::string port = std::to_string(endpoint.port());
    return endpoint.address().is_v6() ? "[" + host + "]:" + port : host + ":" + port;
}

}  // namespace ractor::asio_backend
