#pragma once
// The synthetic chatbot's knowledge: question/answer documents about deploying chatbots, and
// an Okapi BM25 retriever over them (Robertson & Zaragoza, "The Probabilistic Relevance
// Framework: BM25 and Beyond", 2009; k1 = 1.2, b = 0.75).
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace deploybench::serve {

struct QaDocument {
  std::string question;
  std::string answer;
};

/// The documents shipped with refbot (compiled in: the static binary has no data files).
std::span<const QaDocument> builtin_documents();

/// Lower-cased alphanumeric words of `text`, plural 's' stripped from words over 3 letters.
std::vector<std::string> tokenize_words(std::string_view text);

class KnowledgeBase {
 public:
  explicit KnowledgeBase(std::vector<QaDocument> documents);
  /// Index of the best-matching document by BM25 over question and answer, or -1 when no
  /// query word occurs in any document.
  int best_match(std::string_view query) const;
  /// The best answer, or a fallback that says what refbot knows about.
  std::string answer(std::string_view query) const;
  const std::vector<QaDocument>& documents() const { return documents_; }

 private:
  std::vector<QaDocument> documents_;
  std::vector<std::map<std::string, int>> term_freq_;  // per document
  std::vector<int> length_;                            // words per document
  std::map<std::string, int> doc_freq_;                // documents containing each word
  double avg_length_ = 0;
};

}  // namespace deploybench::serve
