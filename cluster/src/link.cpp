// The sending half of one session's connection and the replies awaited through it.
#include "node_core.hpp"

namespace ractor::cluster::detail {

frame_send_status link::take(std::optional<frame_bytes>& bytes, frame_type type, json& body, parked_replies& parked) {
    std::lock_guard g(mutex_);
    if (!open_) return frame_send_status::closed;
    if (!bytes) bytes = encode_frame({version_, type, next_seq_, std::move(body)}, max_frame_);
    if (!bytes) return frame_send_status::too_large;
    // Numbered when taken: another sender may have gone first while this one waited.
    for (std::size_t i = 0; i < 8; ++i)
        (*bytes)[2 + i] = static_cast<std::uint8_t>(next_seq_ >> (56 - 8 * i));
    const frame_send_status st = conn_->send(std::move(*bytes));
    if (st != frame_send_status::sent) return st;
    ++next_seq_;
    for (auto& [tag, reply] : parked) pending_.emplace(tag, std::move(reply));
    parked.clear();
    return st;
}

bool link::send(frame_type type, json body) {
    std::optional<frame_bytes> bytes;
    parked_replies none;
    return take(bytes, type, body, none) == frame_send_status::sent;
}

bool link::send_when_writable(frame_type type, json body, parked_replies& parked) {
    std::optional<frame_bytes> bytes;
    for (;;) {
        const frame_send_status st = take(bytes, type, body, parked);
        if (st != frame_send_status::busy) return st == frame_send_status::sent;
        // Outside the lock: others may still send (or close) while this sender waits.
        if (conn_->wait_writable(std::nullopt) != writable_status::ready) return false;
    }
}

bool link::add_pending(std::uint64_t tag, std::unique_ptr<pending_reply> reply) {
    {
        std::lock_guard g(mutex_);
        if (open_) {
            pending_.emplace(tag, std::move(reply));
            return true;
        }
    }
    reply->fail("the session is closed");
    return false;
}

std::unique_ptr<pending_reply> link::take_pending(std::uint64_t tag) {
    std::lock_guard g(mutex_);
    auto it = pending_.find(tag);
    if (it == pending_.end()) return nullptr;
    auto out = std::move(it->second);
    pending_.erase(it);
    return out;
}

void link::close(const std::string& reason) {
    std::map<std::uint64_t, std::unique_ptr<pending_reply>> failed;
    {
        std::lock_guard g(mutex_);
        if (!open_) return;
        open_ = false;
        failed.swap(pending_);
    }
    conn_->close();
    for (auto& [tag, reply] : failed) reply->fail("the session with the node closed: " + reason);
}

bool link::is_open() const {
    std::lock_guard g(mutex_);
    return open_;
}

void link::set_version(std::uint8_t v) {
    std::lock_guard g(mutex_);
    version_ = v;
}

}  // namespace ractor::cluster::detail
