#pragma once
/// \file
/// Network options of one node of an asio runtime host: plain TCP or TLS, queue limits.

#include <cstddef>
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
    std::optional<tls_options> tls{};
    /// Per connection: `send` takes frames while fewer bytes than this wait to be written to
    /// the socket, and says `busy` beyond (so a queue holds at most this plus one frame).
    std::size_t send_queue_limit = 4 * 1024 * 1024;
    /// Per connection: reading from the socket pauses while this many bytes of received
    /// frames wait for `receive`, and resumes once half of them are taken, so that TCP flow
    /// control slows the sending peer down.
    std::size_t receive_queue_limit = 4 * 1024 * 1024;
};

}  // namespace ractor::asio_backend
