#pragma once
// Incremental, crash-safe result writing (style rule 9): after every cell the whole ResultSet is
// rewritten to <run_dir>/results.json and <run_dir>/results.csv by write-to-temp-then-rename, so
// a crash at cell 37 of 40 keeps the first 36 and never leaves a half-written file.
#include <filesystem>
#include <string>

#include "core/error.h"
#include "result/run_result.h"

namespace deploybench::result {

/// Not thread-safe: the runner calls it from one thread.
class ResultSink {
 public:
  /// Nothing is written until the first add() or finish().
  ResultSink(std::filesystem::path run_dir, Manifest manifest);

  /// Appends one cell and rewrites both files. On an I/O error the cell is still kept in memory.
  Status add(const CellResult& cell);
  /// Sets manifest.status ("complete", "failed", "interrupted") and finished_at, and rewrites.
  Status finish(std::string status, std::string finished_at = {});

  const ResultSet& results() const { return results_; }
  const std::filesystem::path& json_path() const { return json_path_; }
  const std::filesystem::path& csv_path() const { return csv_path_; }

 private:
  Status flush() const;

  std::filesystem::path json_path_, csv_path_;
  ResultSet results_;
};

}  // namespace deploybench::result
