#include <weft/errors.hpp>

#include "commands.hpp"
#include "data/data_frame.hpp"
#include "predict/predictor.hpp"
#include "registry/plugin_registry.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace weft::cli {

int run_predict(const PredictArguments& args) {
  if (args.type != "response" && args.type != "link" && args.type != "class")
    throw InputError("--type: expected response, link or class, got '" + args.type + "'");
  const nlohmann::json result = read_result_document(args.result);
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
  const predict::Predictions p = predict::predict(result, args.result, newdata, options, registry);
  std::string csv;
  if (args.type == "class") {
    if (p.classes.empty())
      throw InputError("--type class: the model's response has no levels; use --type response or link");
    csv = "class\n";
    for (const auto& c : p.classes) csv += csv_field(c) + "\n";
  } else {
    // One column per prediction column: "prediction", or one per response level.
    for (std::size_t c = 0; c < p.columns.size(); ++c) csv += (c ? "," : "") + csv_field(p.columns[c]);
    csv += "\n";
    char buffer[64];
    for (Index i = 0; i < p.values.rows(); ++i) {
      for (Index c = 0; c < p.values.cols(); ++c) {
        if (std::isnan(p.values(i, c))) {  // a row with missing values (R writes NA)
          csv += c ? ",NA" : "NA";
          continue;
        }
        std::snprintf(buffer, sizeof buffer, c ? ",%.17g" : "%.17g", p.values(i, c));
        csv += buffer;
      }
      csv += "\n";
    }
  }
  write_output(args.output, csv);
  return 0;
}

}  // namespace weft::cli
