#pragma once
/// \file
/// The asio runtime host: worker threads that run the actors of one or more nodes.

#include <cstdint>
#include <memory>
#include <string>

#include <ractor/asio_backend/host_options.hpp>
#include <ractor/asio_backend/node_network_options.hpp>
#include <ractor/runtime/runtime.hpp>

namespace ractor::asio_backend {

class host;

/// Owns the worker threads of the asio backend and hands out one `ractor::runtime` per node.
///
/// Each worker thread runs its own Boost.Fiber scheduler and Asio io_context. Runnables run
/// on worker fibers, many of them one after another on the same fiber; a runnable that parks
/// keeps its fiber and the thread carries on with another one. Every node added here shares
/// the same threads, executor, clock and entropy; each has its own id and trace sink.
class runtime_host {
public:
    /// Starts the worker threads.
    explicit runtime_host(host_options opts = {});
    /// Shuts down (if not done yet) and frees everything the host handed out.
    ~runtime_host();

    runtime_host(const runtime_host&) = delete;
    runtime_host& operator=(const runtime_host&) = delete;

    /// A runtime view for a new node (ids 1, 2, ...); valid while the host lives.
    ///
    /// Its `net` is the node's TCP transport, with TLS when `net.tls` is set. Throws
    /// `std::invalid_argument` if a TLS file cannot be read or the key does not match.
    /// Connections and listeners of the node must be destroyed before the host.
    ractor::runtime& add_node(std::string name, node_network_options net = {});

    /// Cuts the network between nodes `a` and `b` of this host, both ways, until a heal; 0
    /// stands for every node added so far. For tests and fault drills.
    ///
    /// As a cut cable, like the simulator's `world::partition`: frames either node sends on a
    /// connection between them are dropped silently as they are sent (`send` still returns
    /// true) and the connection stays open, so only the peers' own timeouts (heartbeats) tell
    /// them; frames sent before the cut still arrive. A connection closed meanwhile keeps its
    /// socket open until the heal, so the peer does not hear of it before. A connect between
    /// them gets no answer: it fails with `connection timed out` at its deadline or after 5 s,
    /// whichever comes first, and the listener does not hand out its end.
    /// Connections to or from anything but nodes of this host are never affected. Which node
    /// is at the other end of a connection is told by its endpoints (see docs/transport.md).
    /// Throws `std::invalid_argument` for an id no node has.
    void partition(std::uint64_t a, std::uint64_t b);

    /// Removes the partitions between `a` and `b` (0: any node): frames sent from now on pass
    /// again, on the same connections; dropped ones stay lost. Throws `std::invalid_argument`
    /// for an id no node has.
    void heal(std::uint64_t a = 0, std::uint64_t b = 0);

    /// Stops the worker threads and joins them; idempotent and never hangs on parked work.
    ///
    /// Queued runnables are discarded (`runnable::discard`), parked fibers and parked threads
    /// wake with `wake_reason::interrupted`, and anything scheduled afterwards is discarded
    /// at once. Called from
    /// one of the host's own worker threads it only requests the stop and joins the others.
    void shutdown();

    /// The number of worker threads.
    unsigned threads() const;

private:
    std::unique_ptr<host> host_;
};

}  // namespace ractor::asio_backend
