// Request side of chat_json.h: parse and validate OpenAI request bodies, serialize ChatRequest.
#include <fmt/format.h>

#include <array>
#include <nlohmann/json.hpp>

#include "openai/chat_json.h"

namespace deploybench::openai {
namespace {

using nlohmann::json;

Error bad(std::string message) { return make_error(ErrorCode::InvalidArgument, std::move(message)); }

const char* type_name(const json& v) {
  if (v.is_boolean()) return "boolean";
  if (v.is_number()) return "number";
  if (v.is_string()) return "string";
  if (v.is_array()) return "array";
  if (v.is_object()) return "object";
  return "null";
}

Error wrong_type(std::string_view field, std::string_view expected, const json& v) {
  return bad(fmt::format("'{}': expected {}, got {}", field, expected, type_name(v)));
}

Result<json> parse_object(std::string_view body) {
  json doc = json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) {
    // Re-parse with exceptions only to recover the position and reason of the failure.
    try {
      [[maybe_unused]] const json again = json::parse(body.begin(), body.end());
    } catch (const json::parse_error& e) {
      return bad(fmt::format("request body is not valid JSON: {}", e.what()));
    }
    return bad("request body is not valid JSON");
  }
  if (!doc.is_object()) return bad(fmt::format("request body must be a JSON object, got {}", type_name(doc)));
  return doc;
}

/// Reads an optional integer field within [lo, hi]. Floats with integral value are accepted
/// (some clients send 16.0), others are errors.
Result<std::optional<std::int64_t>> opt_int(const json& obj, const char* key, std::int64_t lo, std::int64_t hi) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return std::optional<std::int64_t>{};
  if (!it->is_number()) return wrong_type(key, "integer", *it);
  const double d = it->get<double>();
  if (d != static_cast<double>(static_cast<std::int64_t>(d)) && !it->is_number_integer())
    return bad(fmt::format("'{}': expected an integer, got {}", key, it->dump()));
  if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(hi))
    return bad(fmt::format("'{}': {} is above the maximum {}", key, it->dump(), hi));
  const std::int64_t v = it->is_number_integer() ? it->get<std::int64_t>() : static_cast<std::int64_t>(d);
  if (v < lo) return bad(fmt::format("'{}': {} is below the minimum {}", key, v, lo));
  if (v > hi) return bad(fmt::format("'{}': {} is above the maximum {}", key, v, hi));
  return std::optional<std::int64_t>{v};
}

Result<double> opt_number(const json& obj, const char* key, double dflt, double lo, double hi) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return dflt;
  if (!it->is_number()) return wrong_type(key, "number", *it);
  const double v = it->get<double>();
  if (!(v >= lo && v <= hi)) return bad(fmt::format("'{}': {} is outside [{}, {}]", key, v, lo, hi));
  return v;
}

Result<bool> opt_bool(const json& obj, const char* key, bool dflt) {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return dflt;
  if (!it->is_boolean()) return wrong_type(key, "boolean", *it);
  return it->get<bool>();
}

Result<std::vector<std::string>> parse_stop(const json& obj, int max_count) {
  std::vector<std::string> out;
  auto it = obj.find("stop");
  if (it == obj.end() || it->is_null()) return out;
  if (it->is_string()) {
    out.push_back(it->get<std::string>());
  } else if (it->is_array()) {
    for (std::size_t i = 0; i < it->size(); ++i) {
      if (!(*it)[i].is_string()) return wrong_type(fmt::format("stop[{}]", i), "string", (*it)[i]);
      out.push_back((*it)[i].get<std::string>());
    }
  } else {
    return wrong_type("stop", "string or array of strings", *it);
  }
  if (static_cast<int>(out.size()) > max_count)
    return bad(fmt::format("'stop': at most {} sequences, got {}", max_count, out.size()));
  for (const auto& s : out)
    if (s.empty()) return bad("'stop': sequences must not be empty");
  return out;
}

Result<GenerationParams> parse_params(const json& obj, const RequestLimits& limits) {
  GenerationParams p;
  auto stream = opt_bool(obj, "stream", false);
  if (!stream) return stream.error();
  p.stream = *stream;
  if (auto it = obj.find("stream_options"); it != obj.end() && !it->is_null()) {
    if (!it->is_object()) return wrong_type("stream_options", "object", *it);
    auto usage = opt_bool(*it, "include_usage", false);
    if (!usage) return bad("'stream_options." + usage.error().message.substr(1));
    p.include_usage = *usage;
  }
  // max_completion_tokens is the newer name of the same limit; max_tokens wins if both are set.
  for (const char* key : {"max_completion_tokens", "max_tokens"}) {
    auto v = opt_int(obj, key, 1, limits.max_tokens_limit);
    if (!v) return v.error();
    if (*v) p.max_tokens = static_cast<int>(**v);
  }
  auto min_tokens = opt_int(obj, "min_tokens", 0, limits.max_tokens_limit);
  if (!min_tokens) return min_tokens.error();
  p.min_tokens = static_cast<int>(min_tokens->value_or(0));
  if (p.max_tokens && p.min_tokens > *p.max_tokens)
    return bad(fmt::format("'min_tokens': {} is above max_tokens {}", p.min_tokens, *p.max_tokens));
  auto temperature = opt_number(obj, "temperature", 1.0, 0.0, 2.0);
  if (!temperature) return temperature.error();
  p.temperature = *temperature;
  auto top_p = opt_number(obj, "top_p", 1.0, 0.0, 1.0);
  if (!top_p) return top_p.error();
  if (*top_p <= 0.0) return bad("'top_p': must be above 0");
  p.top_p = *top_p;
  auto seed = opt_int(obj, "seed", std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::int64_t>::max());
  if (!seed) return seed.error();
  if (*seed) p.seed = static_cast<std::uint64_t>(**seed);
  auto n = opt_int(obj, "n", 1, 1);
  if (!n) return bad(n.error().message + " (refbot generates one choice per request)");
  auto stop = parse_stop(obj, limits.max_stop_sequences);
  if (!stop) return stop.error();
  p.stop = std::move(*stop);
  return p;
}

Result<std::string> opt_model(const json& obj) {
  auto it = obj.find("model");
  if (it == obj.end() || it->is_null()) return std::string{};
  if (!it->is_string()) return wrong_type("model", "string", *it);
  return it->get<std::string>();
}

/// Content is a string or an array of {"type": "text", "text": ...} parts (joined).
Result<std::string> message_content(const json& msg, std::size_t i) {
  auto it = msg.find("content");
  const std::string field = fmt::format("messages[{}].content", i);
  if (it == msg.end() || it->is_null()) return bad(fmt::format("'{}' is required", field));
  if (it->is_string()) return it->get<std::string>();
  if (!it->is_array()) return wrong_type(field, "string or array of content parts", *it);
  std::string out;
  for (std::size_t k = 0; k < it->size(); ++k) {
    const json& part = (*it)[k];
    auto type = part.is_object() ? part.find("type") : part.end();
    auto text = part.is_object() ? part.find("text") : part.end();
    if (type == part.end() || *type != "text" || text == part.end() || !text->is_string())
      return bad(fmt::format("'{}[{}]': only {{\"type\": \"text\", \"text\": string}} parts are supported", field, k));
    out += text->get<std::string>();
  }
  return out;
}

Result<std::vector<ChatMessage>> parse_messages(const json& obj) {
  auto it = obj.find("messages");
  if (it == obj.end()) return bad("'messages' is required");
  if (!it->is_array()) return wrong_type("messages", "array", *it);
  if (it->empty()) return bad("'messages' must contain at least one message");
  static constexpr std::array<std::string_view, 5> kRoles = {"system", "developer", "user", "assistant", "tool"};
  std::vector<ChatMessage> out;
  for (std::size_t i = 0; i < it->size(); ++i) {
    const json& msg = (*it)[i];
    if (!msg.is_object()) return wrong_type(fmt::format("messages[{}]", i), "object", msg);
    auto role = msg.find("role");
    if (role == msg.end()) return bad(fmt::format("'messages[{}].role' is required", i));
    if (!role->is_string()) return wrong_type(fmt::format("messages[{}].role", i), "string", *role);
    const auto r = role->get<std::string>();
    if (std::find(kRoles.begin(), kRoles.end(), r) == kRoles.end())
      return bad(
          fmt::format("'messages[{}].role': unknown role '{}' (expected system, developer, user, assistant "
                      "or tool)",
                      i, r));
    auto content = message_content(msg, i);
    if (!content) return content.error();
    out.push_back({r, std::move(*content)});
  }
  return out;
}

}  // namespace

Result<ChatRequest> parse_chat_request(std::string_view body, const RequestLimits& limits) {
  auto doc = parse_object(body);
  if (!doc) return doc.error();
  ChatRequest req;
  auto model = opt_model(*doc);
  if (!model) return model.error();
  req.model = std::move(*model);
  auto messages = parse_messages(*doc);
  if (!messages) return messages.error();
  req.messages = std::move(*messages);
  auto params = parse_params(*doc, limits);
  if (!params) return params.error();
  req.params = std::move(*params);
  return req;
}

Result<CompletionRequest> parse_completion_request(std::string_view body, const RequestLimits& limits) {
  auto doc = parse_object(body);
  if (!doc) return doc.error();
  CompletionRequest req;
  auto model = opt_model(*doc);
  if (!model) return model.error();
  req.model = std::move(*model);
  auto it = doc->find("prompt");
  if (it == doc->end()) return bad("'prompt' is required");
  if (!it->is_string()) return wrong_type("prompt", "string", *it);
  req.prompt = it->get<std::string>();
  auto params = parse_params(*doc, limits);
  if (!params) return params.error();
  req.params = std::move(*params);
  return req;
}

std::string to_json(const ChatRequest& request) {
  json j;
  if (!request.model.empty()) j["model"] = request.model;
  j["messages"] = json::array();
  for (const auto& m : request.messages) j["messages"].push_back({{"role", m.role}, {"content", m.content}});
  const GenerationParams& p = request.params;
  j["stream"] = p.stream;
  if (p.stream && p.include_usage) j["stream_options"] = {{"include_usage", true}};
  if (p.max_tokens) j["max_tokens"] = *p.max_tokens;
  if (p.min_tokens > 0) j["min_tokens"] = p.min_tokens;
  j["temperature"] = p.temperature;
  if (p.top_p != 1.0) j["top_p"] = p.top_p;
  if (p.seed) j["seed"] = *p.seed;
  if (!p.stop.empty()) j["stop"] = p.stop;
  return j.dump();
}

}  // namespace deploybench::openai
