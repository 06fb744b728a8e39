#pragma once
/// \file
/// Network options of one node of an asio runtime host: plain TCP or TLS.

#include <optional>
#include <string>

namespace ractor::asio_backend {

/// The certificate, key and trust anchors of a node that talks TLS.
///
/// One set serves both directions: the node presents the same certificate when it accepts and
/// when it connects. File paths are PEM files read once, when the node is added.
struct tls_options {
    /// The node's certificate chain (its own certificate first).
    std::string certificate_chain_file;
    /// The private key of that certificate.
    std::string private_key_file;
    /// Certificates (PEM, may hold several) that peer certificates must chain to; empty means
    /// the system's default trust store.
    std::string ca_file;
    /// Whether the peer must present a certificate that chains to `ca_file` (checked on both
    /// sides, so a listener then requires client certificates too). Host names are not checked:
    /// trust comes from the CA alone.
    bool verify_peer = true;
};

/// How one node reaches the network.
struct node_network_options {
    /// TLS for every connection of the node, accepted and opened; plain TCP when empty.
    std::optional<tls_options> tls;
};

}  // namespace ractor::asio_backend
