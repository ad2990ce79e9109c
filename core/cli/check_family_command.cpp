// `weft check-family PLUGIN.so`: loads one family plugin file directly and checks it
// (registry/family_checker.hpp). The report goes to stdout, one line per check; any failure
// is exit 2 with one line on stderr naming the file and the failed checks.
#include <weft/errors.hpp>
#include <weft/family.hpp>
#include <weft/version.hpp>

#include "commands.hpp"
#include "registry/family_checker.hpp"
#include "registry/plugin_registry.hpp"

#include <iostream>
#include <memory>

namespace weft::cli {

int run_check_family(const std::string& file) {
  const registry::PluginFile loaded = registry::load_plugin_file(file);
  const registry::PluginRecord& r = loaded.record;
  if (!r.problem.empty()) throw InputError(file + ": " + r.problem);
  if (r.kind != "family")
    throw InputError(file + ": is " + (r.kind == "integrator" || r.kind == "optimizer" ? "an " : "a ") + r.kind + " plugin ('" + r.name + "'), not a family; check-family checks family plugins");
  void* object = nullptr;
  try {
    object = loaded.create();
  } catch (const std::exception& e) {
    throw InputError(file + ": family plugin '" + r.name + "' failed to start: " + e.what());
  } catch (...) {
    throw InputError(file + ": family plugin '" + r.name + "' failed to start");
  }
  if (!object) throw InputError(file + ": family plugin '" + r.name + "' created no object");
  const std::unique_ptr<Family> family(static_cast<Family*>(object));

  std::cout << "file     " << r.file.string() << "\n"
            << "plugin   family '" << r.name << "' version " << r.version << ", plugin ABI " << r.abi_version
            << " (this weft: " << WEFT_ABI_VERSION << ")\n";
  for (const auto& line : registry::describe_family(*family)) std::cout << "         " << line << "\n";
  std::cout << "\n";

  const auto checks = registry::check_family(*family, r.name);
  int passed = 0, skipped = 0;
  std::string failed;
  for (const auto& c : checks) {
    const char* tag = c.status == registry::FamilyCheck::Status::Pass   ? "PASS"
                      : c.status == registry::FamilyCheck::Status::Skip ? "SKIP"
                                                                        : "FAIL";
    std::cout << tag << "  " << c.name << ": " << c.detail << "\n";
    if (c.status == registry::FamilyCheck::Status::Pass) ++passed;
    if (c.status == registry::FamilyCheck::Status::Skip) ++skipped;
    if (c.status == registry::FamilyCheck::Status::Fail) failed += (failed.empty() ? "" : ", ") + c.name;
  }
  const int n_failed = int(checks.size()) - passed - skipped;
  std::cout << "\n" << passed << " passed, " << n_failed << " failed, " << skipped << " skipped\n";
  std::cout.flush();
  if (n_failed > 0)
    throw InputError(file + ": family '" + r.name + "' failed " + std::to_string(n_failed) + " of " +
                     std::to_string(checks.size()) + " checks: " + failed);
  return 0;
}

}  // namespace weft::cli
