// `weft check-family`'s kernel (registry/family_checker) and the plugin guard
// (registry/guarded_plugins): every shipped family passes every check; deliberately wrong
// families fail the right checks; a family plugin's exception becomes a PluginError that
// names the file.
#include <doctest/doctest.h>

#include <weft/errors.hpp>
#include <weft/link.hpp>

#include "plugin_fixture.hpp"
#include "registry/family_checker.hpp"
#include "registry/guarded_plugins.hpp"

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <string>

using namespace weft;
using Status = registry::FamilyCheck::Status;

namespace {

std::unique_ptr<Family> family_from_file(const std::string& file, std::string* name = nullptr) {
  const auto loaded = registry::load_plugin_file(file);
  REQUIRE_MESSAGE(loaded.record.problem.empty(), loaded.record.problem);
  REQUIRE(bool(loaded.create));
  if (name) *name = loaded.record.name;
  return std::unique_ptr<Family>(static_cast<Family*>(loaded.create()));
}

std::vector<std::string> failed(const std::vector<registry::FamilyCheck>& checks) {
  std::vector<std::string> out;
  for (const auto& c : checks)
    if (c.status == Status::Fail) out.push_back(c.name);
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

}  // namespace

TEST_CASE("check-family passes every shipped family") {
  auto& registry = testing::build_tree_plugins();
  for (const auto& name : registry.names("family")) {
    CAPTURE(name);
    const std::string file = std::string(WEFT_BUILD_PLUGIN_DIR_FOR_TESTS) + "/weft_family_" + name + ".so";
    std::string entry;
    auto family = family_from_file(file, &entry);
    const auto checks = registry::check_family(*family, entry);
    CHECK(failed(checks).empty());
    for (const auto& c : checks) {
      CAPTURE(c.name);
      CAPTURE(c.detail);
      CHECK(c.status != Status::Fail);
    }
    CHECK(checks.size() >= 12);
  }
}

TEST_CASE("check-family fails a family with wrong derivatives, and one that does not normalise") {
  const std::string dir = WEFT_TEST_PLUGIN_DIR;
  std::string entry;
  auto wrong = family_from_file(dir + "/weft_test_wrong_derivative_family.so", &entry);
  auto f = failed(registry::check_family(*wrong, entry));
  CHECK(contains(f, "d1 (link log)"));
  CHECK(contains(f, "d2 (link log)"));
  CHECK(f.size() == 2);

  auto unnormalised = family_from_file(dir + "/weft_test_unnormalised_family.so", &entry);
  f = failed(registry::check_family(*unnormalised, entry));
  CHECK(contains(f, "normalisation"));
  CHECK(contains(f, "mean"));
  CHECK(contains(f, "invalid responses"));
  CHECK_FALSE(contains(f, "d1 (link log)"));

  // a name mismatch between the entry point and Family::name() is reported
  f = failed(registry::check_family(*unnormalised, "something_else"));
  CHECK(contains(f, "name"));
}

TEST_CASE("load_plugin_file reports unusable files instead of throwing") {
  const std::string dir = WEFT_TEST_PLUGIN_DIR;
  CHECK(registry::load_plugin_file(dir + "/weft_test_wrong_abi.so").record.problem.find("ABI version 42") != std::string::npos);
  CHECK(registry::load_plugin_file(dir + "/weft_test_wrong_abi.so").record.abi_version == 42);
  CHECK(registry::load_plugin_file(dir + "/not_a_library.so").record.problem.find("cannot be loaded") != std::string::npos);
  CHECK(registry::load_plugin_file(dir + "/no_such_file.so").record.problem == "no such file");
  CHECK(registry::load_plugin_file(dir).record.problem == "not a regular file");
  const auto ok = registry::load_plugin_file(std::string(WEFT_BUILD_PLUGIN_DIR_FOR_TESTS) + "/weft_family_nb1.so");
  CHECK(ok.record.kind == "family");
  CHECK(ok.record.name == "nb1");
  CHECK(bool(ok.create));
}

TEST_CASE("a family plugin's exception becomes a PluginError naming the file") {
  ::setenv("WEFT_TEST_THROW_AT", "1", 1);  // the second evaluate() call throws
  registry::PluginRegistry registry({WEFT_TEST_PLUGIN_DIR});
  auto family = registry.create_family("throws_in_evaluate", "test");
  ::unsetenv("WEFT_TEST_THROW_AT");
  CHECK(family->name() == "throws_in_evaluate");
  const auto link = make_builtin_link("log");
  double y = 2, w = 1, eta = 0.3, l = 0;
  FamilyDerivatives out;
  out.log_density = {&l, 1};
  auto call = [&] { family->evaluate({{&y, 1}, {&w, 1}}, {{&eta, 1}, {}}, *link, {}, out); };
  CHECK_NOTHROW(call());
  CHECK_THROWS_WITH_AS(call(), doctest::Contains("weft_test_throwing_evaluate_family.so: family plugin 'throws_in_evaluate' failed in evaluate: the density table ran out of entries"),
                       registry::PluginError);
  CHECK_NOTHROW(call());  // the guard holds no state: the kernel's Objective remembers failures
}
