#pragma once
// The one exit-code table (style rule 8); README "Exit codes" documents it. Only apps/ map
// errors to these. CI can tell "the system regressed" (4) from "the harness broke" (1, 3).
namespace deploybench::cli {

enum class ExitCode : int {
  Ok = 0,               // success
  Failure = 1,          // a run or command failed (deploy, load, I/O); harness errors
  Usage = 2,            // bad command-line flags
  InvalidScenario = 3,  // the scenario file is missing or invalid
  GateFailed = 4,       // an SLO or regression gate failed
  Interrupted = 130,    // Ctrl-C / SIGTERM, or stdout/stderr closed (a broken pipe)
};

inline int code(ExitCode c) { return static_cast<int>(c); }

}  // namespace deploybench::cli
