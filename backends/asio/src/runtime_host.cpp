#include <ractor/asio_backend/runtime_host.hpp>

#include <utility>

#include "host.hpp"

namespace ractor::asio_backend {

runtime_host::runtime_host(host_options opts) : host_(std::make_unique<host>(opts)) {}

runtime_host::~runtime_host() = default;

ractor::runtime& runtime_host::add_node(std::string name, node_network_options net) {
    return host_->add_node(std::move(name), net);
}

void runtime_host::partition(std::uint64_t a, std::uint64_t b) {
    host_->partition(a, b);
}

void runtime_host::heal(std::uint64_t a, std::uint64_t b) {
    host_->heal(a, b);
}

void runtime_host::shutdown() {
    host_->shutdown();
}

unsigned runtime_host::threads() const {
    return host_->threads();
}

}  // namespace ractor::asio_backend
