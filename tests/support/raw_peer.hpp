#pragma once
// A peer driven by hand over the runtime transport, for tests that play a lying node: it
// can complete the dialler's handshake honestly, then send whatever frames it likes.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <catch2/catch.hpp>

#include <ractor/cluster/handshake_machine.hpp>
#include <ractor/cluster/wire.hpp>
#include <ractor/runtime/runtime.hpp>

namespace ractor::testing {

class raw_peer {
public:
    /// Connects to `address` (REQUIREs that it works).
    raw_peer(const runtime& rt, const std::string& address) : rt_(rt) {
        auto c = rt.net->connect(address, rt.clock.now() + std::chrono::seconds(5));
        REQUIRE(c.connection);
        conn_ = std::move(c.connection);
    }

    /// Connects and completes the dialler's handshake as `name` (REQUIREs that it works).
    raw_peer(const runtime& rt, const std::string& address, const std::string& name, const std::string& cookie)
        : raw_peer(rt, address) {
        REQUIRE(handshake(name, cookie) == cluster::handshake_machine::step::result::established);
    }

    /// Runs the dialler's side of the handshake; returns how it ended.
    cluster::handshake_machine::step::result handshake(const std::string& name, const std::string& cookie,
                                                       std::optional<std::uint64_t> incarnation = std::nullopt) {
        using result = cluster::handshake_machine::step::result;
        auto m = cluster::handshake_machine::dialler({name, cookie, rt_.node_id, incarnation.value_or(rt_.entropy.next_u64())},
                                                     cluster::make_challenge(rt_.entropy));
        send(m.hello());
        for (;;) {
            auto f = next();
            if (!f) return result::failed;
            auto s = m.on_frame(*f);
            if (s.what == result::decide) s = m.accept();
            if (s.out) send(*s.out);
            if (s.what == result::failed || s.what == result::established) {
                last_error_ = s.error;
                return s.what;
            }
        }
    }

    bool send(const cluster::frame& f) { return send(f.type, f.body); }
    bool send(cluster::frame_type type, nlohmann::json body) {
        auto bytes = cluster::encode_frame({cluster::wire_version, type, seq_++, std::move(body)}, 1 << 20);
        REQUIRE(bytes);
        return send_bytes(std::move(*bytes));
    }
    /// Sends bytes as one frame, whatever they hold.
    bool send_bytes(frame_bytes bytes) { return conn_->send(std::move(bytes)) == frame_send_status::sent; }

    /// The next frame, nullopt once the connection closed (or after 5 s).
    std::optional<cluster::frame> next() {
        const received_frame r = conn_->receive(rt_.clock.now() + std::chrono::seconds(5));
        if (r.what != received_frame::kind::frame) return std::nullopt;
        return cluster::decode_frame(r.bytes, 1 << 20).frame;
    }
    /// True once the other side closed the connection (skipping what it sends meanwhile).
    bool closed_by_peer() {
        for (;;) {
            const received_frame r = conn_->receive(rt_.clock.now() + std::chrono::seconds(5));
            if (r.what == received_frame::kind::closed) return true;
            if (r.what == received_frame::kind::timed_out) return false;
        }
    }
    const std::string& last_error() const noexcept { return last_error_; }

private:
    const runtime& rt_;
    std::unique_ptr<connection> conn_;
    std::uint64_t seq_ = 0;
    std::string last_error_;
};

}  // namespace ractor::testing
