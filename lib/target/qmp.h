#pragma once
// A minimal QMP (QEMU Machine Protocol) client over a unix socket: enough to send one command
// (system_powerdown, quit) after the capabilities handshake.
#include <filesystem>
#include <string>

#include "core/error.h"
#include "core/units.h"

namespace deploybench::target {

/// Connects, negotiates capabilities, sends {"execute": command} and waits for its reply.
/// Returns the reply line; an Error when the socket is gone, the reply is an error, or the whole
/// exchange exceeds `timeout`.
Result<std::string> qmp_execute(const std::filesystem::path& socket, const std::string& command, Nanos timeout);

}  // namespace deploybench::target
