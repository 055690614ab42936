#include <fstream>
#include <nlohmann/json.hpp>

#include "loadgen/load_generator.h"

namespace deploybench::loadgen {
namespace {

void put_ms(nlohmann::json& j, const char* key, Nanos v) {
  if (v != kNever) j[key] = to_millis(v);
}

void put_span(nlohmann::json& j, const char* key, Nanos from, Nanos to) {
  if (from != kNever && to != kNever) j[key] = to_millis(to - from);
}

}  // namespace

Status write_records_jsonl(const std::filesystem::path& path, const std::vector<RequestRecord>& records,
                           bool from_schedule) {
  std::ofstream out(path, std::ios::trunc);
  if (!out) return make_error(ErrorCode::Io, "cannot write request records to " + path.string());
  for (const auto& r : records) {
    nlohmann::json j;
    j["measured"] = r.measured;
    put_ms(j, "scheduled_ms", r.scheduled);
    put_ms(j, "sent_ms", r.sent);
    put_ms(j, "done_ms", r.done);
    const Nanos start = from_schedule ? r.scheduled : r.sent;
    put_span(j, "ttft_ms", start, r.first_token);
    put_span(j, "e2e_ms", start, r.done);
    if (r.sent != kNever) put_span(j, "service_ms", r.sent, r.done);
    if (const auto t = tpot_of(r)) j["tpot_ms"] = to_millis(*t);
    put_ms(j, "dns_ms", r.dns);
    put_ms(j, "connect_ms", r.connect);
    put_ms(j, "tls_ms", r.tls);
    put_ms(j, "first_byte_ms", r.first_byte);
    if (r.queue_ms >= 0) j["queue_ms"] = r.queue_ms;
    if (r.prefill_ms >= 0) j["prefill_ms"] = r.prefill_ms;
    if (r.decode_ms >= 0) j["decode_ms"] = r.decode_ms;
    j["input_tokens"] = r.input_tokens;
    j["output_tokens"] = r.output_tokens;
    j["token_events"] = r.token_events;
    j["prompt"] = r.prompt;
    j["status"] = r.http_status;
    j["error"] = error_key(r.error, r.http_status);
    out << j.dump() << '\n';
  }
  out.flush();
  if (!out) return make_error(ErrorCode::Io, "failed writing request records to " + path.string());
  return Ok{};
}

}  // namespace deploybench::loadgen
