// A family whose construction throws: the kernel must report it naming the file.
#include <weft/autodiff_family.hpp>
#include <weft/plugin.hpp>

#include <stdexcept>

namespace {
struct Broken {
  Broken() { throw std::runtime_error("cannot allocate the lookup table"); }
};
class Throws : public weft::Family {
 public:
  Throws() { Broken b; }
  std::string name() const override { return "throws"; }
  std::vector<weft::FamilyParameterInfo> parameters() const override { return {}; }
  weft::Support support() const override { return weft::Support::Counts; }
  std::string default_link() const override { return "log"; }
  std::vector<std::string> links() const override { return {"log"}; }
  bool has_expected_information() const override { return false; }
  std::optional<weft::ResponseProblem> check_response(const weft::Observations&) const override { return std::nullopt; }
  void initial_mean(const weft::Observations&, std::span<double>) const override {}
  void evaluate(const weft::Observations&, const weft::LinearPredictors&, const weft::Link&, std::span<const double>,
                const weft::FamilyDerivatives&) const override {}
  double mean(double mu, double, std::span<const double>) const override { return mu; }
};
}  // namespace

WEFT_FAMILY_PLUGIN(Throws, "throws", "0.0.1")
