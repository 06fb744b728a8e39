#pragma once
/// \file
/// The transport role: listen and connect, giving ordered, framed byte connections.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <ractor/runtime/time.hpp>

namespace ractor {

/// The bytes of one frame. The transport delimits frames; what is inside is the caller's.
using frame_bytes = std::vector<std::uint8_t>;

/// What `connection::receive` returned.
struct received_frame {
    enum class kind : std::uint8_t {
        frame,      ///< `bytes` holds the next frame
        closed,     ///< the connection is closed (either side, a reset, or an invalid frame)
        timed_out,  ///< the deadline passed first; the connection is still open
    };
    kind what = kind::closed;
    frame_bytes bytes;
    std::string reason;  ///< why it closed, for logs and tests (empty otherwise)
};

/// One ordered, reliable-until-closed stream of whole frames between two nodes.
///
/// Frames arrive whole and in the order sent, or not at all once the connection closes.
/// `send` and `close` may be called from any thread; one fiber at a time may `receive`.
class connection {
public:
    virtual ~connection() = default;

    /// Queues one frame for sending without blocking; false if the connection is closed
    /// or the frame exceeds the transport's maximum frame size.
    virtual bool send(frame_bytes frame) = 0;

    /// Parks the calling fiber until the next frame, a close, or `deadline`.
    /// Inside an actor a kill interrupts the wait (the usual kill unwinding).
    virtual received_frame receive(std::optional<time_point> deadline) = 0;

    /// Closes both directions and wakes a blocked `receive`. Idempotent.
    virtual void close() = 0;
};

/// Accepts inbound connections on one bound address.
class listener {
public:
    virtual ~listener() = default;

    /// Parks the calling fiber until the next inbound connection; null once closed.
    virtual std::unique_ptr<connection> accept() = 0;

    /// Stops listening and wakes a blocked `accept`. Idempotent.
    virtual void close() = 0;

    /// The bound address, in the form `connect` accepts (on TCP with the real port when
    /// the listen address asked for port 0).
    virtual std::string address() const = 0;
};

/// What `transport::listen` returned: a listener, or why there is none.
struct listen_result {
    std::unique_ptr<ractor::listener> listener;
    std::string error;  ///< set when `listener` is null
};

/// What `transport::connect` returned: a connection, or why there is none.
struct connect_result {
    std::unique_ptr<ractor::connection> connection;
    std::string error;  ///< set when `connection` is null
};

/// The network of one node: TCP (optionally TLS) on asio, a simulated network in the simulator.
///
/// Addresses are strings the backend understands: `host:port` on asio (port 0 picks a free
/// port), any unique name in the simulator. Both ends close a connection on which a frame
/// larger than the backend's maximum frame size is announced.
class transport {
public:
    virtual ~transport() = default;

    /// Binds `address` and starts accepting connections.
    virtual listen_result listen(const std::string& address) = 0;

    /// Opens a connection to a listener, parking the calling fiber until it is established,
    /// refused, or `deadline` passes.
    virtual connect_result connect(const std::string& address, std::optional<time_point> deadline) = 0;
};

}  // namespace ractor
