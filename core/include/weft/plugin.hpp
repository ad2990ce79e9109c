#pragma once
// The plugin entry point: every plugin library exports one C function
//
//   extern "C" const weft_plugin_info* weft_plugin();
//
// The kernel (core/src/registry) loads the library with Boost.DLL, calls it, checks `magic`
// and `abi_version` before reading anything else, and refuses a mismatch with a message
// naming the file. `create` returns a new object of the kind's interface (weft::Family*,
// weft::Link*, weft::Integrator*, weft::Optimizer*) cast to void*; the kernel owns it and
// keeps the library loaded for the life of the process.
//
// Write the entry point with one of the macros at the bottom:
//   WEFT_FAMILY_PLUGIN(weft::AutoDiffFamily<MyDensity>, "mydist", "1.0.0")
#include <weft/version.hpp>

#include <boost/config.hpp>

#include <cstdint>

#define WEFT_PLUGIN_MAGIC 0x77656674u  // "weft"

extern "C" {
struct weft_plugin_info {
  std::uint32_t magic;        // WEFT_PLUGIN_MAGIC
  std::uint32_t abi_version;  // WEFT_ABI_VERSION the plugin was built with
  const char* kind;           // "family" | "link" | "integrator" | "optimizer"
  const char* name;           // what YAML names it by: "binomial", "laplace", "lbfgsb"
  const char* version;        // the plugin's own version
  void* (*create)();          // a new object of the kind's interface
  // WEFT_INTEGRATOR_ABI_VERSION for integrators (the weft/integrator/ layer they are built
  // against); 0 for the other kinds, which do not see that layer.
  std::uint32_t layer_abi_version;
};
}

#define WEFT_PLUGIN_ENTRY_(KIND, INTERFACE, CLASS, NAME, VERSION, LAYER_ABI)                     \
  extern "C" BOOST_SYMBOL_EXPORT const weft_plugin_info* weft_plugin() {                        \
    static const weft_plugin_info info{WEFT_PLUGIN_MAGIC, WEFT_ABI_VERSION, KIND, NAME, VERSION, \
                                       []() -> void* { return static_cast<INTERFACE*>(new CLASS()); }, \
                                       LAYER_ABI};                                               \
    return &info;                                                                                \
  }

#define WEFT_FAMILY_PLUGIN(CLASS, NAME, VERSION) WEFT_PLUGIN_ENTRY_("family", ::weft::Family, CLASS, NAME, VERSION, 0u)
#define WEFT_LINK_PLUGIN(CLASS, NAME, VERSION) WEFT_PLUGIN_ENTRY_("link", ::weft::Link, CLASS, NAME, VERSION, 0u)
// (integrator plugins include <weft/integrator/integrator.hpp>, which defines
// WEFT_INTEGRATOR_ABI_VERSION's use here)
#define WEFT_INTEGRATOR_PLUGIN(CLASS, NAME, VERSION) \
  WEFT_PLUGIN_ENTRY_("integrator", ::weft::Integrator, CLASS, NAME, VERSION, WEFT_INTEGRATOR_ABI_VERSION)
#define WEFT_OPTIMIZER_PLUGIN(CLASS, NAME, VERSION) \
  WEFT_PLUGIN_ENTRY_("optimizer", ::weft::Optimizer, CLASS, NAME, VERSION, 0u)
