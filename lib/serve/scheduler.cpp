#include "serve/scheduler.h"

#include <fmt/format.h>
#include <pthread.h>
#include <sched.h>

#include <algorithm>
#include <limits>

#include "core/check.h"
#include "serve/stop_scan.h"

namespace deploybench::serve {

using openai::FinishReason;

struct Scheduler::Waiting {
  GenerationRequest request;
  std::shared_ptr<Generation> generation;
  TimePoint enqueued;
};

struct Scheduler::Sequence {
  GenerationRequest request;
  std::shared_ptr<Generation> generation;
  std::unique_ptr<TokenSampler> sampler;
  int slot = -1;
  int prefilled = 0;   // prompt tokens in the KV cache
  int generated = 0;   // tokens emitted so far
  int last_token = 0;  // the token to feed at the next decode step
  std::size_t script_pos = 0;
  std::string held;  // generated text not streamed yet: it may be the start of a stop sequence
  TimePoint enqueued, admitted, first_token, last_emit;
};

namespace {

double ms_between(TimePoint a, TimePoint b) { return to_millis(b - a); }

/// CPUs this process may run on (a container's cpuset, taskset), not the machine's count.
int usable_cores() {
  cpu_set_t set;
  if (::sched_getaffinity(0, sizeof set, &set) == 0) return CPU_COUNT(&set);
  return static_cast<int>(std::thread::hardware_concurrency());
}

openai::ApiError shutting_down() { return {503, "server is shutting down", "server_error", "shutting_down", ""}; }

}  // namespace

Scheduler::Scheduler(Engine& engine, SchedulerOptions options, ServeMetrics& metrics)
    : engine_(engine), options_(options), metrics_(metrics) {
  options_.max_batch = std::clamp(options_.max_batch, 1, engine_.info().max_sequences);
  slot_busy_.assign(static_cast<std::size_t>(options_.max_batch), false);
  metrics_.set_max_batch(options_.max_batch);
  const int cores = usable_cores();
  const int pollers = options_.client_pollers >= 0 ? options_.client_pollers : cores - engine_.info().threads;
  poll_slots_ = std::make_shared<PollSlots>(std::max(0, pollers), options_.client_spin_below);
}

Scheduler::~Scheduler() { stop(); }

void Scheduler::start() {
  thread_ = std::thread([this] {
    ::pthread_setname_np(::pthread_self(), "refbot-sched");  // for top -H, perf and gdb
    loop();
  });
}

void Scheduler::stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  for (auto& w : waiting_) w.generation->push(FailEvent{shutting_down()});
  waiting_.clear();
}

int Scheduler::queue_depth() const {
  std::lock_guard lock(mu_);
  return static_cast<int>(waiting_.size());
}

Result<std::shared_ptr<Generation>> Scheduler::submit(GenerationRequest request) {
  auto generation = std::make_shared<Generation>(poll_slots_);
  {
    std::lock_guard lock(mu_);
    if (stopping_) return make_error(ErrorCode::Failed, "server is shutting down");
    // Requests beyond free batch slots wait; beyond max_queue of those, refuse.
    if (static_cast<int>(waiting_.size()) + active_ >= options_.max_queue + options_.max_batch)
      return make_error(ErrorCode::Unavailable, fmt::format("{} requests are already waiting (--max-queue {})",
                                                            waiting_.size(), options_.max_queue));
    waiting_.push_back({std::move(request), generation, SteadyClock::now()});
    metrics_.set_queue_depth(static_cast<int>(waiting_.size()));
  }
  cv_.notify_one();
  return generation;
}

void Scheduler::loop() {
  for (;;) {
    std::optional<Waiting> next;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !waiting_.empty() || !running_.empty() || prefilling_; });
      if (stopping_) break;
      poll_slots_->set_engine_cpu(::sched_getcpu());
      std::erase_if(waiting_, [](const Waiting& w) { return w.generation->cancelled(); });
      if (!prefilling_ && !waiting_.empty() && active_ < options_.max_batch) {
        next = std::move(waiting_.front());
        waiting_.pop_front();
        ++active_;
      }
      metrics_.set_queue_depth(static_cast<int>(waiting_.size()));
    }
    if (next) admit(std::move(*next));
    reap_cancelled(SteadyClock::now());
    if (prefilling_) prefill_step();
    if (!running_.empty()) decode_step();
    metrics_.set_batch_size(static_cast<int>(running_.size()));
  }
  if (prefilling_) running_.push_back(std::move(prefilling_));
  for (auto& seq : running_) {
    seq->generation->push(FailEvent{shutting_down()});
    release(*seq);
  }
  running_.clear();
  metrics_.set_batch_size(0);
}

void Scheduler::admit(Waiting waiting) {
  auto seq = std::make_unique<Sequence>();
  seq->request = std::move(waiting.request);
  seq->generation = std::move(waiting.generation);
  seq->enqueued = waiting.enqueued;
  seq->admitted = SteadyClock::now();
  seq->slot = static_cast<int>(std::find(slot_busy_.begin(), slot_busy_.end(), false) - slot_busy_.begin());
  DEPLOYBENCH_CHECK(seq->slot < options_.max_batch) << "no free slot";
  slot_busy_[static_cast<std::size_t>(seq->slot)] = true;
  seq->sampler = engine_.make_sampler(seq->request.sampling);
  seq->last_token = seq->request.prompt.empty() ? 0 : seq->request.prompt.back();
  metrics_.count_prompt_tokens(static_cast<int>(seq->request.prompt.size()));
  prefilling_ = std::move(seq);
}

void Scheduler::prefill_step() {
  Sequence& seq = *prefilling_;
  const std::span<const int> prompt(seq.request.prompt);
  const int remaining = static_cast<int>(prompt.size()) - seq.prefilled;
  // Chunk only while there are streams to keep going; alone, one call gives the fastest TTFT.
  const bool chunk = engine_.info().chunked_prefill && !running_.empty();
  const int n = chunk ? std::min(remaining, std::max(1, options_.prefill_chunk)) : remaining;
  const auto logits =
      engine_.prefill(seq.slot, prompt.subspan(static_cast<std::size_t>(seq.prefilled), n), seq.prefilled);
  seq.prefilled += n;
  if (seq.prefilled < static_cast<int>(prompt.size())) return;
  auto done = std::move(prefilling_);
  const int token = choose(*done, logits);
  done->first_token = SteadyClock::now();
  metrics_.observe_ttft(done->first_token - done->enqueued);
  done->last_emit = done->first_token;
  if (emit(*done, token, done->first_token))
    release(*done);
  else
    running_.push_back(std::move(done));
}

void Scheduler::decode_step() {
  steps_.clear();
  for (const auto& seq : running_) {
    const int pos = static_cast<int>(seq->request.prompt.size()) + seq->generated - 1;
    steps_.push_back({seq->slot, seq->last_token, pos});
  }
  const auto logits = engine_.decode(steps_);
  const std::size_t vocab = logits.size() / steps_.size();
  const TimePoint now = SteadyClock::now();
  still_.clear();
  for (std::size_t i = 0; i < running_.size(); ++i) {
    Sequence& seq = *running_[i];
    const int token = choose(seq, logits.subspan(i * vocab, vocab));
    if (emit(seq, token, now))
      release(seq);
    else
      still_.push_back(std::move(running_[i]));
  }
  running_.swap(still_);
}

int Scheduler::choose(Sequence& seq, std::span<const float> logits) {
  const auto& req = seq.request;
  if (!req.script.empty() || !req.script_loop.empty()) {
    const std::size_t n = req.script.size();
    const std::size_t i = seq.script_pos++;
    if (i < n) return req.script[i];
    if (req.script_loop.empty() || seq.generated >= req.min_tokens) return engine_.eos();
    return req.script_loop[(i - n) % req.script_loop.size()];
  }
  if (seq.generated < req.min_tokens) {  // suppress end-of-sequence until min_tokens
    scratch_.assign(logits.begin(), logits.end());
    scratch_[static_cast<std::size_t>(engine_.eos())] = -std::numeric_limits<float>::infinity();
    return seq.sampler->sample(scratch_);
  }
  return seq.sampler->sample(logits);
}

bool Scheduler::emit(Sequence& seq, int token, TimePoint now) {
  const auto& req = seq.request;
  if (token == engine_.eos()) {
    // Text held back for a stop sequence that never came is the reply's end.
    if (!seq.held.empty()) deliver(seq, std::exchange(seq.held, {}), now);
    return finish(seq, FinishReason::Stop, now), true;
  }
  std::string text = engine_.decode_piece(seq.last_token, token);
  seq.last_token = token;
  bool stopped = false;
  if (!req.stop.empty()) {
    seq.held += text;
    const StopScan scan = scan_stops(seq.held, req.stop);
    text = seq.held.substr(0, scan.release);
    seq.held.erase(0, scan.release);
    stopped = scan.stopped;
  }
  const int context = engine_.info().context_length;
  const bool full =
      seq.generated + 1 >= req.max_tokens || static_cast<int>(req.prompt.size()) + seq.generated + 1 >= context;
  if (stopped) seq.held.clear();  // the stop sequence and what follows it are dropped
  if (full) text += std::exchange(seq.held, {});
  // The token completing a stop sequence counts as generated (as in vLLM) and carries the
  // text before the stop sequence, possibly "".
  deliver(seq, std::move(text), now);
  if (stopped) return finish(seq, FinishReason::Stop, now), true;
  if (full) return finish(seq, FinishReason::Length, now), true;
  return false;
}

void Scheduler::deliver(Sequence& seq, std::string text, TimePoint now) {
  TokenEvent event{std::move(text), std::nullopt};
  if (seq.generated == 0)
    event.timings =
        openai::ServerTimings{ms_between(seq.enqueued, seq.admitted), ms_between(seq.admitted, seq.first_token), 0.0};
  // The first token's gap is its prefill; later ones are the gap since the previous token.
  metrics_.observe_token(now - (seq.generated == 0 ? seq.admitted : seq.last_emit));
  seq.generation->push(std::move(event));
  ++seq.generated;
  seq.last_emit = now;
}

void Scheduler::finish(Sequence& seq, FinishReason reason, TimePoint now) {
  FinishEvent done;
  done.reason = reason;
  done.usage = {static_cast<int>(seq.request.prompt.size()), seq.generated};
  done.timings = {ms_between(seq.enqueued, seq.admitted), ms_between(seq.admitted, seq.first_token),
                  ms_between(seq.first_token, now)};
  seq.generation->push(std::move(done));
}

void Scheduler::release(Sequence& seq) {
  slot_busy_[static_cast<std::size_t>(seq.slot)] = false;
  std::lock_guard lock(mu_);
  --active_;
}

void Scheduler::reap_cancelled(TimePoint now) {
  auto gone = [&](Sequence& seq) {
    const bool expired = now >= seq.request.deadline;
    if (!seq.generation->cancelled() && !expired) return false;
    if (expired && !seq.generation->cancelled())
      seq.generation->push(
          FailEvent{{504, "request exceeded the server's --request-timeout", "server_error", "request_timeout", ""}});
    else
      metrics_.count_cancelled();
    release(seq);
    return true;
  };
  if (prefilling_ && gone(*prefilling_)) prefilling_.reset();
  std::erase_if(running_, [&](const std::unique_ptr<Sequence>& seq) { return gone(*seq); });
}

}  // namespace deploybench::serve
