#include "serve/generation.h"

namespace deploybench::serve {

void Generation::push(GenerationEvent event) {
  {
    std::lock_guard lock(mu_);
    events_.push_back(std::move(event));
  }
  cv_.notify_one();
}

bool Generation::wait(std::vector<GenerationEvent>& out, Nanos timeout) {
  std::unique_lock lock(mu_);
  if (!cv_.wait_for(lock, timeout, [this] { return !events_.empty(); })) return false;
  for (auto& e : events_) out.push_back(std::move(e));
  events_.clear();
  return true;
}

}  // namespace deploybench::serve
