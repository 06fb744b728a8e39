// Handshake cryptography on OpenSSL's one-shot HMAC and constant-time compare.
#include <ractor/cluster/handshake.hpp>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <ractor/cluster/wire.hpp>

namespace ractor::cluster {

std::array<std::uint8_t, 32> hmac_sha256(std::span<const std::uint8_t> key, std::span<const std::uint8_t> data) {
    std::array<std::uint8_t, 32> out{};
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

std::vector<std::uint8_t> make_challenge(entropy& source) {
    std::vector<std::uint8_t> out;
    out.reserve(challenge_size);
    while (out.size() < challenge_size) {
        std::uint64_t v = source.next_u64();
        for (int i = 0; i < 8 && out.size() < challenge_size; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    }
    return out;
}

std::array<std::uint8_t, 32> handshake_proof(std::string_view cookie, std::span<const std::uint8_t> challenge,
                                             std::string_view prover) {
    std::vector<std::uint8_t> data(challenge.begin(), challenge.end());
    data.insert(data.end(), prover.begin(), prover.end());
    return hmac_sha256({reinterpret_cast<const std::uint8_t*>(cookie.data()), cookie.size()}, data);
}

bool check_proof(std::string_view cookie, std::span<const std::uint8_t> challenge, std::string_view prover,
                 std::span<const std::uint8_t> proof) {
    const auto expected = handshake_proof(cookie, challenge, prover);
    return constant_time_equal(expected, proof);
}

std::uint8_t negotiate_version(std::span<const std::uint8_t> offered) noexcept {
    std::uint8_t best = 0;
    for (std::uint8_t v : offered) {
        if (v >= oldest_wire_version && v <= wire_version && v > best) best = v;
    }
    return best;
}

}  // namespace ractor::cluster
