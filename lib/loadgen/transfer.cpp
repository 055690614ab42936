#include "loadgen/transfer.h"

#include <strings.h>

#include <charconv>

namespace deploybench::loadgen {
namespace {

Nanos micros_info(CURL* easy, CURLINFO info) {
  curl_off_t us = 0;
  if (curl_easy_getinfo(easy, info, &us) != CURLE_OK || us <= 0) return kNever;
  return std::chrono::microseconds{us};
}

// "HTTP/1.1 200 OK" -> 200; 0 if the line is not a status line.
int parse_status_line(std::string_view line) {
  if (line.size() < 12 || line.substr(0, 5) != "HTTP/") return 0;
  const auto space = line.find(' ');
  if (space == std::string_view::npos || space + 4 > line.size()) return 0;
  int code = 0;
  std::from_chars(line.data() + space + 1, line.data() + space + 4, code);
  return code;
}

}  // namespace

ErrorKind classify_curl_error(CURLcode code) {
  switch (code) {
    case CURLE_OK:
      return ErrorKind::None;
    case CURLE_OPERATION_TIMEDOUT:
      return ErrorKind::Timeout;
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
    case CURLE_COULDNT_CONNECT:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return ErrorKind::Connect;
    default:
      return ErrorKind::Transport;
  }
}

void apply_tls(CURL* easy, const TlsOptions& tls) {
  if (!tls.ca_file.empty()) curl_easy_setopt(easy, CURLOPT_CAINFO, tls.ca_file.c_str());
  if (tls.insecure) {
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, 0L);
  }
}

Transfer::Transfer(const RequestTemplate& tmpl, curl_slist* headers, TimePoint t0)
    : easy_(curl_easy_init()), tmpl_(tmpl), t0_(t0) {
  curl_easy_setopt(easy_, CURLOPT_URL, tmpl.url.c_str());
  curl_easy_setopt(easy_, CURLOPT_HTTP_VERSION, CURL_HTTP_VERSION_1_1);
  curl_easy_setopt(easy_, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(easy_, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(easy_, CURLOPT_PROXY, "");  // no proxy: also skips reading *_proxy variables per request
  curl_easy_setopt(easy_, CURLOPT_TIMEOUT_MS, static_cast<long>(tmpl.timeout.count() / 1'000'000));
  curl_easy_setopt(easy_, CURLOPT_WRITEFUNCTION, &Transfer::on_write);
  curl_easy_setopt(easy_, CURLOPT_WRITEDATA, this);
  curl_easy_setopt(easy_, CURLOPT_HEADERFUNCTION, &Transfer::on_header);
  curl_easy_setopt(easy_, CURLOPT_HEADERDATA, this);
  curl_easy_setopt(easy_, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(easy_, CURLOPT_PRIVATE, this);
  curl_easy_setopt(easy_, CURLOPT_ERRORBUFFER, error_text_);
  apply_tls(easy_, tmpl.tls);
  if (tmpl.post)
    curl_easy_setopt(easy_, CURLOPT_POST, 1L);
  else
    curl_easy_setopt(easy_, CURLOPT_HTTPGET, 1L);
}

Transfer::~Transfer() { curl_easy_cleanup(easy_); }

void Transfer::prepare(const std::string* body, RequestRecord record, stats::LatencyHistogram* itl) {
  record_ = record;
  reader_.reset(tmpl_.mode, itl);
  last_arrival_ = kNever;
  if (tmpl_.post && body) {
    curl_easy_setopt(easy_, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
    curl_easy_setopt(easy_, CURLOPT_POSTFIELDS, body->data());
  }
}

size_t Transfer::on_write(char* data, size_t size, size_t count, void* self) {
  const TimePoint now = SteadyClock::now();  // first: the arrival time, before any bookkeeping
  auto* t = static_cast<Transfer*>(self);
  t->last_arrival_ = now - t->t0_;
  t->reader_.on_bytes(std::string_view(data, size * count), t->last_arrival_);
  return size * count;
}

size_t Transfer::on_header(char* data, size_t size, size_t count, void* self) {
  auto* t = static_cast<Transfer*>(self);
  std::string_view line(data, size * count);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  if (const int status = parse_status_line(line)) {  // a new response (e.g. after 100 Continue)
    t->record_.http_status = static_cast<std::int16_t>(status);
    t->reader_.set_status(status);
  } else if (line.size() > 14 && strncasecmp(line.data(), "server-timing:", 14) == 0) {
    parse_server_timing(line.substr(14), t->record_);
  }
  return size * count;
}

void Transfer::read_timings() {
  long connects = 0;
  curl_easy_getinfo(easy_, CURLINFO_NUM_CONNECTS, &connects);
  if (connects > 0) {  // phase times are cumulative from the start of the transfer
    record_.dns = micros_info(easy_, CURLINFO_NAMELOOKUP_TIME_T);
    record_.connect = micros_info(easy_, CURLINFO_CONNECT_TIME_T);
    record_.tls = micros_info(easy_, CURLINFO_APPCONNECT_TIME_T);
  }
  record_.first_byte = micros_info(easy_, CURLINFO_STARTTRANSFER_TIME_T);
}

RequestRecord& Transfer::complete(CURLcode code, Nanos now) {
  record_.done = code == CURLE_OK && last_arrival_ != kNever ? last_arrival_ : now;
  read_timings();
  record_.error = classify_curl_error(code);
  if (code == CURLE_OK) {
    long status = 0;
    curl_easy_getinfo(easy_, CURLINFO_RESPONSE_CODE, &status);
    record_.http_status = static_cast<std::int16_t>(status);
    reader_.set_status(static_cast<int>(status));
    if (status < 200 || status >= 300) {
      record_.error = ErrorKind::HttpStatus;
    } else {
      reader_.finish();
    }
  }
  reader_.fill(record_);
  return record_;
}

}  // namespace deploybench::loadgen
