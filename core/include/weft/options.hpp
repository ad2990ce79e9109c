#pragma once
// Options handed to a plugin from its YAML map, e.g. `integrator: {name: agq, points: 25}`.
//
// Values arrive as the YAML scalars' text (a list, `levels: [low, mid, high]`, as its items'
// texts); the typed getters parse them strictly and throw
// InputError naming the key ("config.yaml: integrator.points: expected an integer >= 1,
// got '2.5'"). A plugin lists the keys it accepts (option_names()) so the kernel can reject
// unknown ones with a suggestion.
#include <weft/errors.hpp>

#include <charconv>
#include <cmath>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace weft {

class Options {
 public:
  Options() = default;
  // context: where these options came from, e.g. "config.yaml"; section: "integrator".
  Options(std::string context, std::string section, std::map<std::string, std::string> values,
          std::map<std::string, std::vector<std::string>> lists = {})
      : context_(std::move(context)), section_(std::move(section)), values_(std::move(values)),
        lists_(std::move(lists)) {}

  const std::map<std::string, std::string>& values() const { return values_; }
  const std::map<std::string, std::vector<std::string>>& lists() const { return lists_; }
  bool has(const std::string& key) const { return values_.count(key) != 0 || lists_.count(key) != 0; }
  // A single value's text; a list where one value is expected is an error naming the key.
  std::optional<std::string> text(const std::string& key) const {
    if (lists_.count(key)) fail(key, "expected a single value (a number or a word), got a list");
    auto it = values_.find(key);
    if (it == values_.end()) return std::nullopt;
    return it->second;
  }
  // A list's items (a single value is a list of one); nullopt when absent.
  std::optional<std::vector<std::string>> list(const std::string& key) const {
    if (auto it = lists_.find(key); it != lists_.end()) return it->second;
    if (auto it = values_.find(key); it != values_.end()) return std::vector<std::string>{it->second};
    return std::nullopt;
  }

  // "config.yaml: integrator.points: <what>"
  [[noreturn]] void fail(const std::string& key, const std::string& what) const {
    throw InputError(context_ + ": " + (section_.empty() ? key : section_ + "." + key) + ": " + what);
  }

  // A finite number in [lower, upper]; `fallback` when the key is absent.
  double number(const std::string& key, double fallback, double lower = -HUGE_VAL,
                double upper = HUGE_VAL, const char* expected = "a number") const {
    auto t = text(key);
    if (!t) return fallback;
    double v = 0;
    if (!parse_number(*t, v) || v < lower || v > upper) fail(key, std::string("expected ") + expected + ", got '" + *t + "'");
    return v;
  }

  // An integer in [lower, upper]; `fallback` when absent.
  long integer(const std::string& key, long fallback, long lower, long upper,
               const char* expected = "an integer") const {
    auto t = text(key);
    if (!t) return fallback;
    double v = 0;
    if (!parse_number(*t, v) || v != std::floor(v) || v < double(lower) || v > double(upper))
      fail(key, std::string("expected ") + expected + ", got '" + *t + "'");
    return long(v);
  }

  // One of `allowed`; `fallback` when absent.
  std::string choice(const std::string& key, const std::string& fallback,
                     const std::vector<std::string>& allowed) const {
    auto t = text(key);
    if (!t) return fallback;
    for (const auto& a : allowed)
      if (*t == a) return a;
    std::string list;
    for (const auto& a : allowed) list += (list.empty() ? "" : ", ") + a;
    fail(key, "expected one of " + list + ", got '" + *t + "'");
  }

  // Strict parse of a whole string as a finite double (leading/trailing blanks allowed).
  static bool parse_number(const std::string& s, double& out) {
    std::size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
    if (b == std::string::npos) return false;
    const char* first = s.data() + b;
    const char* last = s.data() + e + 1;
    if (*first == '+') ++first;
    auto [ptr, ec] = std::from_chars(first, last, out);
    return ec == std::errc() && ptr == last && std::isfinite(out);
  }

 private:
  std::string context_, section_;
  std::map<std::string, std::string> values_;
  std::map<std::string, std::vector<std::string>> lists_;
};

}  // namespace weft
