#ifndef GOV_COMMON_INDICATORS_INDICATORS_H_
#define GOV_COMMON_INDICATORS_INDICATORS_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/auth/auth.h"
#include "common/cache/cache.h"
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
  std::string street_id;          // "" = whole district (or `streets`)
  std::string community_id;       // "" = whole street/district
  // With street_id "": only these streets, taken together (the scope of a principal of
  // several streets); empty = the whole district. Measures sum their figures over them.
  std::vector<std::string> streets;
  store::Repository* repo = nullptr;
  const regions::RegionRegistry* regions = nullptr;
  absl::Time now;
  // A baseline: the days of last year that match what the period measured, to be covered
  // exactly (a figure recorded for a month counts only when the days cover the whole month).
  bool baseline = false;
};

// A measured value; has_data false when inputs are missing (e.g. a figure not recorded).
struct Value {
  Value() = default;
  Value(int64_t v, bool has = true) : value(v), has_data(has) {}  // NOLINT: Value{n} reads well
  int64_t value = 0;
  bool has_data = true;
  // The days the value covers when fewer than the context's (a figure recorded monthly, asked
  // for a period to date, covers its whole months); unset: the context's days.
  std::optional<cal::DayRange> days;
  // Read from recorded figures (RecordedFigure, or a combination with one): the indicator's
  // freshness is RECORDED rather than LIVE. Kept on a missing value too.
  bool recorded = false;
  static Value Missing() { return {0, false}; }
};

using Measure = std::function<absl::StatusOr<Value>(const EvalContext&)>;

// An indicator declared as data. For change targets, `measure` is evaluated for the period
// and for the baseline (the same period last year) and the change is computed in basis
// points: (actual - baseline) * 10000 / |baseline|, rounded half away from zero. A baseline of
// 0 gives change 0 when the actual is 0 too, and no data otherwise (growth from nothing has no
// rate); a missing actual or baseline is no data.
struct IndicatorSpec {
  std::string id;
  std::string name_zh;
  std::string name_en;
  governance::v1::IndicatorUnit unit = governance::v1::INDICATOR_UNIT_COUNT;
  governance::v1::Direction direction = governance::v1::DIRECTION_HIGHER_IS_BETTER;
  governance::v1::TargetKind target_kind = governance::v1::TARGET_KIND_UNSPECIFIED;
  Measure measure;
  // The target and where it comes from: filled from the targets file (TargetBook::Apply,
  // data/targets.json) for every spec with a target kind; never written in code.
  int64_t target = 0;
  governance::v1::TargetSource target_source = governance::v1::TARGET_SOURCE_UNSPECIFIED;
  std::string plan_clause = {};
  std::string target_reason = {};
  // Attainment at or above this (basis points) is YELLOW rather than RED.
  int64_t at_risk_from = 9000;
  // The target is the district's alone (a count the plan sets for the district, e.g. 150
  // monitored restaurants): below the district — a street, a community, the streets of a
  // principal — the indicator shows its count without a target (target_kind UNSPECIFIED, no
  // attainment, no colour), since no part of the district has a share of it set.
  bool district_target = false;
  // Watched against last year without a target (target_kind UNSPECIFIED): the baseline and the
  // change are computed as for a change target, to date like them, and nothing is graded.
  bool against_last_year = false;
  // Measured for the district alone (a property of the whole suite, such as its cockpits): below
  // the district the row has no data, and the indicator is not comparable across streets.
  bool district_only = false;
};

// A count the plan sets for the whole district (higher is better, an absolute target, graded
// for the district only: IndicatorSpec::district_target). Its number is the targets file's.
IndicatorSpec DistrictCount(std::string id, std::string name_zh, std::string name_en,
                            Measure measure);

// 100 % in basis points: the target of the plan's "100 %" rates.
inline constexpr int64_t kFullRate = 10000;

// A rate with a target, higher is better, graded the same in every region (its number, such as
// the plan's "100 %", is the targets file's).
IndicatorSpec HigherRate(std::string id, std::string name_zh, std::string name_en, Measure measure);

// numerator * 10000 / denominator (a share in basis points), rounded half away from zero and
// clamped to the int64 range; 0 when the denominator is 0 (callers treat that as no data).
// The one rounding every rate of every track uses, so that a rate computed by a track's own
// measure agrees with Ratio() on the same counts.
int64_t RatioBasisPoints(int64_t numerator, int64_t denominator);

// Measures built from data, so tracks declare rather than code them.
// Figure recorded through IndicatorsService.RecordFigure for the period (summed over streets
// when the context is district-wide and the figure is recorded per street; the district row
// wins when it exists).
//
// Precisely, for one period key: a street context takes that street's latest revision; the
// district takes its own row ("" street) when recorded, else the sum of the streets that have
// one; a context of several streets (EvalContext::streets) the sum of those of them that have
// one (district rows are not theirs). A context whose days are not the period's own days (year to
// date), or a quarter or year with no figure of its own, sums the months it spans. A sum counts the
// parts recorded and is missing only when none is. Figures are not kept per community: a community
// context has no data.
Measure RecordedFigure(std::string figure_id);
// Cases opened in the period (optionally only these categories).
Measure CasesOpened(std::vector<std::string> categories = {});
// Cases opened in the period that are now in any of `statuses` (e.g. AGREED among those
// opened this month), optionally only of these categories and of these units.
Measure CasesInStatus(std::vector<std::string> statuses, std::vector<std::string> categories = {},
                      std::vector<std::string> units = {});
// Transitions into any of `statuses` in the period (from the events counts).
Measure EventsInto(std::vector<std::string> statuses);
// Outcomes of cases, not of transitions: the cases that moved into any of `outcomes` in the
// period, each once; with `ending_in`, only those whose last outcome of the period is one of
// those (a dispute that failed, was reopened and agreed counts once, as agreed). With `via`,
// only the cases that took one of those actions at some time (the disputes referred to a
// purchased-service provider).
Measure CasesReaching(std::vector<std::string> outcomes, std::vector<std::string> ending_in = {},
                      std::vector<std::string> via = {});
// The same over the actions of the transitions (e.g. the verbs that resolve a complaint with a
// given outcome), optionally only of cases of these categories.
Measure CasesWithAction(std::vector<std::string> actions, std::vector<std::string> categories = {},
                        std::vector<std::string> ending_with = {});
// Transitions with any of these actions in the period, optionally only of cases of these
// categories.
Measure EventsWithAction(std::vector<std::string> actions,
                         std::vector<std::string> categories = {});
// Transitions with any of these actions into any of `statuses` in the period (e.g. the
// "SlaBreach" events of cases that were in DISPATCHED).
Measure EventsWithActionInto(std::vector<std::string> actions, std::vector<std::string> statuses);
// Evaluates `inner` over the cases of another store track: a second kind of case a track keeps
// under its own name (its CaseEngine's TrackSpec::aggregate_track must name this track, so
// that writes to it refresh this track's cached aggregates).
Measure OnTrack(std::string track, Measure inner);
// numerator / denominator in basis points, rounded half away from zero (no data when the
// denominator is 0 or either side has none).
Measure Ratio(Measure numerator, Measure denominator);
// a + b (no data when either has none).
Measure Sum(Measure a, Measure b);

// For a track's own measures over its registry: the streets of a context (its one street, also
// for a community context; the caller's several streets; else every street), its communities
// (its one community, else those of its streets), and covered / units as a share in basis
// points rounded as Ratio rounds (no data without units).
std::vector<std::string> StreetsOf(const EvalContext& ctx);
std::vector<std::string> CommunitiesOf(const EvalContext& ctx);
Value Share(int64_t covered, int64_t units);
// The share of the context's streets (StreetsOf) among `covered`: a floor the plan sets for every
// street ("at least one in every street"), graded on each street's row (0 or 100 %) and as the
// share of streets meeting it above.
Value StreetsCovered(const EvalContext& ctx, const absl::flat_hash_set<std::string>& covered);

// "Every month" (每月): the months of the context's period that an every-month indicator judges
// as of today — each month of the period that is over, and the month in progress once `met`
// accepts it (a month is not failed before its end) — in order. None before the period began.
std::vector<absl::CivilMonth> MonthsJudged(const EvalContext& ctx,
                                           const std::function<bool(absl::CivilMonth)>& met);
// The share of the months judged that `met` accepts (no data when none is judged).
Value ShareOfMonthsMet(const EvalContext& ctx, const std::function<bool(absl::CivilMonth)>& met);
// Evaluates `inner` over the whole year containing the period, up to its end (year to date):
// the days run from 1 January of the year of the period's last day.
Measure YearToDate(Measure inner);
// Evaluates `inner` over every day from the first a store may hold (2000-01-01) to the period's
// last: what stands at the period's end of all that was ever opened (the backlog listed so far,
// the cases of it cleared by then).
Measure SinceTheStart(Measure inner);

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

  // ListIndicators with validation and scope. An empty request is the current month over the
  // caller's whole scope: the district for a district-wide principal, its street for a
  // principal of one street, and its streets taken together (figures summed over them, the
  // response's region left empty) for a principal of several. Asking for a street outside the
  // scope is PERMISSION_DENIED. Indicators are per district, street or community, not per
  // grid. Results are cached per (period, region, scope) for 60 s under the aggregate
  // generation.
  absl::StatusOr<governance::v1::ListIndicatorsResponse> List(
      const auth::Principal& who, const governance::v1::ListIndicatorsRequest& request);
  // Cases opened in the period grouped by a declared dimension; competition ranking (1, 2, 2,
  // 4), ties by key. A principal of several streets without a region ranks within them. Cases
  // with an empty key (e.g. no unit yet) count in `total` but get no entry.
  absl::StatusOr<governance::v1::ListRankingsResponse> Rankings(
      const auth::Principal& who, const governance::v1::ListRankingsRequest& request);
  // Audited entry of an outside figure: district_admin or system only; a street figure needs
  // the street in scope, a district figure a district-wide principal. Append-only (each entry
  // the next revision), idempotent by request_id, and logged.
  absl::StatusOr<governance::v1::RecordFigureResponse> RecordFigure(
      const auth::Principal& who, const governance::v1::RecordFigureRequest& request);
  // Recorded figures newest first, within the caller's streets (district rows only for
  // district-wide principals), with page tokens bound to the filter.
  absl::StatusOr<governance::v1::ListFiguresResponse> ListFigures(
      const auth::Principal& who, const governance::v1::ListFiguresRequest& request);

  // Re-evaluates the current month for the district (street="all") and every street and sets
  // governance_indicator_value{track,indicator,street} (the actual value — a count or basis
  // points — or, for change targets, the change in basis points, so it compares with the
  // target; the series is removed while there is no data) and governance_indicator_target.
  // Called periodically by the server. Evaluates everything even when one fails, then returns
  // the first error.
  absl::Status RefreshGauges();

  // An input of the measures that is not in the store changed (a reading a track keeps in
  // memory): the cached evaluations are dropped (the aggregate generation moves on).
  void InputsChanged();

  // Pure evaluation without cache or scope checks (tests, the gauge refresher).
  absl::StatusOr<governance::v1::Indicator> Evaluate(const IndicatorSpec& spec,
                                                     const EvalContext& ctx) const;

  const std::vector<IndicatorSpec>& specs() const { return specs_; }
  // The dimensions the track ranks by, in declaration order.
  const std::vector<governance::v1::RankingDimension>& ranking_dimensions() const {
    return rankings_.dimensions;
  }
  const std::string& track() const { return track_; }

  // Cache scope of the track's aggregates ("<track>:agg"); the case engine bumps it on writes.
  std::string AggregateScope() const { return cache::AggregateScope(track_); }

 private:
  EvalContext MakeContext(const governance::v1::Period& period, const std::string& street_id,
                          const std::string& community_id,
                          std::vector<std::string> streets = {}) const;
  // Cache-aside under the aggregate generation: `compute` fills `out` on a miss.
  absl::Status CachedAggregate(const std::string& key, google::protobuf::Message* out,
                               const std::function<absl::Status()>& compute);
  const FigureSpec* FindFigure(std::string_view id) const;

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

// The region of an aggregate request (indicators, rankings, a track's statistics) resolved
// against the caller's scope: the region validated against the registry (`field` names it in
// errors; grids are refused, aggregates are kept per street and community), a street outside the
// scope PERMISSION_DENIED; unset means the caller's whole scope: the district for a district-wide
// principal, its street for a principal of one street, its streets taken together otherwise.
struct RegionScope {
  std::string street_id;             // "" = district or `streets`
  std::string community_id;          // "" = whole street
  std::vector<std::string> streets;  // several streets of a multi-street caller, sorted
};
absl::StatusOr<RegionScope> ResolveRegionScope(const auth::Principal& who,
                                               const governance::v1::RegionRef& region,
                                               const regions::RegionRegistry& regions,
                                               const std::string& field = "region");

// Attainment (basis points, capped at 20000) and colour for a value against a target.
//
// `v` is the actual value (absolute and rate targets) or the change in basis points (change
// targets); `t` is the target. Attainment is floored to a whole basis point and kept within
// [0, 20000].
//  - Absolute / rate, higher is better: met when v >= t; attainment v * 10000 / t
//    (t <= 0: 10000 when met, else 0).
//  - Absolute / rate, lower is better: met when v <= t; attainment t * 10000 / v
//    (v <= 0: 20000 when met below the target, 10000 when v == t, 0 when not met).
//  - Change vs baseline, lower is better: met when v <= t; attainment 10000 + (t - v), i.e.
//    every basis point of change worse than the target costs one basis point of attainment
//    (target -500, change +300: 9200).
//  - Change vs baseline, higher is better: met when v >= t; attainment 10000 + (v - t).
// Colour: GREEN when met, YELLOW when attainment >= spec.at_risk_from, RED otherwise;
// UNSPECIFIED (attainment 0) without data, without a target kind or without a direction.
struct Grade {
  int64_t attainment = 0;
  governance::v1::Colour colour = governance::v1::COLOUR_UNSPECIFIED;
};
Grade GradeValue(const IndicatorSpec& spec, int64_t actual_or_change, bool has_data);

}  // namespace gov::indicators

#endif  // GOV_COMMON_INDICATORS_INDICATORS_H_
