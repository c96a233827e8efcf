// The Asio adapter's reactor on its own, with pipes and a socket pair: a ready socket, read and
// write at once, a time limit, a time limit that the socket beats, and a socket Asio refuses.
#include <nextorm/asio.hpp>
#include <nextorm/errors.hpp>

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>
#include <vector>

using namespace std::chrono_literals;
using nextorm::detail::io_bits;
using nextorm::detail::io_read;
using nextorm::detail::io_timeout;
using nextorm::detail::io_write;

namespace {

using reactor = nextorm::detail::asio_reactor<asio::io_context::executor_type>;

struct socket_pair {
  socket_pair() { REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) == 0); }
  ~socket_pair() {
    ::close(ends[0]);
    ::close(ends[1]);
  }
  socket_pair(const socket_pair&) = delete;
  socket_pair& operator=(const socket_pair&) = delete;
  int ends[2] = {-1, -1};
};

}  // namespace

TEST_CASE("the Asio reactor reports a readable socket", "[asio]") {
  asio::io_context io;
  reactor r{io.get_executor()};
  socket_pair s;
  std::vector<io_bits> got;
  r.watch(s.ends[0], io_read, 5s, [&](io_bits what) { got.push_back(what); });
  REQUIRE(::write(s.ends[1], "x", 1) == 1);
  io.run();  // the time limit is cancelled: nothing is left to run
  CHECK(got == std::vector<io_bits>{io_read});
}

TEST_CASE("the Asio reactor reports the first of read and write, once", "[asio]") {
  asio::io_context io;
  reactor r{io.get_executor()};
  socket_pair s;
  REQUIRE(::write(s.ends[1], "x", 1) == 1);  // readable and writable at once
  std::vector<io_bits> got;
  r.watch(s.ends[0], io_read | io_write, {}, [&](io_bits what) { got.push_back(what); });
  io.run();
  REQUIRE(got.size() == 1);
  CHECK((got[0] == io_read || got[0] == io_write));
  // The socket stays open: the connection owns it, not the watch.
  CHECK(::fcntl(s.ends[0], F_GETFD) != -1);
}

TEST_CASE("the Asio reactor reports a time limit that passes first", "[asio]") {
  asio::io_context io;
  reactor r{io.get_executor()};
  socket_pair s;
  std::vector<io_bits> got;
  r.watch(s.ends[0], io_read, 10ms, [&](io_bits what) { got.push_back(what); });
  io.run();
  CHECK(got == std::vector<io_bits>{io_timeout});
}

TEST_CASE("the Asio reactor posts work from another thread onto its executor", "[asio]") {
  asio::io_context io;
  reactor r{io.get_executor()};
  bool ran = false;
  std::thread other{[&] { r.post([&] { ran = true; }); }};
  other.join();
  io.run();
  CHECK(ran);
}

TEST_CASE("a socket the Asio reactor cannot watch is async.loop_failed", "[asio]") {
  asio::io_context io;
  reactor r{io.get_executor()};
  try {
    r.watch(-1, io_read, {}, [](io_bits) {});
    FAIL("no error");
  } catch (const nextorm::connection_error& e) {
    CHECK(e.id() == "async.loop_failed");
  }
}
