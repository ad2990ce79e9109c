#include "config/model_spec_json.hpp"

#include <weft/errors.hpp>

#include <filesystem>

namespace weft::config {

using nlohmann::json;

namespace {

json component_to_json(const ComponentSpec& c) {
  return {{"name", c.name}, {"options", c.options}, {"lists", c.lists}};
}

std::string absolute_text(const std::filesystem::path& p) {
  std::error_code ec;
  const auto a = std::filesystem::absolute(p, ec);
  return (ec ? p : a).lexically_normal().string();
}

// Reads the document's recipe; any type mismatch is the same one-line InputError.
class SpecBlockReader {
 public:
  SpecBlockReader(const json& block, std::string where) : block_(block), where_(std::move(where)) {}

  const json& at(const char* key) const {
    if (!block_.contains(key)) fail(std::string("no \"") + key + "\"");
    return block_.at(key);
  }
  std::string text(const char* key) const {
    const json& v = at(key);
    if (!v.is_string()) fail(std::string("\"") + key + "\" must be text");
    return v.get<std::string>();
  }
  std::optional<std::string> optional_text(const char* key) const {
    if (!block_.contains(key) || block_.at(key).is_null()) return std::nullopt;
    return text(key);
  }
  ComponentSpec component(const char* key) const {
    const json& v = at(key);
    try {
      return {v.at("name").get<std::string>(), v.at("options").get<std::map<std::string, std::string>>(),
              v.at("lists").get<std::map<std::string, std::vector<std::string>>>()};
    } catch (const json::exception&) {
      fail(std::string("\"") + key + "\" must have name, options and lists");
    }
  }
  std::vector<std::string> texts(const char* key) const {
    try {
      return at(key).get<std::vector<std::string>>();
    } catch (const json::exception&) {
      fail(std::string("\"") + key + "\" must be a list of text");
    }
  }
  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(where_ + ": the result's model recipe (\"model\".\"spec\") is not readable: " + what +
                     " (write the result with this weft's `weft fit --format json`)");
  }

 private:
  const json& block_;
  std::string where_;
};

}  // namespace

json spec_to_json(const ModelSpec& spec) {
  std::vector<std::string> plugin_path;
  for (const auto& p : spec.plugin_path) plugin_path.push_back(absolute_text(p));
  std::vector<std::string> data_files;  // a table read from several files (data: [...])
  if (spec.data_paths.size() > 1)
    for (const auto& p : spec.data_paths) data_files.push_back(absolute_text(p));
  return {{"config", spec.config_name},
          {"data_files", data_files},
          {"data", spec.data_path.empty() ? json(nullptr) : json(absolute_text(spec.data_path))},
          {"data_name", spec.data_name},
          {"formula", spec.formula},
          {"zi", spec.zi_formula ? json(*spec.zi_formula) : json(nullptr)},
          {"family", component_to_json(spec.family)},
          {"link", spec.link ? json(*spec.link) : json(nullptr)},
          {"weights", spec.weights ? json(*spec.weights) : json(nullptr)},
          {"offset", spec.offset ? json(*spec.offset) : json(nullptr)},
          {"groups", spec.groups},
          {"reml", spec.reml ? json(*spec.reml) : json(nullptr)},
          {"integrator", component_to_json(spec.integrator)},
          {"optimizer", component_to_json(spec.optimizer)},
          {"plugin_path", plugin_path},
          {"na_action", spec.na_action == NaAction::Omit ? "omit" : "fail"}};
}

ModelSpec spec_from_json(const json& block, const std::string& where) {
  const SpecBlockReader r(block, where);
  if (!block.is_object()) r.fail("not an object");
  ModelSpec spec;
  spec.config_name = r.text("config");
  const auto data = r.optional_text("data");
  if (!data)
    throw InputError(where + ": the model was fitted from data in memory (Python), not a file: simulate it from "
                             "Python (result.simulate())");
  spec.data_path = *data;
  spec.data_name = r.text("data_name");
  if (block.contains("data_files"))
    for (const auto& file : r.texts("data_files")) {
      spec.data_paths.emplace_back(file);
      spec.data_names.push_back(std::filesystem::path(file).filename().string());
    }
  spec.config_dir = spec.data_path.parent_path();
  spec.formula = r.text("formula");
  spec.zi_formula = r.optional_text("zi");
  spec.family = r.component("family");
  spec.link = r.optional_text("link");
  spec.weights = r.optional_text("weights");
  spec.offset = r.optional_text("offset");
  spec.groups = r.texts("groups");
  if (block.contains("reml") && block["reml"].is_boolean()) spec.reml = block["reml"].get<bool>();
  spec.integrator = r.component("integrator");
  spec.optimizer = r.component("optimizer");
  for (const auto& p : r.texts("plugin_path")) spec.plugin_path.emplace_back(p);
  spec.na_action = r.text("na_action") == "omit" ? NaAction::Omit : NaAction::Fail;
  return spec;
}

}  // namespace weft::config
