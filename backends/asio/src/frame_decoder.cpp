#include "frame_decoder.hpp"

namespace ractor::asio_backend {

std::string frame_decoder::oversized(std::uint64_t length) const {
    return "invalid frame: " + std::to_string(length) + " bytes announced, above the maximum frame size of " +
           std::to_string(max_) + " bytes";
}

}  // namespace ractor::asio_backend
