#include <catch2/catch.hpp>
#include <cmath>

#include "engine/sampler.h"
#include "test_model.h"

using namespace deploybench::engine;
using deploybench::engine::testing::fp32_model;
using deploybench::engine::testing::int8_model;

namespace {

// A plain scalar llama forward pass (llama2.c's run.c semantics), one token at
// a time.
class Reference {
 public:
  explicit Reference(const Weights<Fp32Matrix>& w)
      : w_(w), c_(w.config), kc_(c_.n_layers, std::vector<float>(c_.seq_len * c_.kv_dim())), vc_(kc_) {}

  std::vector<float> forward(int token, int pos) {
    const int dim = c_.dim, hs = c_.head_size(), kvd = c_.kv_dim();
    std::vector<float> x(w_.embedding.data + token * dim, w_.embedding.data + (token + 1) * dim), xb(dim), xb2(dim);
    std::vector<float> q(dim), k(kvd), v(kvd), h1(c_.hidden_dim), h3(c_.hidden_dim);
    for (int l = 0; l < c_.n_layers; ++l) {
      const auto& L = w_.layers[l];
      rmsnorm(xb, x, L.rms_att);
      matvec(q, xb, L.wq);
      matvec(k, xb, L.wk);
      matvec(v, xb, L.wv);
      for (int i = 0; i < dim; i += 2) {
        const double freq = 1.0 / std::pow(10000.0, static_cast<double>(i % hs) / hs);
        const double c = std::cos(pos * freq), s = std::sin(pos * freq);
        for (auto* vec : {&q, &k}) {
          if (i >= static_cast<int>(vec->size())) continue;
          const float a = (*vec)[i], b = (*vec)[i + 1];
          (*vec)[i] = static_cast<float>(a * c - b * s);
          (*vec)[i + 1] = static_cast<float>(a * s + b * c);
        }
      }
      std::copy(k.begin(), k.end(), kc_[l].begin() + pos * kvd);
      std::copy(v.begin(), v.end(), vc_[l].begin() + pos * kvd);
      for (int h = 0; h < c_.n_heads; ++h) {
        const int kvh = h / (c_.n_heads / c_.n_kv_heads);
        std::vector<double> att(pos + 1);
        double max = -1e300, sum = 0;
        for (int t = 0; t <= pos; ++t) {
          double s = 0;
          for (int i = 0; i < hs; ++i) s += q[h * hs + i] * kc_[l][t * kvd + kvh * hs + i];
          att[t] = s / std::sqrt(hs);
          max = std::max(max, att[t]);
        }
        for (double& a : att) sum += (a = std::exp(a - max));
        for (int i = 0; i < hs; ++i) {
          double o = 0;
          for (int t = 0; t <= pos; ++t) o += att[t] / sum * vc_[l][t * kvd + kvh * hs + i];
          xb[h * hs + i] = static_cast<float>(o);
        }
      }
      matvec(xb2, xb, L.wo);
      for (int i = 0; i < dim; ++i) x[i] += xb2[i];
      rmsnorm(xb, x, L.rms_ffn);
      matvec(h1, xb, L.w1);
      matvec(h3, xb, L.w3);
      for (int i = 0; i < c_.hidden_dim; ++i) h1[i] = h1[i] / (1.0f + std::exp(-h1[i])) * h3[i];
      matvec(xb, h1, L.w2);
      for (int i = 0; i < dim; ++i) x[i] += xb[i];
    }
    rmsnorm(xb, x, w_.rms_final);
    std::vector<float> logits(c_.vocab_size);
    matvec(logits, xb, w_.classifier);
    return logits;
  }

 private:
  static void matvec(std::vector<float>& out, const std::vector<float>& x, const Fp32Matrix& m) {
    for (int r = 0; r < m.rows; ++r) {
      double s = 0;
      for (int i = 0; i < m.cols; ++i) s += static_cast<double>(m.data[r * m.cols + i]) * x[i];
      out[r] = static_cast<float>(s);
    }
  }
  void rmsnorm(std::vector<float>& out, const std::vector<float>& x, const float* weight) const {
    double ss = 0;
    for (float v : x) ss += static_cast<double>(v) * v;
    const double inv = 1.0 / std::sqrt(ss / x.size() + 1e-5);
    for (std::size_t i = 0; i < x.size(); ++i) out[i] = static_cast<float>(weight[i] * x[i] * inv);
  }
  const Weights<Fp32Matrix>& w_;
  Config c_;
  std::vector<std::vector<float>> kc_, vc_;
};

double max_rel_diff(std::span<const float> a, std::span<const float> b) {
  double scale = 0, diff = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    scale = std::max(scale, std::fabs(static_cast<double>(b[i])));
    diff = std::max(diff, std::fabs(static_cast<double>(a[i]) - b[i]));
  }
  return diff / scale;
}

double cosine(std::span<const float> a, std::span<const float> b) {
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    ab += static_cast<double>(a[i]) * b[i];
    aa += static_cast<double>(a[i]) * a[i];
    bb += static_cast<double>(b[i]) * b[i];
  }
  return ab / std::sqrt(aa * bb);
}

std::vector<int> prompt(int n, int seed) {
  std::vector<int> t;
  for (int i = 0; i < n; ++i) t.push_back((i * 37 + seed * 11 + 5) % 300);
  return t;
}

}  // namespace

TEST_CASE("fp32 forward matches a scalar reference within 1e-4 relative") {
  for (Isa isa : testing::runnable_isas()) {
    auto model = fp32_model(isa, 2);
    Reference ref(model->weights());
    const auto tokens = prompt(40, 1);
    for (int pos = 0; pos < 40; ++pos) {
      const Model::Step step{1, tokens[pos], pos};
      auto got = model->decode({&step, 1});
      auto expected = ref.forward(tokens[pos], pos);
      INFO("isa " << to_string(isa) << " pos " << pos);
      REQUIRE(max_rel_diff(got, expected) < 1e-4);
    }
  }
}

TEST_CASE("prefill gives the logits of token-by-token decode") {
  for (Isa isa : testing::runnable_isas()) {
    auto a = int8_model(isa), b = int8_model(isa);
    const auto tokens = prompt(30, 2);
    std::vector<float> decoded;
    for (int pos = 0; pos < 30; ++pos) {
      const Model::Step step{0, tokens[pos], pos};
      auto l = a->decode({&step, 1});
      decoded.assign(l.begin(), l.end());
    }
    auto prefilled = b->prefill(0, tokens);
    REQUIRE(max_rel_diff(prefilled, decoded) < 1e-5);
    // The same prompt in chunks (as the server interleaves them with decode steps).
    auto c = int8_model(isa);
    const std::span<const int> all(tokens);
    c->prefill(0, all.subspan(0, 7));
    c->prefill(0, all.subspan(7, 16), 7);
    auto chunked = c->prefill(0, all.subspan(23), 23);
    REQUIRE(max_rel_diff(chunked, decoded) < 1e-5);
  }
}

TEST_CASE("batched decode equals one-at-a-time decode") {
  auto run = [](std::unique_ptr<Model> batched, std::unique_ptr<Model> single) {
    const int vocab = batched->config().vocab_size;
    std::vector<Model::Step> steps;
    for (int s = 0; s < 3; ++s) {
      const auto p = prompt(5 + 3 * s, s);
      batched->prefill(s, p);
      single->prefill(s, p);
      steps.push_back({s, (s * 13 + 1) % vocab, static_cast<int>(p.size())});
    }
    for (int round = 0; round < 6; ++round) {
      auto all = batched->decode(steps);
      std::vector<float> rows(all.begin(), all.end());
      for (int i = 0; i < 3; ++i) {
        auto one = single->decode({&steps[i], 1});
        REQUIRE(max_rel_diff({rows.data() + i * vocab, static_cast<std::size_t>(vocab)}, one) < 1e-5);
        steps[i].token = argmax(one);
        ++steps[i].pos;
      }
    }
  };
  for (Isa isa : testing::runnable_isas()) {
    run(fp32_model(isa, 2), fp32_model(isa, 1));
    run(int8_model(isa, 2), int8_model(isa, 1));
  }
}

TEST_CASE("int8 logits stay close to fp32") {
  auto f = fp32_model(detect_isa());
  auto q = int8_model(detect_isa());
  int token = 1, same = 0, steps = 40;
  double worst = 1;
  for (int pos = 0; pos < steps; ++pos) {
    const Model::Step step{0, token, pos};
    auto lf = f->decode({&step, 1});
    std::vector<float> fl(lf.begin(), lf.end());
    auto lq = q->decode({&step, 1});
    worst = std::min(worst, cosine(fl, lq));
    same += argmax(fl) == argmax(lq);
    token = argmax(fl);  // both follow the fp32 sequence
  }
  CHECK(worst >= 0.99);
  CHECK(same >= 0.95 * steps);
}

// The int8 matmuls are bit-identical across paths (kernels_test.cpp); attention
// runs in fp32 with FMA on vector paths, so whole-model logits agree to
// rounding.
TEST_CASE("int8 models agree on every ISA path") {
  std::vector<float> expected;
  for (Isa isa : testing::runnable_isas()) {
    auto m = int8_model(isa, 2);
    auto l = m->prefill(0, prompt(20, 3));
    if (expected.empty()) expected.assign(l.begin(), l.end());
    INFO("isa " << to_string(isa));
    REQUIRE(max_rel_diff(l, expected) < 1e-5);
  }
}

TEST_CASE("synthetic presets load and describe themselves") {
  ModelOptions o;
  o.preset = "tiny";
  o.max_sequences = 2;
  auto m = load_model(o);
  REQUIRE(m.ok());
  CHECK(m.value()->config().dim == 288);
  CHECK(m.value()->description().find("tiny int8 (15.2M params, synthetic") == 0);
  const std::vector<int> tokens{1, 50, 60};
  auto logits = m.value()->prefill(1, tokens);
  for (float v : logits) REQUIRE(std::isfinite(v));
  o.preset = "huge";
  auto bad = load_model(o);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("huge") != std::string::npos);
}
