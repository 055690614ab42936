#pragma once
// IEEE 754 binary16 ("half") conversion for the int8 models' KV cache. The portable functions
// give exactly the bits of the F16C instructions (vcvtps2ph with round-to-nearest-even,
// vcvtph2ps), so every ISA path stores and reads the same cache.
#include <cstdint>

namespace deploybench::engine {

/// `f` rounded to the nearest half, ties to even: values beyond the half range become
/// infinities, tiny ones subnormals or signed zero; a NaN stays a (quiet) NaN with its sign and
/// top 10 payload bits.
std::uint16_t float_to_half(float f);
/// The float of half `h` (exact: every half is a float); a NaN comes back quiet.
float half_to_float(std::uint16_t h);

}  // namespace deploybench::engine
