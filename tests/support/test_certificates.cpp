#include "support/test_certificates.hpp"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace ractor::testing {

namespace {

struct key_free {
    void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct cert_free {
    void operator()(X509* x) const { X509_free(x); }
};
struct file_close {
    void operator()(std::FILE* f) const { std::fclose(f); }
};
using key_ptr = std::unique_ptr<EVP_PKEY, key_free>;
using cert_ptr = std::unique_ptr<X509, cert_free>;

/// Throws with `what` and OpenSSL's latest error, if any.
[[noreturn]] void fail(const std::string& what) {
    char text[256] = "no OpenSSL error";
    if (const unsigned long e = ERR_get_error()) ERR_error_string_n(e, text, sizeof text);
    throw std::runtime_error("test certificates: " + what + ": " + text);
}

void check(bool ok, const char* what) {
    if (!ok) fail(what);
}

/// Serial numbers unique within the process, so no two certificates of a CA share one.
long next_serial() {
    static std::atomic<long> serial{1};
    return serial++;
}

key_ptr new_key() {
    key_ptr key(EVP_EC_gen("P-256"));
    check(key != nullptr, "cannot generate a P-256 key");
    return key;
}

/// A certificate for `key` named `common_name`, valid from an hour ago for a day, issued by
/// `issuer` (itself when null) with the given extensions, signed by `signing_key`.
cert_ptr make_certificate(EVP_PKEY* key, const std::string& common_name, X509* issuer, EVP_PKEY* signing_key,
                          std::initializer_list<std::pair<int, const char*>> extensions) {
    cert_ptr x(X509_new());
    check(x != nullptr, "cannot allocate a certificate");
    check(X509_set_version(x.get(), 2) == 1, "cannot set the version");
    check(ASN1_INTEGER_set(X509_get_serialNumber(x.get()), next_serial()) == 1, "cannot set the serial number");
    check(X509_gmtime_adj(X509_getm_notBefore(x.get()), -3600) != nullptr, "cannot set notBefore");
    check(X509_gmtime_adj(X509_getm_notAfter(x.get()), 24 * 3600) != nullptr, "cannot set notAfter");
    check(X509_set_pubkey(x.get(), key) == 1, "cannot set the public key");
    X509_NAME* subject = X509_get_subject_name(x.get());
    check(X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1, 0) == 1,
          "cannot set the common name");
    X509* signer = issuer != nullptr ? issuer : x.get();
    check(X509_set_issuer_name(x.get(), X509_get_subject_name(signer)) == 1, "cannot set the issuer");
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, signer, x.get(), nullptr, nullptr, 0);
    for (const auto& [nid, value] : extensions) {
        X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
        check(ext != nullptr, "cannot make an extension");
        const int added = X509_add_ext(x.get(), ext, -1);
        X509_EXTENSION_free(ext);
        check(added == 1, "cannot add an extension");
    }
    check(X509_sign(x.get(), signing_key, EVP_sha256()) > 0, "cannot sign the certificate");
    return x;
}

std::unique_ptr<std::FILE, file_close> open_for_writing(const std::filesystem::path& path) {
    std::unique_ptr<std::FILE, file_close> f(std::fopen(path.c_str(), "w"));
    if (!f) throw std::runtime_error("test certificates: cannot write " + path.string());
    return f;
}

void write_certificate(const std::filesystem::path& path, X509* x) {
    check(PEM_write_X509(open_for_writing(path).get(), x) == 1, "cannot write a certificate");
}

void write_key(const std::filesystem::path& path, EVP_PKEY* key) {
    check(PEM_write_PrivateKey(open_for_writing(path).get(), key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
          "cannot write a private key");
}

}  // namespace

struct test_certificates::state {
    std::filesystem::path dir;
    std::string ca_file;
    key_ptr ca_key;
    cert_ptr ca_cert;
    int issued = 0;
};

test_certificates::test_certificates(const std::string& ca_name) : state_(std::make_unique<state>()) {
    static std::atomic<int> directories{0};
    state_->dir = std::filesystem::temp_directory_path() /
                  ("ractor-tls-" + std::to_string(::getpid()) + "-" + std::to_string(directories++));
    std::filesystem::create_directories(state_->dir);
    state_->ca_key = new_key();
    state_->ca_cert = make_certificate(state_->ca_key.get(), ca_name, nullptr, state_->ca_key.get(),
                                       {{NID_basic_constraints, "critical,CA:TRUE"},
                                        {NID_key_usage, "critical,keyCertSign,cRLSign"},
                                        {NID_subject_key_identifier, "hash"}});
    state_->ca_file = (state_->dir / "ca.pem").string();
    write_certificate(state_->ca_file, state_->ca_cert.get());
}

test_certificates::~test_certificates() {
    std::error_code ignored;
    std::filesystem::remove_all(state_->dir, ignored);
}

const std::string& test_certificates::ca_file() const { return state_->ca_file; }

const std::filesystem::path& test_certificates::directory() const { return state_->dir; }

certificate_files test_certificates::issue(const std::string& common_name) {
    key_ptr key = new_key();
    cert_ptr cert = make_certificate(key.get(), common_name, state_->ca_cert.get(), state_->ca_key.get(),
                                     {{NID_basic_constraints, "critical,CA:FALSE"},
                                      {NID_key_usage, "critical,digitalSignature"},
                                      {NID_ext_key_usage, "serverAuth,clientAuth"},
                                      {NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1"},
                                      {NID_authority_key_identifier, "keyid:always"}});
    // Files are numbered, so a name may be issued twice (two keys for one node name).
    const std::string stem = "node-" + std::to_string(state_->issued++);
    certificate_files files{(state_->dir / (stem + ".pem")).string(), (state_->dir / (stem + ".key")).string()};
    write_certificate(files.certificate_file, cert.get());
    write_key(files.private_key_file, key.get());
    return files;
}

asio_backend::tls_options test_certificates::node_tls(const std::string& common_name,
                                                      const test_certificates* trusted) {
    certificate_files files = issue(common_name);
    return asio_backend::tls_options{.certificate_chain_file = std::move(files.certificate_file),
                                     .private_key_file = std::move(files.private_key_file),
                                     .ca_file = (trusted != nullptr ? trusted : this)->ca_file(),
                                     .verify_peer = true};
}

}  // namespace ractor::testing
