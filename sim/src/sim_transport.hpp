#pragma once
// The transport role of a simulated node and the handles it hands out: connections and
// listeners on the world's simulated network.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <ractor/runtime/transport.hpp>

#include "sim_network.hpp"

namespace ractor::sim::internal {

/// The transport role of one node: listen and connect on the world's network.
class sim_transport final : public ractor::transport {
public:
    sim_transport(sim_network& net, std::uint64_t node) noexcept : net_(net), node_(node) {}

    listen_result listen(const std::string& address) override;
    connect_result connect(const std::string& address, std::optional<time_point> deadline) override;

private:
    sim_network& net_;
    std::uint64_t node_;
};

/// The handle of one end of a simulated connection; closes its end when destroyed.
class sim_connection final : public ractor::connection {
public:
    sim_connection(std::shared_ptr<conn_state> state, int end) noexcept
        : state_(std::move(state)), end_(end) {}
    ~sim_connection() override;

    sim_connection(const sim_connection&) = delete;
    sim_connection& operator=(const sim_connection&) = delete;

    frame_send_status send(frame_bytes&& frame) override;
    writable_status wait_writable(std::optional<time_point> deadline) override;
    received_frame receive(std::optional<time_point> deadline) override;
    void close() override;
    /// Always empty: simulated connections carry no certificates.
    std::vector<std::string> peer_identity() const override { return {}; }

private:
    std::shared_ptr<conn_state> state_;
    int end_;
};

/// The handle of a bound address; stops listening when destroyed.
class sim_listener final : public ractor::listener {
public:
    explicit sim_listener(std::shared_ptr<listener_state> state) noexcept : state_(std::move(state)) {}
    ~sim_listener() override;

    sim_listener(const sim_listener&) = delete;
    sim_listener& operator=(const sim_listener&) = delete;

    std::unique_ptr<connection> accept() override;
    void close() override;
    std::string address() const override;
    /// Always none: every connect that reaches a simulated listener is handed out.
    accept_failures failures() const override { return {}; }

private:
    std::shared_ptr<listener_state> state_;
};

}  // namespace ractor::sim::internal
