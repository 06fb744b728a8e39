#include "tls_identity.hpp"

#include <memory>

#include <openssl/x509v3.h>

namespace ractor::asio_backend {

namespace {

struct x509_free {
    void operator()(X509* x) const noexcept { X509_free(x); }
};
struct names_free {
    void operator()(GENERAL_NAMES* n) const noexcept { GENERAL_NAMES_free(n); }
};

std::string text_of(const ASN1_STRING* s) {
    return {reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)), static_cast<std::size_t>(ASN1_STRING_length(s))};
}

void add_common_names(X509* cert, std::vector<std::string>& out) {
    const X509_NAME* subject = X509_get_subject_name(cert);
    for (int at = X509_NAME_get_index_by_NID(subject, NID_commonName, -1); at >= 0;
         at = X509_NAME_get_index_by_NID(subject, NID_commonName, at)) {
        out.push_back(text_of(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, at))));
    }
}

void add_dns_names(X509* cert, std::vector<std::string>& out) {
    std::unique_ptr<GENERAL_NAMES, names_free> names(
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
    if (!names) return;
    for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
        if (name->type == GEN_DNS) out.push_back(text_of(name->d.dNSName));
    }
}

}  // namespace

std::vector<std::string> verified_peer_names(SSL* ssl) {
    // Without verification a certificate proves nothing: anyone can make one with any name.
    if ((SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER) == 0) return {};
    std::unique_ptr<X509, x509_free> cert(SSL_get1_peer_certificate(ssl));
    if (!cert || SSL_get_verify_result(ssl) != X509_V_OK) return {};
    std::vector<std::string> names;
    add_common_names(cert.get(), names);
    add_dns_names(cert.get(), names);
    return names;
}

}  // namespace ractor::asio_backend
