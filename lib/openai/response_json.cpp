// Response side of chat_json.h: chunks, completions, errors and model lists, both directions.
#include <nlohmann/json.hpp>

#include "openai/chat_json.h"

namespace deploybench::openai {
namespace {

using nlohmann::json;

json timings_json(const ServerTimings& t) {
  return {{"queue_ms", t.queue_ms}, {"prefill_ms", t.prefill_ms}, {"decode_ms", t.decode_ms}};
}

json usage_json(const Usage& u) {
  return {{"prompt_tokens", u.prompt_tokens},
          {"completion_tokens", u.completion_tokens},
          {"total_tokens", u.total_tokens()}};
}

json finish_json(const std::optional<FinishReason>& r) { return r ? json(to_string(*r)) : json(nullptr); }

// Serializing model output must never throw: a token sequence can be cut inside a UTF-8
// character, so invalid bytes are replaced (U+FFFD) rather than rejected.
std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

Error bad(std::string message) { return make_error(ErrorCode::InvalidArgument, std::move(message)); }

std::optional<FinishReason> parse_finish(const json& v) {
  if (v.is_string() && v == "length") return FinishReason::Length;
  if (v.is_string()) return FinishReason::Stop;
  return std::nullopt;
}

Usage parse_usage(const json& u) {
  Usage out;
  out.prompt_tokens = u.value("prompt_tokens", 0);
  out.completion_tokens = u.value("completion_tokens", 0);
  return out;
}

ServerTimings parse_timings(const json& t) {
  return {t.value("queue_ms", 0.0), t.value("prefill_ms", 0.0), t.value("decode_ms", 0.0)};
}

}  // namespace

const char* to_string(FinishReason reason) { return reason == FinishReason::Length ? "length" : "stop"; }

std::string to_json(const StreamChunk& chunk, Api api) {
  json j = {{"id", chunk.id},
            {"object", api == Api::Chat ? "chat.completion.chunk" : "text_completion"},
            {"created", chunk.created},
            {"model", chunk.model}};
  json choices = json::array();
  if (chunk.role || chunk.content || chunk.finish_reason) {
    json choice = {{"index", 0}, {"finish_reason", finish_json(chunk.finish_reason)}};
    if (api == Api::Chat) {
      json delta = json::object();
      if (chunk.role) delta["role"] = *chunk.role;
      if (chunk.content) delta["content"] = *chunk.content;
      choice["delta"] = std::move(delta);
      choice["logprobs"] = nullptr;
    } else {
      choice["text"] = chunk.content.value_or("");
      choice["logprobs"] = nullptr;
    }
    choices.push_back(std::move(choice));
  }
  j["choices"] = std::move(choices);
  if (chunk.usage) j["usage"] = usage_json(*chunk.usage);
  if (chunk.timings) j["timings"] = timings_json(*chunk.timings);
  return dump(j);
}

std::string to_json(const Completion& c, Api api) {
  json choice = {{"index", 0}, {"finish_reason", to_string(c.finish_reason)}, {"logprobs", nullptr}};
  if (api == Api::Chat)
    choice["message"] = {{"role", "assistant"}, {"content", c.content}};
  else
    choice["text"] = c.content;
  json j = {{"id", c.id},
            {"object", api == Api::Chat ? "chat.completion" : "text_completion"},
            {"created", c.created},
            {"model", c.model},
            {"choices", json::array({std::move(choice)})},
            {"usage", usage_json(c.usage)}};
  if (c.timings) j["timings"] = timings_json(*c.timings);
  return dump(j);
}

std::string to_json(const ApiError& e) {
  json err = {{"message", e.message},
              {"type", e.type},
              {"param", e.param.empty() ? json(nullptr) : json(e.param)},
              {"code", e.code.empty() ? json(nullptr) : json(e.code)}};
  return dump(json{{"error", std::move(err)}});
}

std::string models_json(std::span<const ModelCard> models) {
  json data = json::array();
  for (const auto& m : models)
    data.push_back({{"id", m.id},
                    {"object", "model"},
                    {"created", m.created},
                    {"owned_by", m.owned_by},
                    {"description", m.description},
                    {"synthetic", m.synthetic}});
  return dump(json{{"object", "list"}, {"data", std::move(data)}});
}

Result<StreamChunk> parse_stream_chunk(std::string_view data) {
  json j = json::parse(data.begin(), data.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("stream chunk is not a JSON object");
  StreamChunk c;
  c.id = j.value("id", "");
  c.model = j.value("model", "");
  c.created = j.value("created", std::int64_t{0});
  if (auto ch = j.find("choices"); ch != j.end() && ch->is_array() && !ch->empty()) {
    const json& choice = ch->front();
    if (auto d = choice.find("delta"); d != choice.end() && d->is_object()) {
      if (auto r = d->find("role"); r != d->end() && r->is_string()) c.role = r->get<std::string>();
      if (auto t = d->find("content"); t != d->end() && t->is_string()) c.content = t->get<std::string>();
    } else if (auto t = choice.find("text"); t != choice.end() && t->is_string()) {
      c.content = t->get<std::string>();
    }
    if (auto f = choice.find("finish_reason"); f != choice.end()) c.finish_reason = parse_finish(*f);
  }
  if (auto u = j.find("usage"); u != j.end() && u->is_object()) c.usage = parse_usage(*u);
  if (auto t = j.find("timings"); t != j.end() && t->is_object()) c.timings = parse_timings(*t);
  return c;
}

Result<Completion> parse_completion(std::string_view body) {
  json j = json::parse(body.begin(), body.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) return bad("response body is not a JSON object");
  auto ch = j.find("choices");
  if (ch == j.end() || !ch->is_array() || ch->empty()) return bad("response has no 'choices'");
  Completion c;
  c.id = j.value("id", "");
  c.model = j.value("model", "");
  c.created = j.value("created", std::int64_t{0});
  const json& choice = ch->front();
  if (auto m = choice.find("message"); m != choice.end() && m->is_object())
    c.content = m->value("content", "");
  else
    c.content = choice.value("text", "");
  if (auto f = choice.find("finish_reason"); f != choice.end())
    c.finish_reason = parse_finish(*f).value_or(FinishReason::Stop);
  if (auto u = j.find("usage"); u != j.end() && u->is_object()) c.usage = parse_usage(*u);
  if (auto t = j.find("timings"); t != j.end() && t->is_object()) c.timings = parse_timings(*t);
  return c;
}

}  // namespace deploybench::openai
