#include <weft/errors.hpp>

#include "commands.hpp"
#include "data/data_frame.hpp"
#include "predict/predictor.hpp"
#include "registry/plugin_registry.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace weft::cli {

namespace {

nlohmann::json read_result(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec))
    throw InputError(path + ": no such result file (write one with `weft fit MODEL.yaml --format json --output " + path + "`)");
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json doc = nlohmann::json::parse(text.str(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object())
    throw InputError(path + ": not a JSON result document (write one with `weft fit ... --format json`)");
  return doc;
}

}  // namespace

int run_predict(const PredictArguments& args) {
  if (args.type != "response" && args.type != "link")
    throw InputError("--type: expected response or link, got '" + args.type + "'");
  const nlohmann::json result = read_result(args.result);
  std::vector<std::filesystem::path> plugin_path;
  if (result.contains("model") && result["model"].is_object() && result["model"].contains("plugin_path") &&
      result["model"]["plugin_path"].is_array())
    for (const auto& p : result["model"]["plugin_path"])
      if (p.is_string()) plugin_path.emplace_back(p.get<std::string>());
  registry::PluginRegistry registry(plugin_path);
  const data::DataFrame newdata = data::read_csv(args.newdata, args.newdata, 1);
  predict::PredictOptions options;
  options.link_scale = args.type == "link";
  options.population = args.population;
  const std::vector<double> values = predict::predict(result, args.result, newdata, options, registry);
  std::string csv = "prediction\n";
  char buffer[64];
  for (double v : values) {
    std::snprintf(buffer, sizeof buffer, "%.17g\n", v);
    csv += buffer;
  }
  write_output(args.output, csv);
  return 0;
}

}  // namespace weft::cli
