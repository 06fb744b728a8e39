#pragma once
// The wire format of frames: a 4-byte big-endian length, then that many bytes.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include <ractor/runtime/transport.hpp>

namespace ractor::asio_backend {

/// Bytes of the length prefix in front of every frame.
inline constexpr std::size_t frame_header_size = 4;

/// Writes `length` as a big-endian length prefix at `out`.
inline void put_frame_length(std::uint8_t* out, std::uint32_t length) noexcept {
    out[0] = static_cast<std::uint8_t>(length >> 24);
    out[1] = static_cast<std::uint8_t>(length >> 16);
    out[2] = static_cast<std::uint8_t>(length >> 8);
    out[3] = static_cast<std::uint8_t>(length);
}

/// Cuts a byte stream into frames, refusing frames announced larger than a limit.
///
/// Bytes arrive in arbitrary pieces; a frame is handed out once all of it arrived. After an
/// error the decoder is spent: the connection it reads is to be closed.
class frame_decoder {
public:
    explicit frame_decoder(std::size_t max_frame_size) noexcept : max_(max_frame_size) {}

    /// Consumes `n` bytes at `p`, calling `on_frame(frame_bytes&&)` for every completed frame.
    /// Returns why the stream is invalid, or an empty string.
    template <class OnFrame>
    std::string feed(const std::uint8_t* p, std::size_t n, OnFrame&& on_frame);

    /// Whether a frame (or its length prefix) has begun but not ended.
    bool mid_frame() const noexcept { return header_fill_ > 0 || in_body_; }

private:
    std::string oversized(std::uint64_t length) const;

    std::size_t max_;
    std::uint8_t header_[frame_header_size] = {};
    std::size_t header_fill_ = 0;
    bool in_body_ = false;
    std::size_t body_size_ = 0;
    frame_bytes body_;
};

template <class OnFrame>
std::string frame_decoder::feed(const std::uint8_t* p, std::size_t n, OnFrame&& on_frame) {
    while (n > 0) {
        if (!in_body_) {
            const std::size_t take = std::min(n, frame_header_size - header_fill_);
            std::copy(p, p + take, header_ + header_fill_);
            header_fill_ += take;
            p += take;
            n -= take;
            if (header_fill_ < frame_header_size) break;
            header_fill_ = 0;
            const std::uint64_t length = (std::uint64_t{header_[0]} << 24) |
                                         (std::uint64_t{header_[1]} << 16) |
                                         (std::uint64_t{header_[2]} << 8) | header_[3];
            if (length > max_) return oversized(length);
            body_size_ = static_cast<std::size_t>(length);
            body_.clear();
            body_.reserve(body_size_);
            in_body_ = true;
        }
        const std::size_t take = std::min(n, body_size_ - body_.size());
        body_.insert(body_.end(), p, p + take);
        p += take;
        n -= take;
        if (body_.size() == body_size_) {
            in_body_ = false;
            on_frame(std::move(body_));
            body_ = frame_bytes{};
        }
    }
    return {};
}

}  // namespace ractor::asio_backend
