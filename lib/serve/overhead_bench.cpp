#include "serve/overhead_bench.h"

#include <fmt/format.h>
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <latch>
#include <thread>

#include "serve/chat_service.h"
#include "serve/loopback_client.h"
#include "serve/model_engine.h"
#include "serve/overhead_stats.h"
#include "serve/server.h"
#include "stats/sample.h"

namespace deploybench::serve {
namespace {

/// Lends the benchmark's engine to the server, which otherwise owns what its loader returns.
/// The two never drive it at the same time: the benchmark alternates. Adds up the wall time of
/// the server's prefill and decode calls, so an HTTP run's overhead splits into the engine
/// itself running slower and the scheduler's work between its calls.
class BorrowedEngine final : public Engine {
 public:
  BorrowedEngine(Engine& e, std::atomic<std::int64_t>& busy_ns) : e_(e), busy_ns_(busy_ns) {}
  const EngineInfo& info() const override { return e_.info(); }
  std::vector<int> encode(std::string_view t, bool bos) const override { return e_.encode(t, bos); }
  std::string decode_piece(int prev, int token) const override { return e_.decode_piece(prev, token); }
  int eos() const override { return e_.eos(); }
  std::span<const float> prefill(int slot, std::span<const int> tokens, int start) override {
    return timed([&] { return e_.prefill(slot, tokens, start); });
  }
  std::span<const float> decode(std::span<const Step> steps) override {
    return timed([&] { return e_.decode(steps); });
  }
  std::unique_ptr<TokenSampler> make_sampler(const SamplingOptions& o) const override { return e_.make_sampler(o); }

 private:
  template <typename Call>
  std::span<const float> timed(Call&& call) {
    const TimePoint start = SteadyClock::now();
    const auto logits = call();
    busy_ns_.fetch_add((SteadyClock::now() - start).count(), std::memory_order_relaxed);
    return logits;
  }
  Engine& e_;
  std::atomic<std::int64_t>& busy_ns_;
};

double median(const std::vector<double>& v) { return v.empty() ? 0 : stats::median(v); }

/// The server's work without the server: per sequence one prefill, then tokens-1 batched
/// decode steps. Returns generated tokens per second. The next token is chosen as the server
/// chooses it for this request: greedy sampling for a real checkpoint; for synthetic weights
/// the server streams a scripted reply and samples nothing, so neither does this side (an
/// argmax over the vocabulary here would charge the in-process side work the server skips).
double inprocess_rate(Engine& engine, const std::vector<int>& prompt, int batch, int tokens) {
  const bool sample = !engine.info().synthetic;
  auto sampler = engine.make_sampler({});
  std::size_t fed = 0;  // synthetic: feed the prompt's tokens again (a step costs the same for any token)
  auto next = [&](std::span<const float> logits) {
    return sample ? sampler->sample(logits) : prompt[fed++ % prompt.size()];
  };
  const TimePoint start = SteadyClock::now();
  std::vector<Engine::Step> steps;
  for (int slot = 0; slot < batch; ++slot)
    steps.push_back({slot, next(engine.prefill(slot, prompt, 0)), static_cast<int>(prompt.size())});
  for (int t = 1; t < tokens; ++t) {
    const auto logits = engine.decode(steps);
    const std::size_t vocab = logits.size() / steps.size();
    for (std::size_t i = 0; i < steps.size(); ++i) {
      steps[i].token = next(logits.subspan(i * vocab, vocab));
      ++steps[i].pos;
    }
  }
  return batch * tokens / to_seconds(SteadyClock::now() - start);
}

struct InProcessRun {
  double tok_s = 0;
  ThreadStats thread;
};

/// inprocess_rate on a thread of its own, pinned to `cpu` (-1: wherever the kernel puts it).
InProcessRun inprocess_rate_on(int cpu, Engine& engine, const std::vector<int>& prompt, int batch, int tokens) {
  InProcessRun run;
  std::thread t([&] {
    if (cpu >= 0) {
      cpu_set_t one;
      CPU_ZERO(&one);
      CPU_SET(cpu, &one);
      ::pthread_setaffinity_np(::pthread_self(), sizeof one, &one);
    }
    const auto before = read_thread_stats();
    run.tok_s = inprocess_rate(engine, prompt, batch, tokens);
    const auto after = read_thread_stats();
    if (before && after) run.thread = *after - *before;
  });
  t.join();
  return run;
}

struct HttpRates {
  double wall_tok_s = 0;    // by the client's clock
  double server_tok_s = 0;  // by the server's Server-Timing figures (slowest sequence)
  double engine_tok_s = 0;  // over the wall time of the server's engine calls
  ThreadStats engine_thread;
};

/// Keeps the calling (client) thread off `cpu`, as a client on a machine or cores of its own
/// would be: woken by its socket while the other CPUs are busy, the kernel may otherwise run it
/// on the engine's CPU and preempt the decode step it is waiting for. No-op for cpu < 0 or
/// when `cpu` is the only CPU allowed.
void avoid_cpu(int cpu) {
  cpu_set_t set;
  if (cpu < 0 || ::sched_getaffinity(0, sizeof set, &set) != 0 || !CPU_ISSET(cpu, &set)) return;
  CPU_CLR(cpu, &set);
  if (CPU_COUNT(&set) > 0) ::pthread_setaffinity_np(::pthread_self(), sizeof set, &set);
}

/// `batch` concurrent streams through HTTP; returns generated tokens per second from the
/// first request sent to the last stream's data: [DONE]. Not timed, as they are not serving:
/// starting the client threads (up to ms in this VM) and opening their connections (a client
/// keeps a pooled keep-alive connection open; the server accepts it and parks a connection
/// thread on it) before, the connections' close after.
Result<HttpRates> http_rate(int port, const std::string& body, int batch, int tokens, std::optional<pid_t> engine_tid,
                            int engine_cpu, std::atomic<std::int64_t>& engine_busy_ns) {
  const auto n = static_cast<std::size_t>(batch);
  std::vector<Result<StreamStats>> results(n, Error{});
  std::latch ready(batch), go(1);
  std::vector<std::thread> clients;
  for (std::size_t i = 0; i < n; ++i)
    clients.emplace_back([&, i] {
      avoid_cpu(engine_cpu);
      auto connection = open_connection("127.0.0.1", port);
      ready.count_down();
      go.wait();
      results[i] = connection ? stream_chat(std::move(*connection), "127.0.0.1", body) : connection.error();
    });
  ready.wait();
  const auto before = engine_tid ? read_thread_stats(*engine_tid) : std::nullopt;
  engine_busy_ns.store(0);
  go.count_down();
  for (auto& c : clients) c.join();
  const auto after = engine_tid ? read_thread_stats(*engine_tid) : std::nullopt;
  TimePoint start = TimePoint::max(), end = TimePoint::min();
  double server_ms = 0;
  for (auto& r : results) {
    if (!r) return r.error();
    start = std::min(start, r->sent);
    end = std::max(end, r->done_at);
    if (r->content_chunks != tokens || r->completion_tokens != tokens)
      return make_error(ErrorCode::Failed, fmt::format("expected {} tokens, the stream had {} chunks and usage {}",
                                                       tokens, r->content_chunks, r->completion_tokens));
    server_ms = std::max(server_ms, r->server_ms);
  }
  const double seconds = to_seconds(end - start);
  const double engine_seconds = static_cast<double>(engine_busy_ns.load()) * 1e-9;
  HttpRates rates{batch * tokens / seconds, batch * tokens / (server_ms / 1000.0), batch * tokens / engine_seconds, {}};
  if (before && after) rates.engine_thread = *after - *before;
  return rates;
}

constexpr std::size_t kMinPairsForInterval = 10;

void summarize(OverheadResult& r) {
  std::vector<double> inprocess, http, server, engine_calls, overhead;
  for (const auto& p : r.pairs) {
    inprocess.push_back(p.inprocess_tok_s());
    http.push_back(p.http_tok_s);
    server.push_back(p.server_tok_s);
    engine_calls.push_back(p.engine_tok_s);
    overhead.push_back(p.overhead());
  }
  r.inprocess_tok_s = median(inprocess);
  r.http_tok_s = median(http);
  r.server_tok_s = median(server);
  r.engine_tok_s = median(engine_calls);
  r.overhead = median(overhead);
  r.overhead_q1 = stats::quantile(overhead, 0.25);
  r.overhead_q3 = stats::quantile(overhead, 0.75);
  // Blocks of 5 pairs: neighbours share an in-process run, and slow phases last seconds. Too
  // few pairs to resample blocks of: the interval is the whole range.
  const Interval ci = overhead.size() >= kMinPairsForInterval
                          ? median_interval(overhead, 0.95, 5, 2000, 0x0e7e4eadULL)
                          : Interval{stats::quantile(overhead, 0), stats::quantile(overhead, 1)};
  r.overhead_ci_low = ci.low;
  r.overhead_ci_high = ci.high;
  r.overhead_min = stats::quantile(overhead, 0);
  r.overhead_max = stats::quantile(overhead, 1);
}

/// The two sides of the comparison over one loaded engine and one server.
class Sides {
 public:
  Sides(const OverheadOptions& options, Engine& engine, Server& server, std::atomic<std::int64_t>& engine_busy_ns,
        std::vector<int> prompt)
      : options_(options),
        engine_(engine),
        server_(server),
        engine_busy_ns_(engine_busy_ns),
        prompt_(std::move(prompt)) {
    body_ =
        fmt::format(R"({{"messages":[{{"role":"user","content":"{}"}}],"stream":true,"max_tokens":{},"min_tokens":{},)"
                    R"("temperature":0,"stream_options":{{"include_usage":true}}}})",
                    options.question, options.tokens, options.tokens);
  }
  InProcessRun inprocess() {
    return inprocess_rate_on(options_.same_cpu ? server_.engine_cpu() : -1, engine_, prompt_,
                             options_.model.max_sequences, options_.tokens);
  }
  Result<HttpRates> http() {
    if (!engine_tid_) engine_tid_ = find_thread("refbot-sched");  // exists once the engine is loaded
    return http_rate(server_.port(), body_, options_.model.max_sequences, options_.tokens, engine_tid_,
                     server_.engine_cpu(), engine_busy_ns_);
  }

 private:
  const OverheadOptions& options_;
  Engine& engine_;
  Server& server_;
  std::atomic<std::int64_t>& engine_busy_ns_;
  std::vector<int> prompt_;
  std::string body_;
  std::optional<pid_t> engine_tid_;
};

/// Warm-up pairs, then HTTP runs each followed by an in-process run until the budget is spent.
Status measure_pairs(const OverheadOptions& options, Sides& sides, OverheadResult& result) {
  for (int i = 0; i < options.warmup; ++i) {  // first-touch pages, caches, the CPU placement
    (void)sides.inprocess();
    if (auto h = sides.http(); !h) return h.error();
  }
  result.warmup_pairs = std::max(options.warmup, 0);
  InProcessRun before = sides.inprocess();
  const TimePoint start = SteadyClock::now();
  auto done = [&] {
    const int n = static_cast<int>(result.pairs.size());
    if (options.repetitions > 0) return n >= options.repetitions;
    return n >= 3 && SteadyClock::now() - start >= options.duration;
  };
  while (!done()) {
    auto h = sides.http();
    if (!h) return h.error();
    const InProcessRun after = sides.inprocess();
    result.pairs.push_back(
        {before.tok_s, after.tok_s, h->wall_tok_s, h->server_tok_s, h->engine_tok_s, before.thread, h->engine_thread});
    before = after;
  }
  result.seconds = to_seconds(SteadyClock::now() - start);
  return Ok{};
}

}  // namespace

double OverheadPair::inprocess_tok_s() const {
  if (inprocess_before <= 0 || inprocess_after <= 0) return 0;
  return 2.0 / (1.0 / inprocess_before + 1.0 / inprocess_after);
}

double OverheadPair::overhead() const {
  const double base = inprocess_tok_s();
  return base > 0 ? 1.0 - http_tok_s / base : 0;
}

Result<OverheadResult> measure_serving_overhead(const OverheadOptions& options) {
  auto loaded = load_model_engine(options.model);
  if (!loaded) return loaded.error();
  Engine& engine = **loaded;
  OverheadResult result;
  result.description = engine.info().description;
  result.batch = options.model.max_sequences;
  result.tokens = options.tokens;
  const std::vector<openai::ChatMessage> messages = {{"user", options.question}};
  auto prompt = engine.encode(render_chat_prompt(messages), true);
  result.prompt_tokens = static_cast<int>(prompt.size());
  if (result.prompt_tokens + options.tokens > engine.info().context_length)
    return make_error(ErrorCode::InvalidArgument, fmt::format("{} tokens do not fit the context of {} after the prompt",
                                                              options.tokens, engine.info().context_length));
  ServerOptions server_options;
  server_options.http.port = 0;
  server_options.scheduler.max_batch = result.batch;
  server_options.scheduler.client_pollers = options.client_pollers;
  server_options.scheduler.client_spin_below = options.client_spin_below;
  std::atomic<std::int64_t> engine_busy_ns{0};
  Server server(server_options, [&engine, &engine_busy_ns]() -> Result<std::unique_ptr<Engine>> {
    return std::unique_ptr<Engine>(std::make_unique<BorrowedEngine>(engine, engine_busy_ns));
  });
  if (auto st = server.start(); !st) return st.error();
  std::thread run([&] { (void)server.run(); });
  server.wait_ready();
  Sides sides(options, engine, server, engine_busy_ns, std::move(prompt));
  const Status measured = measure_pairs(options, sides, result);
  server.stop();
  run.join();
  if (!measured) return measured.error();
  summarize(result);
  return result;
}

}  // namespace deploybench::serve
