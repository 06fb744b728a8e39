#pragma once
// The names a TLS peer proved: those of its verified certificate.

#include <string>
#include <vector>

#include <openssl/ssl.h>

namespace ractor::asio_backend {

/// The subject common names, then the DNS subject alternative names, of the certificate the
/// peer of `ssl` presented, if peer verification was on and the certificate verified; empty
/// otherwise. Call after the handshake.
std::vector<std::string> verified_peer_names(SSL* ssl);

}  // namespace ractor::asio_backend
