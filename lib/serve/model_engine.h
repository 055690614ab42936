#pragma once
// The adapter from serve's Engine seam to the inference core (engine::Model, Tokenizer,
// Sampler): what refbot serves for --preset tiny|small|base and --model.
#include <memory>
#include <string>

#include "core/error.h"
#include "engine/config.h"
#include "serve/engine.h"

namespace deploybench::serve {

/// Loads the model and its tokenizer (errors name the file). The served model id is
/// "refbot-<preset>" for presets and the checkpoint's file stem otherwise.
Result<std::unique_ptr<Engine>> load_model_engine(const engine::ModelOptions& options);

}  // namespace deploybench::serve
