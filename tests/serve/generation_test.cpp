// The hand-off between the scheduler thread and a connection thread (serve/generation.h).
#include "serve/generation.h"

#include <catch2/catch.hpp>
#include <thread>

using namespace deploybench;
using namespace deploybench::serve;

namespace {

/// Pushes `tokens` token events `gap` apart and then a finish event, on its own thread, while
/// this thread takes them; returns the texts in the order taken.
std::string stream(Generation& g, int tokens, Nanos gap) {
  std::thread producer([&] {
    for (int i = 0; i < tokens; ++i) {
      std::this_thread::sleep_for(gap);
      g.push(TokenEvent{std::string(1, static_cast<char>('a' + i % 26)), std::nullopt});
    }
    g.push(FinishEvent{});
  });
  std::string text;
  bool done = false;
  while (!done) {
    std::vector<GenerationEvent> events;
    REQUIRE(g.wait(events, std::chrono::seconds(10)));
    for (auto& e : events) {
      if (auto* t = std::get_if<TokenEvent>(&e)) text += t->text;
      done = done || std::holds_alternative<FinishEvent>(e);
    }
  }
  producer.join();
  return text;
}

}  // namespace

TEST_CASE("a client with a poll slot takes a steady stream without being woken for each token", "[serve][generation]") {
  auto slots = std::make_shared<PollSlots>(1);
  Generation polled(slots);
  CHECK(stream(polled, 60, std::chrono::milliseconds(2)) ==
        "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefgh");
  // Once the cadence is known the client sleeps until each token is due and polls for it;
  // it blocks only for the first tokens and for tokens far later than due (a loaded machine).
  CHECK(polled.blocked_waits() <= 30);
  CHECK(slots->try_acquire());  // the finished generation gave its slot back
  slots->release();

  Generation woken(std::make_shared<PollSlots>(0));
  CHECK(stream(woken, 60, std::chrono::milliseconds(2)).size() == 60);
  CHECK(woken.blocked_waits() >= 40);  // without a slot (nearly) every token is a wake-up
}

TEST_CASE("a poller polls through gaps shorter than spin_below and naps through longer ones", "[serve][generation]") {
  // Tokens 2 ms apart: with spin_below 1 s the client never sleeps before a token (even when a
  // loaded machine stretches a gap to tens of milliseconds).
  Generation spinning(std::make_shared<PollSlots>(1, std::chrono::seconds(1)));
  CHECK(stream(spinning, 40, std::chrono::milliseconds(2)).size() == 40);
  CHECK(spinning.naps() == 0);
  // With spin_below 0 (the default) it sleeps until shortly before each token once the
  // cadence is known (a token already there, or a late one, needs no nap).
  Generation napping(std::make_shared<PollSlots>(1));
  CHECK(stream(napping, 40, std::chrono::milliseconds(2)).size() == 40);
  CHECK(napping.naps() >= 10);
}

TEST_CASE("poll slots are shared: a second client blocks while the first one polls", "[serve][generation]") {
  auto slots = std::make_shared<PollSlots>(1);
  Generation first(slots);
  std::thread producer([&] {
    for (int i = 0; i < 10; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      first.push(TokenEvent{"x", std::nullopt});
    }
  });
  std::vector<GenerationEvent> events;
  while (events.size() < 10) REQUIRE(first.wait(events, std::chrono::seconds(10)));
  producer.join();
  CHECK_FALSE(slots->try_acquire());  // the unfinished stream still holds the only slot
}
