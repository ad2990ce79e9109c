#pragma once
// Responses simulated from a fitted model (lme4's simulate.merMod): `weft simulate`, the
// parametric bootstrap (bootMer) and simulation-based residuals (DHARMa).
//
//   eta = X beta + offset + Z b,  eta_zi = X_zi beta_zi,  y ~ p(y | eta, eta_zi, family parameters)
//
// with b either new random effects b = s Lambda(theta) z, z ~ N(0, I_q) (lme4's default,
// use.u = FALSE), s the scale theta is relative to (an LMM's sigma, else 1), or the conditional
// modes (`conditional`: lme4's use.u = TRUE).
//
// Reproducible on any number of threads: data set d of seed S draws from its own stream,
// std::mt19937_64 (fully specified by the C++ standard) seeded by SplitMix64(S, d); z is drawn
// first, then the rows in order, by the family's Boost.Random distributions (weft/random.hpp).
#include <weft/random.hpp>

#include "fit/fitted_model.hpp"
#include "fit/prepared_model.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <random>
#include <string>

namespace weft::inference {

class DrawStream final : public RandomStream {
 public:
  DrawStream(std::uint64_t seed, std::uint64_t draw);
  result_type operator()() override { return engine_(); }

 private:
  std::mt19937_64 engine_;
};

// The point simulated from.
struct SimulationPoint {
  ModelParameters estimates;
  Vector b;                  // conditional modes on the data's scale, in Z's column order
  double theta_scale = 1.0;  // the scale theta is relative to
};

// From a fit made in this process.
SimulationPoint simulation_point(const fit::FittedModel& fitted);
// From a result document's "model" block (`where` names the file), for the model `pm` rebuilt
// from it; InputError when the data's levels are no longer the fitted ones.
SimulationPoint simulation_point(const nlohmann::json& model, const std::string& where, const fit::PreparedModel& pm);

// Data sets from one point of one model. What every data set shares (Lambda(theta), X beta +
// offset, with Z b when conditional, and the zero model's predictor) is computed once, here;
// draw() adds the new random effects and the rows' draws. `pm` and `at` must outlive it.
class ResponseSimulator {
 public:
  ResponseSimulator(const fit::PreparedModel& pm, const SimulationPoint& at, bool conditional);
  // One data set: a response per row on the scale the fit reads it (binomial: the proportion
  // of the row's trials; a response with levels: the level's index).
  Vector draw(RandomStream& random) const;

 private:
  const fit::PreparedModel& pm_;
  const SimulationPoint& at_;
  bool new_random_effects_;
  SparseMatrix lambda_;  // Lambda(theta), for new random effects
  Vector eta_;           // X beta + offset (+ Z b when conditional)
  Vector eta_zi_;        // empty unless the family has a zero model
};

// nsim data sets as the columns of an n x nsim matrix, data set d from DrawStream(seed, d),
// on every core. InputError when the family cannot simulate.
Matrix simulate_responses(const fit::PreparedModel& pm, const SimulationPoint& at, std::size_t nsim,
                          std::uint64_t seed, bool conditional);

// The response as a user reads it back: binomial proportions stay proportions; a response with
// levels becomes its level names.
std::string response_text(const fit::PreparedModel& pm, double y);

}  // namespace weft::inference
