// A plugin built against a different (future) ABI: the registry must refuse it by number.
#include <weft/plugin.hpp>

extern "C" BOOST_SYMBOL_EXPORT const weft_plugin_info* weft_plugin() {
  static const weft_plugin_info info{WEFT_PLUGIN_MAGIC, 42u, "family", "future", "9.9.9", nullptr, 0u};
  return &info;
}
