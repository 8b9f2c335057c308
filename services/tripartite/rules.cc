#include "services/tripartite/rules.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/grading/colour_grading.h"
#include "common/util/file.h"
#include "common/util/status.h"
#include "common/util/validate.h"

namespace gov::tripartite {
namespace {

namespace tv1 = ::governance::tripartite::v1;
using governance::v1::Colour;

constexpr int64_t kFullRate = 10000;

absl::Status Check(const cv1::TripartiteRules& data) {
  if (data.version().empty()) return InvalidField("version", "required");
  absl::flat_hash_set<int> types;
  for (int i = 0; i < data.committee_sizes_size(); ++i) {
    const cv1::CommitteeSize& s = data.committee_sizes(i);
    const std::string at = absl::StrCat("committee_sizes[", i, "]");
    if (s.type() == tv1::COMMITTEE_TYPE_UNSPECIFIED || !tv1::CommitteeType_IsValid(s.type())) {
      return InvalidField(absl::StrCat(at, ".type"), "a committee type");
    }
    if (!types.insert(s.type()).second) {
      return InvalidField(absl::StrCat(at, ".type"), "given twice");
    }
    GOV_RETURN_IF_ERROR(ValidateRange(s.min_members(), 1, 50, absl::StrCat(at, ".min_members")));
    GOV_RETURN_IF_ERROR(
        ValidateRange(s.max_members(), s.min_members(), 50, absl::StrCat(at, ".max_members")));
    if (s.odd() && s.min_members() == s.max_members() && s.min_members() % 2 == 0) {
      return InvalidField(absl::StrCat(at, ".odd"), "no odd number of members within the bounds");
    }
  }
  for (int n = 1; n <= tv1::CommitteeType_MAX; ++n) {
    if (!types.contains(n)) {
      return InvalidField("committee_sizes",
                          absl::StrCat("no size for ", tv1::CommitteeType_Name(n)));
    }
  }
  GOV_RETURN_IF_ERROR(ValidateRange(data.preparatory_min(), 1, 50, "preparatory_min"));
  GOV_RETURN_IF_ERROR(
      ValidateRange(data.preparatory_max(), data.preparatory_min(), 50, "preparatory_max"));
  GOV_RETURN_IF_ERROR(ValidateRange(data.preparation_days(), 1, 365, "preparation_days"));
  GOV_RETURN_IF_ERROR(ValidateRange(data.election_days(), 1, 730, "election_days"));
  GOV_RETURN_IF_ERROR(ValidateRange(data.filing_days(), 1, 365, "filing_days"));
  GOV_RETURN_IF_ERROR(
      ValidateRange(data.dispute_open_working_days(), 1, 250, "dispute_open_working_days"));
  GOV_RETURN_IF_ERROR(
      ValidateRange(data.joint_review_working_days(), 1, 250, "joint_review_working_days"));
  GOV_RETURN_IF_ERROR(grading::Validate(data.fee_warning(), {kMetricCollectionRate},
                                        {governance::v1::COLOUR_RED, governance::v1::COLOUR_YELLOW,
                                         governance::v1::COLOUR_BLUE, governance::v1::COLOUR_GREEN},
                                        "fee_warning"));
  return ValidateText(data.fee_warning_reason(), "fee_warning_reason", 1000, /*required=*/true);
}

// The colours' ranges, found by grading every rate: each of the four colours must hold one
// unbroken range.
absl::StatusOr<std::vector<FeeRange>> Ranges(const governance::v1::ColourGrading& grading) {
  std::vector<FeeRange> ranges;
  for (int64_t rate = 0; rate <= kFullRate; ++rate) {
    const Colour colour = grading::Grade(grading, {{kMetricCollectionRate, rate}});
    if (!ranges.empty() && ranges.back().colour == colour) {
      ranges.back().below_bp = rate + 1;
      continue;
    }
    if (std::any_of(ranges.begin(), ranges.end(),
                    [&](const FeeRange& r) { return r.colour == colour; })) {
      return InvalidField("fee_warning", absl::StrCat(governance::v1::Colour_Name(colour),
                                                      " holds two ranges of rates (again at ", rate,
                                                      " basis points)"));
    }
    ranges.push_back({colour, rate, rate + 1});
  }
  if (ranges.size() != 4) {
    return InvalidField("fee_warning", "each of red, yellow, blue and green for some rate");
  }
  return ranges;
}

}  // namespace

Rules::Rules(cv1::TripartiteRules data, std::vector<FeeRange> ranges)
    : data_(std::move(data)), fee_ranges_(std::move(ranges)) {}

absl::StatusOr<std::unique_ptr<Rules>> Rules::LoadFile(const std::string& path,
                                                       const regions::RegionRegistry& regions) {
  return LoadRulesFile<Rules, cv1::TripartiteRules>(path, "tripartite rules", regions);
}

absl::StatusOr<std::unique_ptr<Rules>> Rules::FromProto(cv1::TripartiteRules data,
                                                        const regions::RegionRegistry&) {
  GOV_RETURN_IF_ERROR(Check(data));
  GOV_ASSIGN_OR_RETURN(std::vector<FeeRange> ranges, Ranges(data.fee_warning()));
  return std::unique_ptr<Rules>(new Rules(std::move(data), std::move(ranges)));
}

const cv1::CommitteeSize& Rules::CommitteeSize(tv1::CommitteeType type) const {
  for (const cv1::CommitteeSize& s : data_.committee_sizes()) {
    if (s.type() == type) return s;
  }
  return data_.committee_sizes(0);  // Check gives every type one
}

Colour Rules::FeeColour(int64_t rate_bp) const {
  return grading::Grade(data_.fee_warning(), {{kMetricCollectionRate, rate_bp}});
}

}  // namespace gov::tripartite
