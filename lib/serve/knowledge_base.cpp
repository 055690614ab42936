#include "serve/knowledge_base.h"

#include <cctype>
#include <cmath>

namespace deploybench::serve {
namespace {
constexpr double kK1 = 1.2;
constexpr double kB = 0.75;
}  // namespace

namespace {
/// A light plural stemmer: "disconnects" and "disconnect" must match ("ss" words stay).
void push_word(std::vector<std::string>& out, std::string word) {
  if (word.size() > 3 && word.back() == 's' && word[word.size() - 2] != 's') word.pop_back();
  out.push_back(std::move(word));
}
}  // namespace

std::vector<std::string> tokenize_words(std::string_view text) {
  std::vector<std::string> out;
  std::string word;
  for (unsigned char c : text) {
    if (std::isalnum(c)) {
      word += static_cast<char>(std::tolower(c));
    } else if (!word.empty()) {
      push_word(out, std::move(word));
      word.clear();
    }
  }
  if (!word.empty()) push_word(out, std::move(word));
  return out;
}

KnowledgeBase::KnowledgeBase(std::vector<QaDocument> documents) : documents_(std::move(documents)) {
  double total = 0;
  for (const auto& doc : documents_) {
    std::map<std::string, int> tf;
    // The question counts twice: it says what the document is about.
    const auto q = tokenize_words(doc.question);
    const auto a = tokenize_words(doc.answer);
    for (const auto& w : q) tf[w] += 2;
    for (const auto& w : a) ++tf[w];
    for (const auto& [w, n] : tf) ++doc_freq_[w];
    const int len = static_cast<int>(2 * q.size() + a.size());
    length_.push_back(len);
    total += len;
    term_freq_.push_back(std::move(tf));
  }
  avg_length_ = documents_.empty() ? 1.0 : total / static_cast<double>(documents_.size());
}

int KnowledgeBase::best_match(std::string_view query) const {
  const auto words = tokenize_words(query);
  const double n_docs = static_cast<double>(documents_.size());
  int best = -1;
  double best_score = 0;
  for (std::size_t d = 0; d < documents_.size(); ++d) {
    double score = 0;
    for (const auto& w : words) {
      const auto tf_it = term_freq_[d].find(w);
      if (tf_it == term_freq_[d].end()) continue;
      const double df = doc_freq_.at(w);
      const double idf = std::log(1.0 + (n_docs - df + 0.5) / (df + 0.5));
      const double tf = tf_it->second;
      score += idf * tf * (kK1 + 1) / (tf + kK1 * (1 - kB + kB * length_[d] / avg_length_));
    }
    if (score > best_score) {
      best_score = score;
      best = static_cast<int>(d);
    }
  }
  return best;
}

std::string KnowledgeBase::answer(std::string_view query) const {
  const int best = best_match(query);
  if (best >= 0) return documents_[static_cast<std::size_t>(best)].answer;
  return "I am refbot, a reference chatbot for benchmarking deployments. I can answer questions about "
         "serving language models: batching, streaming, latency, throughput, quantization, containers, "
         "virtual machines, health checks and metrics.";
}

}  // namespace deploybench::serve
