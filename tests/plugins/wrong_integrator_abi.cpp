// An integrator built against another version of the integrator layer (weft/integrator/):
// the registry must refuse it by that number, while the plugin ABI itself matches.
#include <weft/plugin.hpp>

extern "C" BOOST_SYMBOL_EXPORT const weft_plugin_info* weft_plugin() {
  static const weft_plugin_info info{WEFT_PLUGIN_MAGIC, WEFT_ABI_VERSION, "integrator", "future_integrator", "9.9.9",
                                     [] { return static_cast<void*>(nullptr); }, 42u};
  return &info;
}
