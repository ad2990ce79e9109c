#pragma once
// `weft check-family`: checks a family as a reviewer would, on a grid of responses, means,
// family parameters and (for zero models) zero probabilities chosen from its support:
//   - the entry point's name is the family's name(); parameter names, scales, start values;
//     the default link is one of the accepted links;
//   - evaluate() neither throws nor returns NaN/inf, and gives the same log density with and
//     without derivatives requested;
//   - d1 and d2 agree with central finite differences of the log density in eta, per link;
//   - fisher (when provided) is positive and equals E[-d2] where the expectation can be taken;
//   - the density sums (counts, binomial successes) or integrates (Boost tanh-sinh / exp-sinh
//     quadrature, plus the point masses of a [0, 1] family) to 1;
//   - mean() equals E[y] under the density;
//   - prior weights multiply the log density (all supports but binomial, where they are trials);
//   - valid responses are accepted and responses outside the support are rejected;
//   - initial_mean() gives means the default link can map.
#include <weft/family.hpp>

#include <string>
#include <vector>

namespace weft::registry {

struct FamilyCheck {
  enum class Status { Pass, Fail, Skip };
  std::string name;    // "d1 (link log)"
  Status status = Status::Pass;
  std::string detail;  // what was checked and the worst error, or why it failed / was skipped
};

// Every check, in report order. `entry_name` is the name the plugin's entry point declares.
// Never throws: an exception from the family is a failed check that quotes it. A family with
// a response with levels is shown example levels (set_response) first, and other level counts
// in the "response levels" check; it is left with the example levels.
std::vector<FamilyCheck> check_family(Family& family, const std::string& entry_name);

// A few lines describing the family: support, links, parameters (for the report's header;
// for a response with levels, the parameters for the example levels).
std::vector<std::string> describe_family(Family& family);

// "counts", "binomial", "positive real", "(0, 1)", "[0, 1]", "real".
std::string support_name(Support support);

}  // namespace weft::registry
