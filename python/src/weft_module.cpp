// weft._weft: the compiled half of the Python package (pybind11). Deliberately thin:
//   columns from Python (numbers or text)  -> data::DataFrame (data/memory_frame.hpp)
//   keyword arguments (already checked)    -> config::ModelSpec
//   fit::FitResult                          -> the result document (JSON text) + text summary
//   predictions                             -> numpy array
// Everything else (formula, design, families, estimation, reports, predict) is the kernel's,
// so a model fitted here gives the numbers `weft fit` gives. weft::InputError becomes
// weft.InputError (a ValueError) carrying the CLI's one-line message.
#include <weft/errors.hpp>
#include <weft/version.hpp>

#include "config/model_spec.hpp"
#include "data/data_frame.hpp"
#include "data/memory_frame.hpp"
#include "fit/estimation.hpp"
#include "fit/prepared_model.hpp"
#include "inference/bootstrap.hpp"
#include "inference/confidence_intervals.hpp"
#include "inference/residuals.hpp"
#include "inference/simulation.hpp"
#include "formula/r_number.hpp"
#include "predict/predictor.hpp"
#include "registry/plugin_registry.hpp"
#include "util/large_stack.hpp"
#include "util/one_line.hpp"
#include "report/json_report.hpp"
#include "report/text_summary.hpp"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <dlfcn.h>
#include <pthread.h>

#include <cstdlib>
#include <exception>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace py = pybind11;
namespace fs = std::filesystem;

namespace {

using Options = std::map<std::string, std::string>;

using weft::one_line;  // the CLI's one-line form of a message

using weft::run_with_large_stack;  // as the CLI runs its commands

// The plugin registry keeps process-wide caches of loaded libraries that are not
// thread-safe; fits in several Python threads take turns while plugins are created.
std::mutex& registry_mutex() {
  static std::mutex m;
  return m;
}

// Where this extension module lives (its .so file's folder).
fs::path module_directory() {
  Dl_info info{};
  if (dladdr(reinterpret_cast<void*>(&module_directory), &info) == 0 || !info.dli_fname) return {};
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::path(info.dli_fname), ec);
  return (ec ? fs::path(info.dli_fname) : p).parent_path();
}

bool same_directory(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  return fs::equivalent(a, b, ec);
}

// Search order: the model's plugin_path, $WEFT_PLUGIN_PATH, then this module's own plugin
// folder (plugins/ beside the module for an installed wheel) first (the build tree's for the module in the build tree, the installed one for the
// installed module) and the other one after it. The registry appends its defaults (already
// searched folders are not read twice).
std::vector<fs::path> plugin_directories(const std::vector<std::string>& user) {
  std::vector<fs::path> dirs(user.begin(), user.end());
  for (const auto& d : weft::registry::PluginRegistry::environment_directories()) dirs.push_back(d);
  const fs::path here = module_directory();
  const fs::path build = WEFT_PYTHON_BUILD_PLUGIN_DIR;
  std::vector<fs::path> installed;
  if (!here.empty()) installed.push_back(here / "plugins");  // a wheel (`pip install ./python`) carries them there
  if (!here.empty()) installed.push_back((here / WEFT_PYTHON_RELATIVE_PLUGIN_DIR).lexically_normal());
  installed.emplace_back(WEFT_PYTHON_INSTALLED_PLUGIN_DIR);
  if (!here.empty() && same_directory(here, WEFT_PYTHON_BUILD_MODULE_DIR)) {
    dirs.push_back(build);
    dirs.insert(dirs.end(), installed.begin(), installed.end());
  } else {
    dirs.insert(dirs.end(), installed.begin(), installed.end());
    dirs.push_back(build);
  }
  return dirs;
}

// One column from Python: ("number" | "integer", float64 array), ("text", [str | None]) or
// ("text", [str | None], [levels]): a pandas Categorical's categories in their order.
weft::data::Column to_column(const py::handle& item) {
  const auto entry = item.cast<py::tuple>();
  if (entry.size() != 3 && entry.size() != 4) throw std::invalid_argument("a column must be (name, kind, values[, levels])");
  std::string name = entry[0].cast<std::string>();
  const std::string kind = entry[1].cast<std::string>();
  if (kind == "number" || kind == "integer") {
    const auto values = entry[2].cast<py::array_t<double, py::array::c_style | py::array::forcecast>>();
    if (values.ndim() != 1) throw std::invalid_argument("column '" + name + "' must be one-dimensional");
    return weft::data::number_column(std::move(name), values.data(), std::size_t(values.size()), kind == "integer");
  }
  if (kind == "text") {
    std::vector<std::optional<std::string>> cells;
    const auto values = entry[2].cast<py::list>();
    cells.reserve(values.size());
    for (const auto& v : values) {
      if (v.is_none()) cells.emplace_back(std::nullopt);
      else cells.emplace_back(v.cast<std::string>());
    }
    weft::data::Column column = weft::data::text_column(std::move(name), cells);
    if (entry.size() == 4) column.levels = entry[3].cast<std::vector<std::string>>();
    return column;
  }
  throw std::invalid_argument("unknown column kind '" + kind + "'");
}

std::vector<weft::data::Column> to_columns(const py::list& columns) {
  std::vector<weft::data::Column> out;
  out.reserve(columns.size());
  for (const auto& c : columns) out.push_back(to_column(c));
  return out;
}

weft::predict::Predictions run_predict(const nlohmann::json& document, const std::string& result_name,
                                       const weft::data::DataFrame& newdata, bool link_scale, bool population) {
  std::vector<fs::path> plugin_path;
  std::vector<std::string> saved;
  if (document.contains("model") && document["model"].is_object() && document["model"].contains("plugin_path") &&
      document["model"]["plugin_path"].is_array())
    for (const auto& p : document["model"]["plugin_path"])
      if (p.is_string()) saved.push_back(p.get<std::string>());
  weft::predict::PredictOptions options;
  options.link_scale = link_scale;
  options.population = population;
  std::lock_guard lock(registry_mutex());
  weft::registry::PluginRegistry registry(plugin_directories(saved));
  return weft::predict::predict(document, result_name, newdata, options, registry);
}

// (columns, rows x columns float64 array, classes): the prediction table (predictor.hpp).
py::tuple to_python(const weft::predict::Predictions& p) {
  const py::ssize_t rows = p.values.rows(), cols = p.values.cols();
  py::array_t<double> values({rows, cols});
  auto view = values.mutable_unchecked<2>();
  for (py::ssize_t i = 0; i < rows; ++i)
    for (py::ssize_t c = 0; c < cols; ++c) view(i, c) = p.values(i, c);
  return py::make_tuple(p.columns, values, p.classes);
}

// A numpy float64 array of an Eigen matrix.
py::array_t<double> to_numpy(const weft::Matrix& m) {
  py::array_t<double> out({py::ssize_t(m.rows()), py::ssize_t(m.cols())});
  auto view = out.mutable_unchecked<2>();
  for (py::ssize_t i = 0; i < m.rows(); ++i)
    for (py::ssize_t c = 0; c < m.cols(); ++c) view(i, c) = m(i, c);
  return out;
}

// A fitted model: the prepared model and the fit (for inference: intervals, simulation,
// bootstrap, residuals), the FitResult and its result document.
class Fit {
 public:
  Fit(weft::fit::PreparedModel model, weft::fit::FittedModel fitted)
      : model_(std::move(model)),
        fitted_(std::move(fitted)),
        result_(fitted_.result),
        document_(weft::report::result_document(result_)),
        plain_document_(nlohmann::json::parse(weft::report::dump(document_))) {}

  bool converged() const { return result_.converged; }
  std::vector<std::string> warnings() const { return result_.warnings; }
  std::string document_text() const { return weft::report::dump(document_); }
  std::string summary() const { return weft::report::text_summary(result_); }

  py::tuple predict(const py::list& columns, bool link_scale, bool population, const std::string& data_name) const {
    auto cols = to_columns(columns);
    weft::predict::Predictions values;
    {
      py::gil_scoped_release release;
      run_with_large_stack([&] {
        const auto frame = weft::data::make_data_frame(data_name, std::move(cols), 1);
        values = run_predict(plain_document_, "result", frame, link_scale, population);
      });
    }
    return to_python(values);
  }

  // The result document with a "confint" block (weft fit --confint; boot: weft bootstrap).
  std::string conf_int(const std::string& method, double level, std::size_t nsim, std::uint64_t seed) const {
    if (method != "wald" && method != "profile" && method != "boot")
      throw weft::InputError("method: expected wald, profile or boot, got '" + method + "'");
    if (!(level > 0 && level < 1)) throw weft::InputError("level: expected a number between 0 and 1");
    weft::fit::FitResult with = result_;
    {
      py::gil_scoped_release release;
      run_with_large_stack([&] {
        if (method == "boot") {
          with.confint = weft::inference::parametric_bootstrap(model_, fitted_, nsim, seed, level).intervals;
        } else {
          with.confint = weft::inference::confidence_intervals(model_, fitted_, method, level);
        }
      });
    }
    return weft::report::dump(weft::report::result_document(with));
  }

  // (names, nsim x parameters draws, converged per replicate): weft bootstrap --draws.
  py::tuple bootstrap(std::size_t nsim, std::uint64_t seed, double level) const {
    std::optional<weft::inference::BootstrapResult> boot;
    {
      py::gil_scoped_release release;
      run_with_large_stack([&] { boot.emplace(weft::inference::parametric_bootstrap(model_, fitted_, nsim, seed, level)); });
    }
    std::vector<bool> converged(boot->converged.begin(), boot->converged.end());
    return py::make_tuple(boot->names, to_numpy(boot->draws), converged);
  }

  // n x nsim simulated responses (weft simulate) and the response's levels (empty unless it has them).
  py::tuple simulate(std::size_t nsim, std::uint64_t seed, bool conditional) const {
    if (nsim < 1) throw weft::InputError("nsim: expected at least 1");
    weft::Matrix sims;
    {
      py::gil_scoped_release release;
      run_with_large_stack([&] {
        sims = weft::inference::simulate_responses(model_, weft::inference::simulation_point(fitted_), nsim, seed,
                                                   conditional);
      });
    }
    return py::make_tuple(to_numpy(sims), model_.built.response_levels.names);
  }

  py::array_t<double> residuals(const std::string& type, std::size_t nsim, std::uint64_t seed) const {
    const auto kind = weft::inference::residual_type(type, "type");
    weft::Vector r;
    {
      py::gil_scoped_release release;
      run_with_large_stack(
          [&] { r = weft::inference::residuals(model_, weft::inference::simulation_point(fitted_), kind, nsim, seed); });
    }
    return py::array_t<double>(py::ssize_t(r.size()), r.data());
  }

 private:
  weft::fit::PreparedModel model_;
  weft::fit::FittedModel fitted_;
  weft::fit::FitResult result_;
  nlohmann::ordered_json document_;
  nlohmann::json plain_document_;
};

using Lists = std::map<std::string, std::vector<std::string>>;

std::unique_ptr<Fit> fit_model(const py::list& columns, const std::string& formula, const std::string& family,
                               const Options& family_options, const Lists& family_lists,
                               const std::optional<std::string>& link,
                               const std::optional<std::string>& weights, const std::optional<std::string>& offset,
                               const std::vector<std::string>& groups, const std::optional<std::string>& zi,
                               const std::string& integrator, const Options& integrator_options,
                               const std::string& optimizer, const Options& optimizer_options,
                               const std::vector<std::string>& plugin_path, const std::string& config_name,
                               const std::string& data_name, const std::optional<bool>& reml,
                               const std::string& na_action) {
  weft::config::ModelSpec spec;
  spec.config_name = config_name;
  spec.data_name = data_name;
  spec.formula = formula;
  spec.zi_formula = zi;
  spec.family = {family, family_options, family_lists};
  spec.link = link;
  spec.weights = weights;
  spec.offset = offset;
  spec.groups = groups;
  spec.reml = reml;
  spec.na_action = na_action == "omit" ? weft::config::NaAction::Omit : weft::config::NaAction::Fail;
  spec.integrator = {integrator, integrator_options, {}};
  spec.optimizer = {optimizer, optimizer_options, {}};
  for (const auto& p : plugin_path) spec.plugin_path.emplace_back(p);

  auto cols = to_columns(columns);
  std::optional<weft::fit::PreparedModel> model;
  std::optional<weft::fit::FittedModel> fitted;
  {
    py::gil_scoped_release release;
    run_with_large_stack([&] {
      const auto frame = weft::data::make_data_frame(data_name, std::move(cols), 2);
      {
        std::lock_guard lock(registry_mutex());
        weft::registry::PluginRegistry registry(plugin_directories(plugin_path));
        model.emplace(weft::fit::prepare_model(spec, frame, registry));
      }
      fitted.emplace(weft::fit::estimate_model(*model));
    });
  }
  return std::make_unique<Fit>(std::move(*model), std::move(*fitted));
}

// Predictions from a result document (JSON text, e.g. written by `weft fit --format json`).
py::tuple predict_document(const std::string& document_text, const std::string& result_name, const py::list& columns,
                           bool link_scale, bool population, const std::string& data_name) {
  nlohmann::json document = nlohmann::json::parse(document_text, nullptr, false);
  if (document.is_discarded() || !document.is_object())
    throw weft::InputError(result_name + ": not a JSON result document (write one with `weft fit ... --format json`)");
  auto cols = to_columns(columns);
  weft::predict::Predictions values;
  {
    py::gil_scoped_release release;
    run_with_large_stack([&] {
      const auto frame = weft::data::make_data_frame(data_name, std::move(cols), 1);
      values = run_predict(document, result_name, frame, link_scale, population);
    });
  }
  return to_python(values);
}

// kind, name, version, file, problem of every plugin file found.
std::vector<std::map<std::string, std::string>> list_plugins(const std::vector<std::string>& plugin_path) {
  std::lock_guard lock(registry_mutex());
  weft::registry::PluginRegistry registry(plugin_directories(plugin_path));
  std::vector<std::map<std::string, std::string>> out;
  for (const auto& r : registry.records())
    out.push_back({{"kind", r.kind}, {"name", r.name}, {"version", r.version}, {"file", r.file.string()},
                   {"problem", r.problem}});
  return out;
}

std::vector<std::string> search_directories(const std::vector<std::string>& plugin_path) {
  weft::registry::PluginRegistry registry(plugin_directories(plugin_path));
  std::vector<std::string> out;
  for (const auto& d : registry.directories()) out.push_back(d.string());
  return out;
}

}  // namespace

PYBIND11_MODULE(_weft, m) {
  m.doc() = "weft's compiled kernel (use the `weft` package, not this module)";
  m.attr("__version__") = WEFT_VERSION_STRING;
  m.attr("abi_version") = WEFT_ABI_VERSION;

  static py::exception<weft::InputError> input_error(m, "InputError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const weft::InputError& e) {
      input_error(one_line(e.what()).c_str());
    } catch (const std::bad_alloc&) {
      PyErr_SetString(PyExc_MemoryError, "out of memory");
    } catch (const nlohmann::json::exception& e) {
      PyErr_SetString(PyExc_RuntimeError, ("internal error: " + one_line(e.what())).c_str());
    }
  });

  py::class_<Fit>(m, "Fit")
      .def_property_readonly("converged", &Fit::converged)
      .def_property_readonly("warnings", &Fit::warnings)
      .def("document", &Fit::document_text, "The result document (`weft fit --format json`) as JSON text")
      .def("summary", &Fit::summary, "The lme4-style summary (`weft fit`)")
      .def("predict", &Fit::predict, py::arg("columns"), py::arg("link_scale"), py::arg("population"),
           py::arg("data_name") = "newdata")
      .def("conf_int", &Fit::conf_int, py::arg("method"), py::arg("level"), py::arg("nsim"), py::arg("seed"),
           "The result document with a confint block (`weft fit --confint`)")
      .def("bootstrap", &Fit::bootstrap, py::arg("nsim"), py::arg("seed"), py::arg("level"),
           "(names, draws, converged) of the parametric bootstrap (`weft bootstrap --draws`)")
      .def("simulate", &Fit::simulate, py::arg("nsim"), py::arg("seed"), py::arg("conditional"),
           "(n x nsim responses, levels) simulated from the fit (`weft simulate`)")
      .def("residuals", &Fit::residuals, py::arg("type"), py::arg("nsim"), py::arg("seed"),
           "Residuals of the fit (`weft residuals`)");

  m.def("fit", &fit_model, py::arg("columns"), py::arg("formula"), py::arg("family"),
        py::arg("family_options") = Options{}, py::arg("family_lists") = Lists{}, py::arg("link") = std::nullopt, py::arg("weights") = std::nullopt,
        py::arg("offset") = std::nullopt, py::arg("groups") = std::vector<std::string>{},
        py::arg("zi") = std::nullopt, py::arg("integrator") = "laplace", py::arg("integrator_options") = Options{},
        py::arg("optimizer") = "lbfgsb", py::arg("optimizer_options") = Options{},
        py::arg("plugin_path") = std::vector<std::string>{}, py::arg("config_name") = "glmer",
        py::arg("data_name") = "data", py::arg("reml") = std::nullopt, py::arg("na_action") = "fail",
        "Fits one model; columns are (name, 'number'|'integer'|'text', values) tuples. The GIL is released.");
  m.def("predict_document", &predict_document, py::arg("document"), py::arg("result_name"), py::arg("columns"),
        py::arg("link_scale"), py::arg("population"), py::arg("data_name") = "newdata");
  m.def("format_r_number", &weft::formula::format_r_number, py::arg("value"),
        "A number as R's as.character() writes it (15 significant digits): 1e+05, 0.3");
  m.def("plugins", &list_plugins, py::arg("plugin_path") = std::vector<std::string>{});
  m.def("plugin_directories", &search_directories, py::arg("plugin_path") = std::vector<std::string>{});
}
