// Plugin discovery and safety: every shipped plugin is found; broken files are reported
// with a reason naming them and never crash the kernel.
#include <doctest/doctest.h>

#include <weft/errors.hpp>

#include "plugin_fixture.hpp"

#include <algorithm>

using namespace weft;

namespace {
bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

const registry::PluginRecord& record_for(registry::PluginRegistry& r, const std::string& file_part) {
  for (const auto& rec : r.records())
    if (rec.file.string().find(file_part) != std::string::npos) return rec;
  FAIL("no record for " << file_part);
  throw;
}
}  // namespace

TEST_CASE("the shipped plugins are found by kind and name") {
  auto& registry = testing::build_tree_plugins();
  for (const char* f : {"binomial", "poisson", "nb2", "zip", "zinb2", "hurdle_poisson", "hurdle_nb2", "nb1", "gamma", "beta", "zoib"})
    CHECK(has(registry.names("family"), f));
  CHECK(has(registry.names("integrator"), "laplace"));
  CHECK(has(registry.names("integrator"), "agq"));
  CHECK(has(registry.names("optimizer"), "lbfgsb"));
  CHECK(has(registry.names("optimizer"), "bobyqa"));
}

TEST_CASE("an unknown name is an error that suggests the nearest plugin") {
  auto& registry = testing::build_tree_plugins();
  CHECK_THROWS_WITH_AS(registry.create_family("binomail", "config.yaml: family"),
                       doctest::Contains("config.yaml: family: unknown family 'binomail' (did you mean 'binomial'?)"), InputError);
  CHECK_THROWS_WITH_AS(registry.create_optimizer("nelder", "config.yaml: optimizer"), doctest::Contains("available: "), InputError);
}

TEST_CASE("broken plugin files are refused with a reason, and the good ones still work") {
  registry::PluginRegistry registry({WEFT_TEST_PLUGIN_DIR, WEFT_BUILD_PLUGIN_DIR_FOR_TESTS});
  CHECK(record_for(registry, "wrong_abi").problem.find("ABI version") != std::string::npos);
  CHECK(record_for(registry, "no_entry_point").problem.find("not a weft plugin") != std::string::npos);
  CHECK(record_for(registry, "not_a_library").problem.find("cannot be loaded") != std::string::npos);
  CHECK_FALSE(has(registry.names("family"), "future"));
  CHECK_THROWS_WITH_AS(registry.create_family("throws", "config.yaml: family"),
                       doctest::Contains("throwing_family.so) failed to start: cannot allocate the lookup table"), InputError);
  CHECK_THROWS_WITH_AS(registry.create_family("future", "config.yaml: family"), doctest::Contains("could not be used"), InputError);
  CHECK(registry.create_family("poisson", "test")->name() == "poisson");
}
