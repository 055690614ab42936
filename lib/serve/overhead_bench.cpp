#include "serve/overhead_bench.h"

#include <fmt/format.h>

#include <algorithm>
#include <thread>

#include "serve/chat_service.h"
#include "serve/loopback_client.h"
#include "serve/model_engine.h"
#include "serve/server.h"

namespace deploybench::serve {
namespace {

/// Lends the benchmark's engine to the server, which otherwise owns what its loader returns.
/// The two never drive it at the same time: the benchmark alternates.
class BorrowedEngine final : public Engine {
 public:
  explicit BorrowedEngine(Engine& e) : e_(e) {}
  const EngineInfo& info() const override { return e_.info(); }
  std::vector<int> encode(std::string_view t, bool bos) const override { return e_.encode(t, bos); }
  std::string decode_piece(int prev, int token) const override { return e_.decode_piece(prev, token); }
  int eos() const override { return e_.eos(); }
  std::span<const float> prefill(int slot, std::span<const int> tokens, int start) override {
    return e_.prefill(slot, tokens, start);
  }
  std::span<const float> decode(std::span<const Step> steps) override { return e_.decode(steps); }
  std::unique_ptr<TokenSampler> make_sampler(const SamplingOptions& o) const override { return e_.make_sampler(o); }

 private:
  Engine& e_;
};

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

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

struct HttpRates {
  double wall_tok_s = 0;    // by the client's clock
  double server_tok_s = 0;  // by the server's Server-Timing figures (slowest sequence)
};

/// `batch` concurrent streams through HTTP; returns generated tokens per second.
Result<HttpRates> http_rate(int port, const std::string& body, int batch, int tokens) {
  std::vector<Result<StreamStats>> results(static_cast<std::size_t>(batch), Error{});
  const TimePoint start = SteadyClock::now();
  std::vector<std::thread> clients;
  for (int i = 0; i < batch; ++i)
    clients.emplace_back([&, i] { results[static_cast<std::size_t>(i)] = stream_chat("127.0.0.1", port, body); });
  for (auto& c : clients) c.join();
  const double seconds = to_seconds(SteadyClock::now() - start);
  double server_ms = 0;
  for (auto& r : results) {
    if (!r) return r.error();
    if (r->content_chunks != tokens || r->completion_tokens != tokens)
      return make_error(ErrorCode::Failed, fmt::format("expected {} tokens, the stream had {} chunks and usage {}",
                                                       tokens, r->content_chunks, r->completion_tokens));
    server_ms = std::max(server_ms, r->server_ms);
  }
  return HttpRates{batch * tokens / seconds, batch * tokens / (server_ms / 1000.0)};
}

void summarize(OverheadResult& r) {
  std::vector<double> inprocess, http, server, overhead;
  for (const auto& p : r.pairs) {
    inprocess.push_back(p.inprocess_tok_s);
    http.push_back(p.http_tok_s);
    server.push_back(p.server_tok_s);
    overhead.push_back(p.overhead());
  }
  r.inprocess_tok_s = median(inprocess);
  r.http_tok_s = median(http);
  r.server_tok_s = median(server);
  r.overhead = median(overhead);
  const auto [lo, hi] = std::minmax_element(overhead.begin(), overhead.end());
  r.overhead_min = lo == overhead.end() ? 0 : *lo;
  r.overhead_max = hi == overhead.end() ? 0 : *hi;
}

}  // namespace

Result<OverheadResult> measure_serving_overhead(const OverheadOptions& options) {
  auto loaded = load_model_engine(options.model);
  if (!loaded) return loaded.error();
  Engine& engine = **loaded;
  OverheadResult result;
  result.description = engine.info().description;
  result.batch = options.model.max_sequences;
  result.tokens = options.tokens;
  const std::vector<openai::ChatMessage> messages = {{"user", options.question}};
  const auto prompt = engine.encode(render_chat_prompt(messages), true);
  result.prompt_tokens = static_cast<int>(prompt.size());
  if (result.prompt_tokens + options.tokens > engine.info().context_length)
    return make_error(ErrorCode::InvalidArgument, fmt::format("{} tokens do not fit the context of {} after the prompt",
                                                              options.tokens, engine.info().context_length));
  ServerOptions server_options;
  server_options.http.port = 0;
  server_options.scheduler.max_batch = result.batch;
  Server server(server_options, [&engine]() -> Result<std::unique_ptr<Engine>> {
    return std::unique_ptr<Engine>(std::make_unique<BorrowedEngine>(engine));
  });
  if (auto st = server.start(); !st) return st.error();
  std::thread run([&] { (void)server.run(); });
  server.wait_ready();
  const std::string body =
      fmt::format(R"({{"messages":[{{"role":"user","content":"{}"}}],"stream":true,"max_tokens":{},"min_tokens":{},)"
                  R"("temperature":0,"stream_options":{{"include_usage":true}}}})",
                  options.question, options.tokens, options.tokens);
  Status failure = Ok{};
  (void)http_rate(server.port(), body, 1, options.tokens);  // warm up: first-touch pages, caches
  for (int rep = 0; rep < options.repetitions && failure.ok(); ++rep) {
    OverheadPair pair;
    auto run_http = [&] {
      auto rate = http_rate(server.port(), body, result.batch, options.tokens);
      if (!rate) return void(failure = rate.error());
      pair.http_tok_s = rate->wall_tok_s;
      pair.server_tok_s = rate->server_tok_s;
    };
    // Alternate which side goes first, so a machine speeding up or slowing down within a
    // pair favours neither side.
    if (rep % 2 == 1) run_http();
    pair.inprocess_tok_s = inprocess_rate(engine, prompt, result.batch, options.tokens);
    if (rep % 2 == 0) run_http();
    result.pairs.push_back(pair);
  }
  server.stop();
  run.join();
  if (!failure) return failure.error();
  summarize(result);
  return result;
}

}  // namespace deploybench::serve
