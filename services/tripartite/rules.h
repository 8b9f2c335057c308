#ifndef GOV_SERVICES_TRIPARTITE_RULES_H_
#define GOV_SERVICES_TRIPARTITE_RULES_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/regions/regions.h"
#include "governance/config/v1/tripartite.pb.h"
#include "governance/tripartite/v1/tripartite.pb.h"
#include "governance/v1/common.pb.h"

// The tripartite track's rules file (data/tripartite.json, governance.config.v1.TripartiteRules):
// committee and preparatory-group sizes, the clocks of a committee's formation and of a property
// dispute, and the four-colour warning of fee collection with the district's reason for its
// thresholds. Loaded and checked at start; a wrong file keeps the service from starting, naming
// the entry.
namespace gov::tripartite {

namespace cv1 = ::governance::config::v1;

// The metric the fee warning grades: collected over due, in basis points.
inline constexpr char kMetricCollectionRate[] = "collection_rate_bp";

// One colour's range of collection rates, [from_bp, below_bp) (below_bp 10001 for the top).
struct FeeRange {
  governance::v1::Colour colour;
  int64_t from_bp;
  int64_t below_bp;
};

class Rules {
 public:
  static absl::StatusOr<std::unique_ptr<Rules>> LoadFile(const std::string& path,
                                                         const regions::RegionRegistry& regions);
  // Checks the data: every bound in range, each committee type once, and a fee warning that
  // gives each of red, yellow, blue and green one unbroken range of the rates 0 to 10000
  // (INVALID_ARGUMENT naming the field otherwise).
  static absl::StatusOr<std::unique_ptr<Rules>> FromProto(cv1::TripartiteRules data,
                                                          const regions::RegionRegistry& regions);

  const cv1::TripartiteRules& data() const { return data_; }
  const std::string& version() const { return data_.version(); }

  // The elected size of a committee of `type`.
  const cv1::CommitteeSize& CommitteeSize(governance::tripartite::v1::CommitteeType type) const;
  // The warning colour of a collection rate (basis points, 0 to 10000).
  governance::v1::Colour FeeColour(int64_t rate_bp) const;
  // The four colours' ranges, lowest rates first.
  const std::vector<FeeRange>& fee_ranges() const { return fee_ranges_; }

 private:
  explicit Rules(cv1::TripartiteRules data, std::vector<FeeRange> ranges);

  cv1::TripartiteRules data_;
  std::vector<FeeRange> fee_ranges_;
};

}  // namespace gov::tripartite

#endif  // GOV_SERVICES_TRIPARTITE_RULES_H_
