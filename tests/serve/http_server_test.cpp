// serve::HttpServer on its own: connection threads.
#include "serve/http_server.h"

#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <thread>

#include "serve/http_client.h"

using namespace deploybench::serve;
using namespace deploybench::serve::testing;

namespace {

HttpResponse text(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

}  // namespace

TEST_CASE("connection threads are reused by later connections", "[serve][http]") {
  HttpServer server(
      {}, [](const HttpRequest& r) { return text(200, r.path); }, text);
  REQUIRE(server.listen().ok());
  std::thread run([&] { server.run(); });
  for (int i = 0; i < 20; ++i) {  // one connection per request: curl closes it with the easy handle
    const auto r = get(fmt::format("http://127.0.0.1:{}/n{}", server.port(), i));
    REQUIRE(r.status == 200);
    CHECK(r.body == fmt::format("/n{}", i));
  }
  server.stop();
  run.join();
  // A thread per connection would be 20; a new one starts only when a request arrives before
  // the previous connection's thread is back waiting.
  CHECK(server.threads_started() < 10);
}
