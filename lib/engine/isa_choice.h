#pragma once
// Choosing the kernel path by name (refbot's --isa and REFBOT_ISA): "auto" is the best path the
// CPU supports (detect_isa()); a named path must be one the CPU can run.
#include <string>
#include <string_view>

#include "core/error.h"
#include "engine/kernels.h"

namespace deploybench::engine {

/// "auto, portable, avx2, avx512": the names choose_isa() accepts.
std::string isa_names();

/// The path `name` names: auto, portable, avx2, avx512 (or avx512-vnni, as to_string(Isa)
/// spells it). Errors (InvalidArgument) for an unknown name, with a did-you-mean hint, and for
/// a path this CPU lacks (e.g. avx512 on a CPU without AVX-512 VNNI), naming the CPU's best.
Result<Isa> choose_isa(std::string_view name);

}  // namespace deploybench::engine
