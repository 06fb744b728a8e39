// Handshake cryptography on OpenSSL's one-shot HMAC and constant-time compare.
#include <ractor/cluster/handshake.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>
#include <vector>

#include <ractor/cluster/wire.hpp>

namespace ractor::cluster {

namespace {

/// Separates these proofs from any other use of the cookie.
constexpr std::string_view proof_domain = "ractor-cluster handshake v2";

void put_u64(std::vector<std::uint8_t>& out, std::uint64_t v) {
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

void put_field(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> bytes) {
    put_u64(out, bytes.size());
    out.insert(out.end(), bytes.begin(), bytes.end());
}

void put_field(std::vector<std::uint8_t>& out, std::string_view text) {
    put_field(out, std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

}  // namespace

proof hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data) {
    proof out{};
    unsigned int len = 0;
    // OpenSSL rejects a null key pointer even for an empty key.
    static constexpr std::uint8_t empty = 0;
    HMAC(EVP_sha256(), key.empty() ? &empty : key.data(), static_cast<int>(key.size()), data.data(), data.size(),
         out.data(), &len);
    return out;
}

bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept {
    return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

challenge_bytes make_challenge(entropy& source) {
    challenge_bytes out{};
    source.secure_bytes(out);
    return out;
}

proof transcript_proof(std::string_view cookie, handshake_role prover, const handshake_transcript& t) {
    std::vector<std::uint8_t> data;
    data.reserve(160 + t.dialler.size() + t.acceptor.size());
    put_field(data, proof_domain);
    data.push_back(static_cast<std::uint8_t>(prover));
    put_field(data, t.dialler);
    put_field(data, t.acceptor);
    put_field(data, t.dialler_challenge);
    put_field(data, t.acceptor_challenge);
    data.push_back(t.version);
    put_u64(data, t.dialler_incarnation);
    put_u64(data, t.acceptor_incarnation);
    return hmac_sha256({reinterpret_cast<const std::uint8_t*>(cookie.data()), cookie.size()}, data);
}

bool check_transcript_proof(std::string_view cookie, handshake_role prover, const handshake_transcript& t,
                            std::span<const std::uint8_t> candidate) {
    const auto expected = transcript_proof(cookie, prover, t);
    return constant_time_equal(expected, candidate);
}

std::string_view node_name_problem(std::string_view name) noexcept {
    if (name.empty()) return "empty node name";
    if (name.size() > max_node_name_size) return "node name longer than 255 bytes";
    for (char c : name) {
        if (c < 0x21 || c > 0x7e) return "node name with a byte that is not printable ASCII";
    }
    return {};
}

std::uint8_t negotiate_version(std::span<const std::uint8_t> offered) noexcept {
    std::uint8_t best = 0;
    for (std::uint8_t v : offered) {
        if (v >= oldest_wire_version && v <= wire_version && v > best) best = v;
    }
    return best;
}

}  // namespace ractor::cluster
