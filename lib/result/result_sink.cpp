#include "result/result_sink.h"

#include "core/fs.h"
#include "result/result_csv.h"
#include "result/result_json.h"

namespace deploybench::result {

ResultSink::ResultSink(std::filesystem::path run_dir, Manifest manifest)
    : json_path_(run_dir / "results.json"), csv_path_(run_dir / "results.csv") {
  results_.manifest = std::move(manifest);
}

Status ResultSink::add(const CellResult& cell) {
  results_.cells.push_back(cell);
  return flush();
}

Status ResultSink::finish(std::string status, std::string finished_at) {
  results_.manifest.status = std::move(status);
  if (!finished_at.empty()) results_.manifest.finished_at = std::move(finished_at);
  return flush();
}

Status ResultSink::flush() const {
  // JSON first: it is the canonical file; the CSV is derived from the same records.
  if (auto s = write_file_atomic(json_path_, to_json(results_)); !s) return s;
  return write_file_atomic(csv_path_, to_csv(results_));
}

}  // namespace deploybench::result
