#include "predict/predictor.hpp"

#include <weft/errors.hpp>

#include "design/model_builder.hpp"

#include <cmath>

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

}  // namespace

std::vector<double> predict(const json& result, const std::string& result_name, const data::DataFrame& newdata,
                            const PredictOptions& options, registry::PluginRegistry& registry) {
  const json& model = field(result, "model", result_name);
  const design::NewDataDesign nd =
      design::build_newdata(field(model, "design", result_name), newdata, !options.population);
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
  std::vector<double> out(eta.data(), eta.data() + eta.size());
  if (options.link_scale) return out;

  // Response scale: the family's mean, including any zero part.
  const std::string family_name = field(model, "family", result_name).get<std::string>();
  const std::string link_name = field(model, "link", result_name).get<std::string>();
  auto family = registry.create_family(family_name, result_name + ": family");
  std::unique_ptr<Link> link = make_builtin_link(link_name);
  if (!link) link = registry.create_link(link_name, result_name + ": link");
  std::vector<double> params;
  const json& stored = field(model, "family_parameters", result_name);
  for (const auto& p : family->parameters()) {
    if (!stored.contains(p.name) || !stored[p.name].is_number())
      throw InputError(result_name + ": family parameter '" + p.name + "' is missing");
    params.push_back(stored[p.name].get<double>());
  }
  const Vector eta_zi = nd.X_zi.cols() ? Vector(nd.X_zi * beta_zi) : Vector::Constant(eta.size(), -INFINITY);
  for (std::size_t i = 0; i < out.size(); ++i) {
    const double zero_probability = 1.0 / (1.0 + std::exp(-eta_zi(Index(i))));
    out[i] = family->mean(link->linkinv(eta(Index(i))), zero_probability, params);
  }
  return out;
}

}  // namespace weft::predict
