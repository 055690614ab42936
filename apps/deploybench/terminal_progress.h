#pragma once
// A one-line live progress display on stderr (elapsed, phase, requests, errors, rate), shared by
// `run` and `probe`. Only used when stderr is a terminal and --quiet is not given.
#include <fmt/core.h>

#include "loadgen/load_generator.h"
#include "output.h"

namespace deploybench::cli {

class TerminalProgress final : public loadgen::ProgressSink {
 public:
  void update(const loadgen::Progress& p) override {
    emit(stderr,
         fmt::format("\r[{:6.1f}s] {:9}  sent {:>8}  done {:>8}  errors {:>6}  {:8.1f} req/s ", to_seconds(p.elapsed),
                     p.warmup ? "warmup" : "measuring", p.sent, p.completed, p.errors + p.dropped, p.rate_per_s));
  }
  void finish() override { emit(stderr, fmt::format("\r{:80}\r", "")); }
};

}  // namespace deploybench::cli
