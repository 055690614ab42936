#pragma once
// One reusable curl easy handle and the state of the request it carries. Keep-alive comes from
// the owning worker's multi handle, whose connection cache outlives each transfer.
#include <curl/curl.h>

#include <string>
#include <vector>

#include "core/error.h"
#include "loadgen/record.h"
#include "loadgen/response_reader.h"

namespace deploybench::loadgen {

/// How HTTPS peers are verified. By default against the system's CA store, like curl.
struct TlsOptions {
  std::string ca_file;    // PEM bundle to trust instead of the system store (curl --cacert)
  bool insecure = false;  // skip peer and host name verification (curl --insecure)
};

/// Applies `tls` to an easy handle (no-op for the defaults).
void apply_tls(CURL* easy, const TlsOptions& tls);

/// What every request of a run shares.
struct RequestTemplate {
  std::string url;   // full URL, e.g. http://127.0.0.1:8080/v1/chat/completions
  bool post = true;  // false: GET without a body
  ResponseMode mode = ResponseMode::ChatStream;
  std::vector<std::string> headers;  // "Name: value", including Authorization when set
  Nanos timeout{std::chrono::seconds{60}};
  TlsOptions tls;
};

class Transfer {
 public:
  Transfer(const RequestTemplate& tmpl, curl_slist* headers, TimePoint t0);
  ~Transfer();
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  CURL* easy() const noexcept { return easy_; }
  /// Prepares the next request; `body` must outlive the transfer (the prepared workload does).
  void prepare(const std::string* body, RequestRecord record, stats::LatencyHistogram* itl);
  /// Fills the record's outcome from curl's result code and timings; `now` is the offset at
  /// which completion was noticed (used when no byte ever arrived).
  RequestRecord& complete(CURLcode code, Nanos now);
  RequestRecord& record() noexcept { return record_; }
  const std::string& error_body() const noexcept { return reader_.error_body(); }
  /// curl's own description of a failed transfer (e.g. "SSL certificate problem: ...").
  const char* curl_error() const noexcept { return error_text_; }

  int user = -1;       // closed loop: the virtual user this slot belongs to
  bool first = false;  // the first request its worker sent

 private:
  static size_t on_write(char* data, size_t size, size_t count, void* self);
  static size_t on_header(char* data, size_t size, size_t count, void* self);
  void read_timings();

  CURL* easy_ = nullptr;
  const RequestTemplate& tmpl_;
  TimePoint t0_;
  RequestRecord record_;
  ResponseReader reader_;
  Nanos last_arrival_ = kNever;
  char error_text_[CURL_ERROR_SIZE] = {};  // CURLOPT_ERRORBUFFER: curl clears it per transfer
};

/// Maps a curl error to the taxonomy (connect / timeout / transport).
ErrorKind classify_curl_error(CURLcode code);

}  // namespace deploybench::loadgen
