// One sequence's multi-head attention over rows of the KV cache (VectorOps::attend and
// attend_half) against a plain double-precision softmax attention, on every ISA path.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "core/rng.h"
#include "engine/half.h"
#include "engine/kernels.h"
#include "test_model.h"

using namespace deploybench;
using namespace deploybench::engine;

namespace {

struct Shape {
  int heads, kv_heads, n, count;
};

// A cache of `count` rows, each kv_heads * n elements followed by 3 unused ones (so rows are
// `stride` apart and a kernel reading past its heads would read garbage into the result).
template <typename T>
struct Cache {
  Cache(const Shape& s, std::uint64_t seed) : stride(static_cast<std::size_t>(s.kv_heads) * s.n + 3) {
    Rng rng(seed);
    auto value = [&] { return static_cast<float>(rng.normal(0.0, 1.0)); };
    for (std::size_t i = 0; i < stride * s.count; ++i) {
      if constexpr (sizeof(T) == 2) {
        k.push_back(float_to_half(value()));
        v.push_back(float_to_half(value()));
      } else {
        k.push_back(value());
        v.push_back(value());
      }
    }
  }
  static double at(const std::vector<T>& x, std::size_t i) {
    if constexpr (sizeof(T) == 2) {
      return half_to_float(x[i]);
    } else {
      return x[i];
    }
  }
  std::size_t stride;
  std::vector<T> k, v;
};

// out[h * n + i] for heads [first, end): softmax(q_h . k_t * scale) weighted sum of v_t.
template <typename T>
std::vector<double> reference(const Shape& s, const Cache<T>& c, const std::vector<float>& q, float scale, int first,
                              int end) {
  std::vector<double> out(static_cast<std::size_t>(s.heads) * s.n, 0.0);
  const int group = s.heads / s.kv_heads;
  for (int h = first; h < end; ++h) {
    const std::size_t kv = static_cast<std::size_t>(h / group) * s.n;
    std::vector<double> w(s.count);
    double max = -1e300, sum = 0;
    for (int t = 0; t < s.count; ++t) {
      double dot = 0;
      for (int i = 0; i < s.n; ++i) dot += q[h * s.n + i] * Cache<T>::at(c.k, t * c.stride + kv + i);
      w[t] = dot * scale;
      max = std::max(max, w[t]);
    }
    for (double& x : w) sum += (x = std::exp(x - max));
    for (int t = 0; t < s.count; ++t) {
      for (int i = 0; i < s.n; ++i) out[h * s.n + i] += w[t] / sum * Cache<T>::at(c.v, t * c.stride + kv + i);
    }
  }
  return out;
}

template <typename T>
void check_attention(const Shape& s, int first, int end) {
  const Cache<T> cache(s, static_cast<std::uint64_t>(s.n * 1000 + s.count));
  Rng rng(static_cast<std::uint64_t>(s.count));
  std::vector<float> q(static_cast<std::size_t>(s.heads) * s.n);
  for (float& x : q) x = static_cast<float>(rng.normal(0.0, 1.0));
  const float scale = 1.0f / std::sqrt(static_cast<float>(s.n));
  const auto expected = reference(s, cache, q, scale, first, end);
  for (Isa isa : testing::runnable_isas()) {
    INFO("isa " << to_string(isa) << " heads " << first << ".." << end << " of " << s.heads << "/" << s.kv_heads
                << " n " << s.n << " count " << s.count << " element bytes " << sizeof(T));
    std::vector<float> out(q.size(), 7.0f), att(static_cast<std::size_t>(end - first) * s.count);
    AttentionSpan span;
    span.q = q.data();
    span.out = out.data();
    span.att = att.data();
    span.head_begin = first;
    span.head_end = end;
    span.group = s.heads / s.kv_heads;
    span.n = s.n;
    span.count = s.count;
    span.stride = cache.stride;
    span.scale = scale;
    if constexpr (sizeof(T) == 2) {
      vector_ops(isa).attend_half(span, cache.k.data(), cache.v.data());
    } else {
      vector_ops(isa).attend(span, cache.k.data(), cache.v.data());
    }
    for (std::size_t i = 0; i < out.size(); ++i) {
      const bool mine = static_cast<int>(i) / s.n >= first && static_cast<int>(i) / s.n < end;
      if (mine) {
        REQUIRE(out[i] == Approx(expected[i]).epsilon(1e-5).margin(1e-5));
      } else {
        REQUIRE(out[i] == 7.0f);  // other heads' outputs untouched
      }
    }
  }
}

}  // namespace

TEST_CASE("multi-head attention over cache rows agrees with a plain softmax attention") {
  // Head sizes around the vector widths, position counts around the kernels' blocks, grouped
  // query heads, and head ranges that start and end inside the row.
  for (const Shape& s : {Shape{4, 4, 64, 1}, Shape{4, 2, 16, 9}, Shape{6, 3, 48, 21}, Shape{2, 1, 75, 40},
                         Shape{12, 12, 64, 97}, Shape{8, 2, 130, 5}}) {
    const int group = s.heads / s.kv_heads;
    for (auto [first, end] : {std::pair{0, s.heads}, std::pair{group, s.heads}, std::pair{0, group}}) {
      if (first >= end) continue;
      check_attention<float>(s, first, end);
      check_attention<std::uint16_t>(s, first, end);
    }
  }
}

TEST_CASE("attention over spans of the positions, merged by their log-sum-exp, is the whole attention") {
  for (const Shape& s : {Shape{12, 12, 64, 97}, Shape{6, 3, 48, 21}, Shape{4, 2, 16, 3}}) {
    const Cache<float> cache(s, static_cast<std::uint64_t>(s.n * 1000 + s.count));
    Rng rng(static_cast<std::uint64_t>(s.count));
    std::vector<float> q(static_cast<std::size_t>(s.heads) * s.n);
    for (float& x : q) x = static_cast<float>(rng.normal(0.0, 1.0));
    const float scale = 1.0f / std::sqrt(static_cast<float>(s.n));
    const auto expected = reference(s, cache, q, scale, 0, s.heads);
    constexpr int kParts = 3;
    for (Isa isa : testing::runnable_isas()) {
      INFO("isa " << to_string(isa) << " heads " << s.heads << "/" << s.kv_heads << " count " << s.count);
      std::vector<float> outs(kParts * q.size()), lses(kParts * s.heads), att(q.size() * s.count), out(q.size());
      for (int p = 0; p < kParts; ++p) {
        const int t0 = s.count * p / kParts, t1 = s.count * (p + 1) / kParts;
        AttentionSpan span;
        span.q = q.data();
        span.out = outs.data() + p * q.size();
        span.att = att.data();
        span.lse = lses.data() + p * s.heads;
        span.head_end = s.heads;
        span.group = s.heads / s.kv_heads;
        span.n = s.n;
        span.count = t1 - t0;
        span.stride = cache.stride;
        span.scale = scale;
        vector_ops(isa).attend(span, cache.k.data() + t0 * cache.stride, cache.v.data() + t0 * cache.stride);
      }
      merge_attention(outs.data(), lses.data(), kParts, s.heads, s.n, out.data());
      for (std::size_t i = 0; i < out.size(); ++i) REQUIRE(out[i] == Approx(expected[i]).epsilon(1e-5).margin(1e-5));
    }
  }
}
