#include "formula/functions.hpp"

#include <array>

namespace weft::formula {

namespace {

// log(x, base) as R; the other math functions take one argument. poly(x, k): R's orthogonal
// polynomials of degree k.
constexpr std::array<KnownFunction, 14> kFunctions{{
    {"factor", FunctionRole::Factor, 1, 1},
    {"as.factor", FunctionRole::Factor, 1, 1},
    {"log", FunctionRole::Math, 1, 2},
    {"log2", FunctionRole::Math, 1, 1},
    {"log10", FunctionRole::Math, 1, 1},
    {"log1p", FunctionRole::Math, 1, 1},
    {"exp", FunctionRole::Math, 1, 1},
    {"sqrt", FunctionRole::Math, 1, 1},
    {"abs", FunctionRole::Math, 1, 1},
    {"I", FunctionRole::AsIs, 1, 1},
    {"scale", FunctionRole::Basis, 1, 1},
    {"poly", FunctionRole::Basis, 2, 2},
    {"offset", FunctionRole::Offset, 1, 1},
    {"cbind", FunctionRole::Cbind, 2, 2},
}};

}  // namespace

const KnownFunction* find_function(std::string_view name) {
  for (const auto& f : kFunctions)
    if (f.name == name) return &f;
  return nullptr;
}

std::vector<std::string> known_function_names() {
  std::vector<std::string> names;
  for (const auto& f : kFunctions) names.emplace_back(f.name);
  return names;
}

std::string known_function_list() {
  std::string list;
  for (const auto& f : kFunctions) {
    if (!list.empty()) list += ", ";
    list += f.name;
  }
  return list;
}

}  // namespace weft::formula
