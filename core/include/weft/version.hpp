#pragma once
// Versions of weft and of its two plugin ABIs.
//
// The SDK has two layers (docs/architecture.md, "The SDK's layers"):
// - WEFT_ABI_VERSION covers what every plugin sees: plugin.hpp (the entry point), family.hpp,
//   link.hpp, optimizer.hpp and the structs they pass. Family, link and optimizer authors
//   depend on this alone.
// - WEFT_INTEGRATOR_ABI_VERSION covers the integrator-author layer, weft/integrator/: the
//   Integrator and MarginalLikelihood interfaces, ModelMatrices and the Laplace toolkit
//   (penalised IRLS, sparse Gram, selected inverse, spherical design). It changes whenever
//   the kernel's model representation or the toolkit changes, without touching families.
// The registry refuses a plugin whose version of either differs, with a message naming the file.

#define WEFT_VERSION_STRING "0.2.0"
#define WEFT_ABI_VERSION 4u
#define WEFT_INTEGRATOR_ABI_VERSION 5u  // 5: ModelMatrices::shards (row_shards.hpp)
