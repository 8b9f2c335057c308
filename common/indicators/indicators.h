#ifndef GOV_COMMON_INDICATORS_INDICATORS_H_
#define GOV_COMMON_INDICATORS_INDICATORS_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "common/auth/auth.h"
#include "common/cases/calendar.h"
#include "common/clock/clock.h"
#include "common/regions/regions.h"
#include "common/store/repository.h"
#include "governance/v1/indicators.pb.h"

namespace prometheus {
class Registry;
}

namespace gov::cache {
class Cache;
}

namespace gov::indicators {

// What an indicator is evaluated over.
struct EvalContext {
  std::string track;
  governance::v1::Period period;  // normalised (never year 0)
  cal::DayRange days;             // the period's days
  std::string street_id;          // "" = whole district
  std::string community_id;       // "" = whole street/district
  store::Repository* repo = nullptr;
  const regions::RegionRegistry* regions = nullptr;
  absl::Time now;
};

// A measured value; has_data false when inputs are missing (e.g. a figure not recorded).
struct Value {
  int64_t value = 0;
  bool has_data = true;
  static Value Missing() { return {0, false}; }
};

using Measure = std::function<absl::StatusOr<Value>(const EvalContext&)>;

// An indicator declared as data. For change targets, `measure` is evaluated for the period
// and for `baseline` (default: the same period last year) and the change is computed in basis
// points.
struct IndicatorSpec {
  std::string id;
  std::string name_zh;
  std::string name_en;
  governance::v1::IndicatorUnit unit = governance::v1::INDICATOR_UNIT_COUNT;
  governance::v1::Direction direction = governance::v1::DIRECTION_HIGHER_IS_BETTER;
  governance::v1::TargetKind target_kind = governance::v1::TARGET_KIND_UNSPECIFIED;
  int64_t target = 0;
  Measure measure;
  // Attainment at or above this (basis points) is YELLOW rather than RED.
  int64_t at_risk_from = 9000;
};

// Measures built from data, so tracks declare rather than code them.
// Figure recorded through IndicatorsService.RecordFigure for the period (summed over streets
// when the context is district-wide and the figure is recorded per street; the district row
// wins when it exists).
Measure RecordedFigure(std::string figure_id);
// Cases opened in the period (optionally only these categories).
Measure CasesOpened(std::vector<std::string> categories = {});
// Transitions into any of `statuses` in the period (from the events counts).
Measure EventsInto(std::vector<std::string> statuses);
// Transitions with any of these actions in the period.
Measure EventsWithAction(std::vector<std::string> actions);
// numerator / denominator in basis points (no data when the denominator is 0).
Measure Ratio(Measure numerator, Measure denominator);
// Evaluates `inner` over the whole year containing the period, up to its end (year to date).
Measure YearToDate(Measure inner);

// Figures a track accepts through RecordFigure.
struct FigureSpec {
  std::string id;  // "court_intake"
  std::string description;
  bool per_street = true;  // may be recorded per street (else district only)
};

// Dimensions a ranking may use, and how keys get names.
struct RankingSpec {
  std::vector<governance::v1::RankingDimension> dimensions;
  // Display name of a category / unit key; street and community names come from the registry.
  std::function<std::string(const std::string& key)> category_name;
  std::function<std::string(const std::string& key)> unit_name;
};

// Evaluates a track's indicators and rankings, with cache-aside per (period, region) under the
// track's aggregate generation, and exports governance_indicator_value/_target gauges.
class IndicatorEngine {
 public:
  IndicatorEngine(std::string track, std::vector<IndicatorSpec> specs,
                  std::vector<FigureSpec> figures, RankingSpec rankings, store::Repository* repo,
                  cache::Cache* cache, const regions::RegionRegistry* regions, const Clock* clock,
                  prometheus::Registry* registry);

  // ListIndicators with validation and scope (a street principal asking for the district gets
  // its own street; asking for another street is PERMISSION_DENIED).
  absl::StatusOr<governance::v1::ListIndicatorsResponse> List(
      const auth::Principal& who, const governance::v1::ListIndicatorsRequest& request);
  absl::StatusOr<governance::v1::ListRankingsResponse> Rankings(
      const auth::Principal& who, const governance::v1::ListRankingsRequest& request);
  absl::StatusOr<governance::v1::RecordFigureResponse> RecordFigure(
      const auth::Principal& who, const governance::v1::RecordFigureRequest& request);
  absl::StatusOr<governance::v1::ListFiguresResponse> ListFigures(
      const auth::Principal& who, const governance::v1::ListFiguresRequest& request);

  // Re-evaluates the current month for the district and every street and sets the gauges.
  // Called periodically by the server.
  absl::Status RefreshGauges();

  // Pure evaluation without cache or scope checks (tests, the gauge refresher).
  absl::StatusOr<governance::v1::Indicator> Evaluate(const IndicatorSpec& spec,
                                                     const EvalContext& ctx) const;

  const std::vector<IndicatorSpec>& specs() const { return specs_; }

 private:
  std::string track_;
  std::vector<IndicatorSpec> specs_;
  std::vector<FigureSpec> figures_;
  RankingSpec rankings_;
  store::Repository* repo_;
  cache::Cache* cache_;
  const regions::RegionRegistry* regions_;
  const Clock* clock_;
  struct Gauges;
  std::shared_ptr<Gauges> gauges_;
};

// Attainment (basis points, capped at 20000) and colour for a value against a target.
struct Grade {
  int64_t attainment = 0;
  governance::v1::Colour colour = governance::v1::COLOUR_UNSPECIFIED;
};
Grade GradeValue(const IndicatorSpec& spec, int64_t actual_or_change, bool has_data);

}  // namespace gov::indicators

#endif  // GOV_COMMON_INDICATORS_INDICATORS_H_
