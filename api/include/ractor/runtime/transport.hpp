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

/// What `connection::send` did with a frame. Only `sent` takes the frame; with any other
/// status the caller still holds it.
enum class frame_send_status : std::uint8_t {
    sent,       ///< queued; it leaves in order unless the connection closes first
    busy,       ///< the send queue is full: wait with `wait_writable`, then send it again
    closed,     ///< the connection is closed (either side, a reset, or the runtime stopping)
    too_large,  ///< above the transport's maximum frame size; the connection stays open
};

/// What `connection::wait_writable` returned.
enum class writable_status : std::uint8_t {
    ready,      ///< the send queue has room: the next `send` takes its frame (barring rivals)
    timed_out,  ///< the deadline passed with the queue still full; the connection is open
    closed,     ///< the connection is closed
};

/// Connections a listener could not hand out: failed or timed-out TLS handshakes, sockets
/// that failed as they were accepted. A connection refused by fault injection is not one.
struct accept_failures {
    std::uint64_t count = 0;
    std::string last_reason;  ///< the latest failure, for logs (empty while `count` is 0)
};

/// One ordered, reliable-until-closed stream of whole frames between two nodes.
///
/// Frames arrive whole and in the order sent, or not at all once the connection closes.
/// Both directions are bounded: the send queue takes frames while it holds fewer bytes than
/// its limit, and a receiver that does not `receive` makes the peer's queue fill (the
/// transport stops reading), so a slow reader slows its sender down instead of growing memory.
/// `send`, `wait_writable` and `close` may be called from any thread; one fiber at a time
/// may `receive`.
class connection {
public:
    virtual ~connection() = default;

    /// Queues one frame for sending without blocking; moves from `frame` only when it returns
    /// `sent`.
    virtual frame_send_status send(frame_bytes&& frame) = 0;

    /// Parks the calling fiber until the send queue has room, a close, or `deadline`.
    /// Inside an actor a kill interrupts the wait (the usual kill unwinding).
    virtual writable_status wait_writable(std::optional<time_point> deadline) = 0;

    /// Parks the calling fiber until the next frame, a close, or `deadline`.
    /// Inside an actor a kill interrupts the wait (the usual kill unwinding).
    virtual received_frame receive(std::optional<time_point> deadline) = 0;

    /// Closes both directions and wakes a blocked `receive` and `wait_writable`. Idempotent.
    virtual void close() = 0;

    /// The names the transport verified for the peer: on TLS with peer verification, the
    /// subject common name and DNS subject alternative names of its certificate; empty when
    /// nothing was verified (plain TCP, the simulator).
    virtual std::vector<std::string> peer_identity() const = 0;
};

/// Accepts inbound connections on one bound address.
class listener {
public:
    virtual ~listener() = default;

    /// Parks the calling fiber until the next inbound connection; null once closed.
    virtual std::unique_ptr<connection> accept() = 0;

    /// Stops listening and wakes a blocked `accept`. Idempotent.
    virtual void close() = 0;

    /// How many inbound connections failed before `accept` could hand them out, and why the
    /// latest did. Any thread.
    virtual accept_failures failures() const = 0;

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
