#include "predict/predictor.hpp"

#include <weft/errors.hpp>

#include "design/model_builder.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace weft::predict {

using nlohmann::json;

namespace {

// Reads a block of the result's "model" or fails naming it.
const json& field(const json& object, const char* key, const std::string& where) {
  if (!object.is_object() || !object.contains(key))
    throw InputError(where + ": not a weft result document (no \"" + key + "\"); write one with `weft fit --format json`");
  return object.at(key);
}

Vector vector_of(const json& array, const std::string& where, const char* name) {
  if (!array.is_array()) throw InputError(where + ": \"" + name + "\" must be a list of numbers");
  Vector v(array.size());
  for (std::size_t i = 0; i < array.size(); ++i) {
    if (!array[i].is_number()) throw InputError(where + ": \"" + name + "\" must be a list of numbers");
    v(Index(i)) = array[i].get<double>();
  }
  return v;
}

// The fitted family again: created, configured and shown the response as in the fit.
std::unique_ptr<Family> fitted_family(const json& model, const std::string& result_name,
                                      registry::PluginRegistry& registry) {
  const std::string family_name = field(model, "family", result_name).get<std::string>();
  auto family = registry.create_family(family_name, result_name + ": family");
  std::map<std::string, std::string> options;
  std::map<std::string, std::vector<std::string>> lists;
  if (model.contains("family_options") && model["family_options"].is_object())
    for (const auto& [key, value] : model["family_options"].items()) {
      if (value.is_string()) options[key] = value.get<std::string>();
      else if (value.is_array() && std::all_of(value.begin(), value.end(), [](const json& v) { return v.is_string(); }))
        lists[key] = value.get<std::vector<std::string>>();
      else throw InputError(result_name + ": \"family_options\" must hold text or lists of text");
    }
  family->configure(Options(result_name, "family", options, lists));
  ResponseLevels levels;
  if (model.contains("response_levels") && model["response_levels"].is_object()) {
    const json& r = model["response_levels"];
    const std::string where = result_name + ": \"response_levels\"";
    if (!r.contains("names") || !r["names"].is_array() || !r.contains("weights") || !r["weights"].is_array() ||
        r["names"].size() != r["weights"].size())
      throw InputError(where + " must have equally long lists \"names\" and \"weights\"");
    for (const auto& name : r["names"]) {
      if (!name.is_string()) throw InputError(where + ": names must be text");
      levels.names.push_back(name.get<std::string>());
    }
    const Vector weights = vector_of(r["weights"], where, "weights");
    levels.weights.assign(weights.data(), weights.data() + weights.size());
  }
  family->set_response(levels);
  return family;
}

// Predictions for the complete rows spread over every newdata row: missing (NaN, class "NA")
// where a row had a missing value (R's na.exclude).
Predictions with_missing_rows(Predictions p, const design::NewDataDesign& nd) {
  if (nd.rows.empty()) return p;
  Matrix values = Matrix::Constant(nd.newdata_rows, p.values.cols(), std::numeric_limits<double>::quiet_NaN());
  std::vector<std::string> classes;
  if (!p.classes.empty()) classes.assign(std::size_t(nd.newdata_rows), "NA");
  for (std::size_t i = 0; i < nd.rows.size(); ++i) {
    values.row(nd.rows[i]) = p.values.row(Index(i));
    if (!classes.empty()) classes[std::size_t(nd.rows[i])] = p.classes[i];
  }
  p.values = std::move(values);
  p.classes = std::move(classes);
  return p;
}

Predictions complete_rows(const json& model, const std::string& result_name, const design::NewDataDesign& nd,
                          const PredictOptions& options, registry::PluginRegistry& registry);

}  // namespace

Predictions predict(const json& result, const std::string& result_name, const data::DataFrame& newdata,
                    const PredictOptions& options, registry::PluginRegistry& registry) {
  const json& model = field(result, "model", result_name);
  const design::NewDataDesign nd =
      design::build_newdata(field(model, "design", result_name), newdata, !options.population);
  return with_missing_rows(complete_rows(model, result_name, nd, options, registry), nd);
}

namespace {

Predictions complete_rows(const json& model, const std::string& result_name, const design::NewDataDesign& nd,
                          const PredictOptions& options, registry::PluginRegistry& registry) {
  const Vector beta = vector_of(field(model, "beta", result_name), result_name, "beta");
  const Vector beta_zi = vector_of(field(model, "beta_zi", result_name), result_name, "beta_zi");
  if (beta.size() != nd.X.cols() || beta_zi.size() != nd.X_zi.cols())
    throw InputError(result_name + ": the coefficients do not match the model's design");

  Vector eta = nd.X * beta + nd.offset;
  if (!options.population) {
    const json& ranef = field(model, "ranef", result_name);
    if (!ranef.is_array() || ranef.size() != nd.level.size())
      throw InputError(result_name + ": \"ranef\" does not match the model's random terms");
    for (std::size_t t = 0; t < nd.level.size(); ++t) {
      const json& values = field(ranef[t], "values", result_name);
      for (Index i = 0; i < eta.size(); ++i) {
        const Index level = nd.level[t][i];
        if (level < 0) continue;  // a level not seen in fitting: its effects are zero
        if (level >= Index(values.size())) throw InputError(result_name + ": \"ranef\" has too few levels");
        const Vector b = vector_of(values[level], result_name, "ranef values");
        if (b.size() != nd.values[t].cols()) throw InputError(result_name + ": \"ranef\" has the wrong number of terms");
        eta(i) += nd.values[t].row(i).dot(b);
      }
    }
  }
  Predictions out;
  const Index n = eta.size();
  if (options.link_scale) {
    out.columns = {"prediction"};
    out.values = eta;
    return out;
  }

  // Response scale: the family's mean including any zero part, or its prediction columns.
  const auto family = fitted_family(model, result_name, registry);
  const std::string link_name = field(model, "link", result_name).get<std::string>();
  std::unique_ptr<Link> link = make_builtin_link(link_name);
  if (!link) link = registry.create_link(link_name, result_name + ": link");
  std::vector<double> params;
  const json& stored = field(model, "family_parameters", result_name);
  for (const auto& p : family->parameters()) {
    if (!stored.contains(p.name) || !stored[p.name].is_number())
      throw InputError(result_name + ": family parameter '" + p.name + "' is missing");
    params.push_back(stored[p.name].get<double>());
  }
  const Vector eta_zi = nd.X_zi.cols() ? Vector(nd.X_zi * beta_zi) : Vector::Constant(n, -INFINITY);
  out.columns = family->prediction_columns();
  if (out.columns.empty()) {
    out.columns = {"prediction"};
    out.values.resize(n, 1);
    for (Index i = 0; i < n; ++i) {
      const double zero_probability = 1.0 / (1.0 + std::exp(-eta_zi(i)));
      out.values(i, 0) = family->mean(link->linkinv(eta(i)), zero_probability, params);
    }
    return out;
  }
  const Index k = Index(out.columns.size());
  out.values.resize(n, k);
  Vector row(k);
  for (Index i = 0; i < n; ++i) {
    const double zero_probability = 1.0 / (1.0 + std::exp(-eta_zi(i)));
    family->predict_columns(eta(i), zero_probability, *link, params, {row.data(), std::size_t(k)});
    out.values.row(i) = row;
  }
  if (family->support() == Support::OrderedCategories) {
    out.classes.reserve(std::size_t(n));
    for (Index i = 0; i < n; ++i) {
      Index best = 0;
      out.values.row(i).maxCoeff(&best);
      out.classes.push_back(out.columns[std::size_t(best)]);
    }
  }
  return out;
}

}  // namespace

}  // namespace weft::predict
