// Writes the wire fuzzer's seed corpus: one frame of each type, and the frame sequences of a
// real handshake with the fuzzer's fixed identities, so fuzzing starts past authentication.
// Run by tests/fuzz/run.sh when the corpus directory is empty; the seeds are committed.
#include <fstream>
#include <iostream>
#include <string>

#include <ractor/cluster/handshake_machine.hpp>
#include <ractor/cluster/wire.hpp>

using namespace ractor::cluster;
using ractor::frame_bytes;
using json = nlohmann::json;

namespace {

frame_bytes bytes_of(const frame& f, std::uint64_t seq) {
    frame g = f;
    g.seq = seq;
    return *encode_frame(g, 1 << 20);
}

void write(const std::string& dir, const std::string& name, const frame_bytes& b) {
    std::ofstream(dir + "/" + name, std::ios::binary).write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

/// Frames as the fuzzer's sequence mode reads them: 2-byte length, then the frame.
void append(frame_bytes& seq, const frame_bytes& f) {
    seq.push_back(static_cast<std::uint8_t>(f.size() >> 8));
    seq.push_back(static_cast<std::uint8_t>(f.size()));
    seq.insert(seq.end(), f.begin(), f.end());
}

challenge_bytes filled(std::uint8_t v) {
    challenge_bytes c{};
    c.fill(v);
    return c;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: make_seeds DIR\n";
        return 2;
    }
    const std::string dir = argv[1];
    // The identities of wire_fuzz.cpp's machines.
    auto d = handshake_machine::dialler({"dialler", "cookie", 3, 4}, filled(0x5a));
    auto a = handshake_machine::acceptor({"acceptor", "cookie", 1, 2}, filled(0xa5));
    const frame hello = d.hello();
    const auto ch = a.on_frame(hello);
    const auto reply = d.on_frame(*ch.out);
    a.on_frame(*reply.out);
    const auto ack = a.accept();
    d.on_frame(*ack.out);
    const auto confirm = d.accept();

    write(dir, "hello", bytes_of(hello, 0));
    write(dir, "challenge", bytes_of(*ch.out, 0));
    write(dir, "challenge_reply", bytes_of(*reply.out, 1));
    write(dir, "ack", bytes_of(*ack.out, 1));
    write(dir, "confirm", bytes_of(*confirm.out, 2));
    write(dir, "refusal", bytes_of({wire_version, frame_type::refusal, 0, json{{"reason", "no"}, {"retry", false}, {"duplicate", true}}}, 0));
    write(dir, "message", bytes_of({wire_version, frame_type::message, 0,
                                    json{{"to", 7}, {"type", "echo"}, {"msg", json{{"shout", json{{"text", "hi"}, {"reply", json{{"$reply", 3}}}}}}}, {"replies", json::array({3})}}}, 3));
    write(dir, "pg_snapshot", bytes_of({wire_version, frame_type::pg_snapshot, 0,
                                        json{{"groups", json::array({json::array({"default", "g", json::array({json::array({1, "echo"})})})})}}}, 3));
    frame_bytes as_acceptor;
    append(as_acceptor, bytes_of(hello, 0));
    append(as_acceptor, bytes_of(*reply.out, 1));
    append(as_acceptor, bytes_of(*confirm.out, 2));
    write(dir, "sequence_acceptor", as_acceptor);
    frame_bytes as_dialler;
    append(as_dialler, bytes_of(*ch.out, 0));
    append(as_dialler, bytes_of(*ack.out, 1));
    write(dir, "sequence_dialler", as_dialler);
    return 0;
}
