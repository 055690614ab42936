#pragma once
// ${VAR} interpolation in scalar values (after YAML parsing, so a value can never change the
// document's structure).
//
// text   := { literal | "$${" | "${" name [ ":-" default ] "}" }
// name   := [A-Za-z_][A-Za-z0-9_]*
// ${NAME:-default} uses default when NAME is unset or empty; "$${" is a literal "${".
#include <string>
#include <string_view>

#include "core/error.h"
#include "scenario/environment.h"

namespace deploybench::scenario::detail {

struct Interpolated {
  std::string value;
  bool secret = false;  // a variable with a secret-looking name contributed to the value
};

/// Errors carry the message and a hint; the caller adds the position.
Result<Interpolated> interpolate(std::string_view text, const Environment& env);

/// True for names such as API_KEY, GITHUB_TOKEN, DB_PASSWORD, CLIENT_SECRET.
bool is_secret_name(std::string_view name);

}  // namespace deploybench::scenario::detail
