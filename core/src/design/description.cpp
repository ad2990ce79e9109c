#include "design/description.hpp"

#include <weft/errors.hpp>

namespace weft::design {

using nlohmann::json;

namespace {

constexpr int kDesignVersion = 1;

const char* level_source_name(LevelSource s) {
  switch (s) {
    case LevelSource::Text: return "text";
    case LevelSource::Integer: return "integer";
    case LevelSource::Double: return "double";
  }
  return "text";
}

json matrix_to_json(const MatrixSpec& m) {
  json terms = json::array();
  for (const auto& t : m.terms)
    terms.push_back({{"label", t.label}, {"variables", t.variables}, {"contrasts", t.contrasts}});
  return {{"intercept", m.intercept}, {"terms", terms}, {"columns", m.columns}, {"kept", m.kept}};
}

// Reading with a path for messages: "model description: random[0].levels: expected an array".
class Reader {
 public:
  [[noreturn]] static void fail(const std::string& where, const std::string& what) {
    throw InputError("model description: " + where + ": " + what);
  }

  static const json& member(const json& object, const std::string& where, const char* key) {
    if (!object.is_object()) fail(where, "expected an object");
    const auto it = object.find(key);
    if (it == object.end()) fail(where, std::string("missing \"") + key + "\"");
    return *it;
  }
  static std::string text(const json& j, const std::string& where) {
    if (!j.is_string()) fail(where, "expected a string");
    return j.get<std::string>();
  }
  static bool boolean(const json& j, const std::string& where) {
    if (!j.is_boolean()) fail(where, "expected true or false");
    return j.get<bool>();
  }
  static int index(const json& j, const std::string& where, std::size_t size) {
    if (!j.is_number_integer() && !j.is_number_unsigned()) fail(where, "expected an index");
    const auto v = j.get<long long>();
    if (v < 0 || std::size_t(v) >= size) fail(where, "index " + std::to_string(v) + " out of range");
    return int(v);
  }
  static const json& array(const json& j, const std::string& where) {
    if (!j.is_array()) fail(where, "expected an array");
    return j;
  }
  static std::vector<std::string> texts(const json& j, const std::string& where) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < array(j, where).size(); ++i)
      out.push_back(text(j[i], where + "[" + std::to_string(i) + "]"));
    return out;
  }
  static double number(const json& j, const std::string& where) {
    if (!j.is_number()) fail(where, "expected a number");
    return j.get<double>();
  }
  static std::vector<double> numbers(const json& j, const std::string& where) {
    std::vector<double> out;
    for (std::size_t i = 0; i < array(j, where).size(); ++i) out.push_back(number(j[i], where + "[" + std::to_string(i) + "]"));
    return out;
  }
  static std::optional<std::string> optional_text(const json& object, const std::string& where, const char* key) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return std::nullopt;
    return text(*it, where + "." + key);
  }
};

VariableSpec variable_from_json(const json& j, const std::string& where) {
  VariableSpec v;
  v.label = Reader::text(Reader::member(j, where, "label"), where + ".label");
  v.expression = Reader::text(Reader::member(j, where, "expression"), where + ".expression");
  v.role = j.contains("role") ? Reader::text(j["role"], where + ".role") : "covariate";
  const std::string kind = Reader::text(Reader::member(j, where, "kind"), where + ".kind");
  if (kind == "numeric") v.kind = VariableKind::Numeric;
  else if (kind == "factor") v.kind = VariableKind::Factor;
  else Reader::fail(where + ".kind", "expected \"numeric\" or \"factor\"");
  v.grouping = j.contains("grouping") && Reader::boolean(j["grouping"], where + ".grouping");
  if (v.grouping && v.kind != VariableKind::Factor) Reader::fail(where, "a grouping variable must be a factor");
  if (v.kind == VariableKind::Factor) {
    const std::string source = Reader::text(Reader::member(j, where, "level_source"), where + ".level_source");
    if (source == "text") v.level_source = LevelSource::Text;
    else if (source == "integer") v.level_source = LevelSource::Integer;
    else if (source == "double") v.level_source = LevelSource::Double;
    else Reader::fail(where + ".level_source", "expected \"text\", \"integer\" or \"double\"");
    v.levels = Reader::texts(Reader::member(j, where, "levels"), where + ".levels");
    if (v.levels.empty()) Reader::fail(where + ".levels", "a factor needs at least one level");
  }
  if (v.kind == VariableKind::Numeric && j.contains("basis") && !j["basis"].is_null()) {
    const json& b = j["basis"];
    const std::string bw = where + ".basis";
    v.basis.function = Reader::text(Reader::member(b, bw, "function"), bw + ".function");
    if (v.basis.function == "scale") {
      v.basis.center = Reader::number(Reader::member(b, bw, "center"), bw + ".center");
      v.basis.scale = Reader::number(Reader::member(b, bw, "scale"), bw + ".scale");
    } else if (v.basis.function == "poly") {
      v.basis.alpha = Reader::numbers(Reader::member(b, bw, "alpha"), bw + ".alpha");
      v.basis.norm2 = Reader::numbers(Reader::member(b, bw, "norm2"), bw + ".norm2");
      if (v.basis.alpha.empty() || v.basis.norm2.size() != v.basis.alpha.size() + 2)
        Reader::fail(bw, "poly() needs k alpha and k + 2 norm2 values");
      for (std::size_t k = 1; k <= v.basis.alpha.size(); ++k) v.column_suffixes.push_back(std::to_string(k));
    } else {
      Reader::fail(bw + ".function", "expected \"scale\" or \"poly\"");
    }
  }
  return v;
}

MatrixSpec matrix_from_json(const json& j, const std::string& where, const std::vector<VariableSpec>& variables) {
  MatrixSpec m;
  m.intercept = Reader::boolean(Reader::member(j, where, "intercept"), where + ".intercept");
  const json& terms = Reader::array(Reader::member(j, where, "terms"), where + ".terms");
  std::size_t columns = m.intercept ? 1 : 0;
  for (std::size_t t = 0; t < terms.size(); ++t) {
    const std::string tw = where + ".terms[" + std::to_string(t) + "]";
    TermCoding term;
    term.label = Reader::text(Reader::member(terms[t], tw, "label"), tw + ".label");
    const json& vars = Reader::array(Reader::member(terms[t], tw, "variables"), tw + ".variables");
    const json& contrasts = Reader::array(Reader::member(terms[t], tw, "contrasts"), tw + ".contrasts");
    if (vars.empty() || vars.size() != contrasts.size())
      Reader::fail(tw, "\"variables\" and \"contrasts\" must be non-empty and of equal length");
    std::size_t width = 1;
    for (std::size_t i = 0; i < vars.size(); ++i) {
      const int v = Reader::index(vars[i], tw + ".variables", variables.size());
      term.variables.push_back(v);
      term.contrasts.push_back(Reader::boolean(contrasts[i], tw + ".contrasts"));
      const VariableSpec& var = variables[std::size_t(v)];
      const std::size_t w = var.kind == VariableKind::Numeric ? var.width() : var.levels.size() - (term.contrasts.back() ? 1 : 0);
      if (w == 0) Reader::fail(tw, "a factor coded by contrasts needs at least two levels");
      width *= w;
      if (width > (std::size_t(1) << 31)) Reader::fail(tw, "too many columns");
    }
    columns += width;
    m.terms.push_back(std::move(term));
  }
  m.columns = Reader::texts(Reader::member(j, where, "columns"), where + ".columns");
  if (m.columns.size() != columns)
    Reader::fail(where + ".columns", "expected " + std::to_string(columns) + " names for the terms, got " +
                                         std::to_string(m.columns.size()));
  const json& kept = Reader::array(Reader::member(j, where, "kept"), where + ".kept");
  for (std::size_t i = 0; i < kept.size(); ++i) {
    m.kept.push_back(Reader::index(kept[i], where + ".kept", m.columns.size()));
    if (i > 0 && m.kept[i] <= m.kept[i - 1]) Reader::fail(where + ".kept", "indices must be increasing");
  }
  return m;
}

RandomTermSpec random_from_json(const json& j, const std::string& where, const std::vector<VariableSpec>& variables) {
  RandomTermSpec r;
  r.group = Reader::text(Reader::member(j, where, "group"), where + ".group");
  const json& groups = Reader::array(Reader::member(j, where, "group_variables"), where + ".group_variables");
  if (groups.empty()) Reader::fail(where + ".group_variables", "expected at least one variable");
  for (const auto& g : groups) {
    const int v = Reader::index(g, where + ".group_variables", variables.size());
    if (variables[std::size_t(v)].kind != VariableKind::Factor)
      Reader::fail(where + ".group_variables", "variable " + std::to_string(v) + " is not a factor");
    r.group_variables.push_back(v);
  }
  r.matrix = matrix_from_json(Reader::member(j, where, "matrix"), where + ".matrix", variables);
  if (r.matrix.columns.empty()) Reader::fail(where + ".matrix", "a random term needs at least one column");
  r.levels = Reader::texts(Reader::member(j, where, "levels"), where + ".levels");
  if (r.group_variables.size() > 1) {
    const json& codes = Reader::array(Reader::member(j, where, "level_codes"), where + ".level_codes");
    if (codes.size() != r.levels.size()) Reader::fail(where + ".level_codes", "expected one entry per level");
    for (std::size_t l = 0; l < codes.size(); ++l) {
      const std::string lw = where + ".level_codes[" + std::to_string(l) + "]";
      if (!codes[l].is_array() || codes[l].size() != r.group_variables.size())
        Reader::fail(lw, "expected one code per grouping variable");
      std::vector<int> tuple;
      for (std::size_t g = 0; g < r.group_variables.size(); ++g)
        tuple.push_back(Reader::index(codes[l][g], lw, variables[std::size_t(r.group_variables[g])].levels.size()));
      r.level_codes.push_back(std::move(tuple));
    }
  } else if (r.levels != variables[std::size_t(r.group_variables[0])].levels) {
    Reader::fail(where + ".levels", "must equal the grouping variable's levels");
  }
  return r;
}

}  // namespace

json design_to_json(const DesignSpec& spec) {
  json variables = json::array();
  for (const auto& v : spec.variables) {
    json j = {{"label", v.label},
              {"expression", v.expression},
              {"role", v.role},
              {"kind", v.kind == VariableKind::Factor ? "factor" : "numeric"},
              {"grouping", v.grouping}};
    if (v.kind == VariableKind::Factor) {
      j["level_source"] = level_source_name(v.level_source);
      j["levels"] = v.levels;
    }
    if (v.basis.function == "scale")  // the training data's constants (R's makepredictcall)
      j["basis"] = {{"function", "scale"}, {"center", v.basis.center}, {"scale", v.basis.scale}};
    else if (v.basis.function == "poly")
      j["basis"] = {{"function", "poly"}, {"alpha", v.basis.alpha}, {"norm2", v.basis.norm2}};
    variables.push_back(std::move(j));
  }
  json random = json::array();
  for (const auto& r : spec.random)
    random.push_back({{"group", r.group},
                      {"group_variables", r.group_variables},
                      {"matrix", matrix_to_json(r.matrix)},
                      {"levels", r.levels},
                      {"level_codes", r.level_codes}});
  return {{"design_version", kDesignVersion},
          {"formula", spec.formula},
          {"zi_formula", spec.zi_formula ? json(*spec.zi_formula) : json(nullptr)},
          {"response", spec.response},
          {"variables", variables},
          {"fixed", matrix_to_json(spec.fixed)},
          {"zi", spec.zi ? matrix_to_json(*spec.zi) : json(nullptr)},
          {"offsets", spec.offset_variables},
          {"offset_column", spec.offset_column ? json(*spec.offset_column) : json(nullptr)},
          {"random", random}};
}

DesignSpec design_from_json(const json& j) {
  const std::string top = "model";
  if (!j.is_object()) Reader::fail(top, "expected an object");
  const json& version = Reader::member(j, top, "design_version");
  if (!version.is_number_integer() || version.get<long long>() != kDesignVersion)
    Reader::fail("design_version", "expected " + std::to_string(kDesignVersion) + " (made by another weft version?)");
  DesignSpec spec;
  spec.formula = Reader::text(Reader::member(j, top, "formula"), "formula");
  spec.zi_formula = Reader::optional_text(j, top, "zi_formula");
  spec.response = j.contains("response") ? Reader::text(j["response"], "response") : "";
  const json& variables = Reader::array(Reader::member(j, top, "variables"), "variables");
  for (std::size_t i = 0; i < variables.size(); ++i)
    spec.variables.push_back(variable_from_json(variables[i], "variables[" + std::to_string(i) + "]"));
  spec.fixed = matrix_from_json(Reader::member(j, top, "fixed"), "fixed", spec.variables);
  if (j.contains("zi") && !j["zi"].is_null()) spec.zi = matrix_from_json(j["zi"], "zi", spec.variables);
  if (j.contains("offsets"))
    for (const auto& o : Reader::array(j["offsets"], "offsets")) {
      const int v = Reader::index(o, "offsets", spec.variables.size());
      if (spec.variables[std::size_t(v)].kind != VariableKind::Numeric) Reader::fail("offsets", "an offset must be numeric");
      spec.offset_variables.push_back(v);
    }
  spec.offset_column = Reader::optional_text(j, top, "offset_column");
  const json& random = Reader::array(Reader::member(j, top, "random"), "random");
  for (std::size_t i = 0; i < random.size(); ++i)
    spec.random.push_back(random_from_json(random[i], "random[" + std::to_string(i) + "]", spec.variables));
  return spec;
}

}  // namespace weft::design
