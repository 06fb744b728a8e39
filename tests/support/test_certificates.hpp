#pragma once
// A throwaway certificate authority for TLS tests: PEM files made with OpenSSL in a temporary
// directory.

#include <filesystem>
#include <memory>
#include <string>

#include <ractor/asio_backend/node_network_options.hpp>

namespace ractor::testing {

/// The PEM files of one issued certificate and its private key.
struct certificate_files {
    std::string certificate_file;
    std::string private_key_file;
};

/// A certificate authority of its own, in a temporary directory removed with it.
///
/// The CA certificate is self-signed; each `issue` makes a fresh P-256 key and a certificate
/// for it signed by the CA, usable by servers and clients alike (it names `localhost` and
/// `127.0.0.1`, though the asio backend checks no host names). Two authorities share nothing,
/// so a certificate of one does not chain to the other.
class test_certificates {
public:
    /// Makes the CA, named `ca_name`. Throws std::runtime_error if OpenSSL or the file system
    /// fails.
    explicit test_certificates(const std::string& ca_name = "ractor test CA");
    ~test_certificates();
    test_certificates(const test_certificates&) = delete;
    test_certificates& operator=(const test_certificates&) = delete;

    /// The CA's certificate: what peers of its nodes trust.
    const std::string& ca_file() const;
    /// The directory holding every file (removed by the destructor).
    const std::filesystem::path& directory() const;

    /// Issues a certificate for `common_name` with a new key, signed by this CA.
    certificate_files issue(const std::string& common_name);

    /// TLS options of a node presenting a new certificate for `common_name` from this CA and
    /// trusting the certificates of `trusted` (this CA when null), with peer verification on.
    asio_backend::tls_options node_tls(const std::string& common_name, const test_certificates* trusted = nullptr);

private:
    struct state;
    std::unique_ptr<state> state_;
};

}  // namespace ractor::testing
