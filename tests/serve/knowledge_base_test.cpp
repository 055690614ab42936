#include "serve/knowledge_base.h"

#include <catch2/catch.hpp>

using namespace deploybench::serve;

TEST_CASE("words are lower-cased alphanumeric runs", "[serve][kb]") {
  CHECK(tokenize_words("What's TTFT, p99?") == std::vector<std::string>{"what", "s", "ttft", "p99"});
  CHECK(tokenize_words("Clients disconnects class") == std::vector<std::string>{"client", "disconnect", "class"});
  CHECK(tokenize_words("").empty());
}

TEST_CASE("BM25 finds the document a question is about", "[serve][kb]") {
  KnowledgeBase kb(std::vector<QaDocument>(builtin_documents().begin(), builtin_documents().end()));
  REQUIRE(kb.documents().size() >= 20);
  auto question_of = [&](std::string_view q) {
    const int i = kb.best_match(q);
    REQUIRE(i >= 0);
    return kb.documents()[static_cast<std::size_t>(i)].question;
  };
  CHECK(question_of("explain continuous batching to me") == "What is continuous batching?");
  CHECK(question_of("what does int8 quantization cost in quality") == "What does int8 quantization do to a model?");
  CHECK(question_of("my clients disconnect, what happens") == "How should a server handle a client that disconnects?");
  CHECK(question_of("how to run it in a container with podman") == "How do I deploy a chatbot in a container?");
}

TEST_CASE("a query with no known word gets the fallback answer", "[serve][kb]") {
  KnowledgeBase kb({{"alpha question", "alpha answer"}, {"beta question", "beta answer"}});
  CHECK(kb.best_match("zzz qqq") == -1);
  CHECK(kb.answer("zzz").find("refbot") != std::string::npos);
  CHECK(kb.answer("beta") == "beta answer");
}
