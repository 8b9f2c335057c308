#include "common/indicators/indicators.h"

#include <algorithm>
#include <limits>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "common/cache/cache.h"
#include "common/cases/codec.h"
#include "common/cases/engine.h"
#include "common/cases/page_token.h"
#include "common/log/log.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"

namespace gov::indicators {

namespace {

using governance::v1::Colour;
using governance::v1::Direction;
using governance::v1::Figure;
using governance::v1::Indicator;
using governance::v1::Period;
using governance::v1::TargetKind;

// Safety net only: every write that changes an aggregate bumps the generation.
constexpr absl::Duration kAggregateTtl = absl::Seconds(60);
constexpr int kDefaultRankingLimit = 10;
constexpr int kMaxRankingLimit = 100;
constexpr size_t kMaxSourceLength = 200;
constexpr size_t kMaxNoteLength = 2000;
constexpr int64_t kBasis = 10000;
constexpr int64_t kMaxAttainment = 20000;
// Street label of district-wide gauge series.
constexpr char kDistrictLabel[] = "all";

// num / den rounded half away from zero; den != 0.
int64_t DivRound(__int128 num, __int128 den) {
  if (den < 0) {
    num = -num;
    den = -den;
  }
  const __int128 half = den / 2;
  const __int128 q = num >= 0 ? (num + half) / den : -((-num + half) / den);
  if (q > std::numeric_limits<int64_t>::max()) return std::numeric_limits<int64_t>::max();
  if (q < std::numeric_limits<int64_t>::min()) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(q);
}

// num / den floored and clamped to [0, kMaxAttainment]; den > 0.
int64_t AttainmentRatio(__int128 num, __int128 den) {
  if (num <= 0) return 0;
  const __int128 q = num / den;
  return q > kMaxAttainment ? kMaxAttainment : static_cast<int64_t>(q);
}

int64_t ClampAttainment(__int128 v) {
  if (v < 0) return 0;
  return v > kMaxAttainment ? kMaxAttainment : static_cast<int64_t>(v);
}

bool WholePeriodDays(const EvalContext& ctx) {
  const cal::DayRange own = cal::Resolve(ctx.period, ctx.now);
  return own.first == ctx.days.first && own.last == ctx.days.last;
}

// Latest figure for one period key in the context's region; nullopt when none is recorded.
absl::StatusOr<std::optional<int64_t>> FigureForKey(const EvalContext& ctx,
                                                    const std::string& figure_id,
                                                    const std::string& key) {
  auto latest = [&](const std::string& street) -> absl::StatusOr<std::optional<int64_t>> {
    absl::StatusOr<store::FigureRecord> r =
        ctx.repo->LatestFigure(ctx.track, figure_id, key, street);
    if (absl::IsNotFound(r.status())) return std::optional<int64_t>();
    if (!r.ok()) return r.status();
    return std::optional<int64_t>(r->value);
  };
  if (!ctx.street_id.empty()) return latest(ctx.street_id);
  if (!ctx.streets.empty()) {
    // Several streets: theirs only; the district's own row covers streets outside the scope.
    std::optional<int64_t> sum;
    for (const std::string& street : ctx.streets) {
      GOV_ASSIGN_OR_RETURN(std::optional<int64_t> part, latest(street));
      if (part.has_value()) sum = sum.value_or(0) + *part;
    }
    return sum;
  }
  GOV_ASSIGN_OR_RETURN(std::optional<int64_t> district, latest(""));
  if (district.has_value() || ctx.regions == nullptr) return district;
  std::optional<int64_t> sum;
  for (const auto* street : ctx.regions->streets()) {
    GOV_ASSIGN_OR_RETURN(std::optional<int64_t> part, latest(street->id()));
    if (part.has_value()) sum = sum.value_or(0) + *part;
  }
  return sum;
}

absl::StatusOr<Value> FigureFor(const EvalContext& ctx, const std::string& figure_id) {
  if (!ctx.community_id.empty()) return Value::Missing();
  if (WholePeriodDays(ctx)) {
    GOV_ASSIGN_OR_RETURN(std::optional<int64_t> own,
                         FigureForKey(ctx, figure_id, cal::PeriodKey(ctx.period)));
    if (own.has_value()) return Value{*own};
    if (ctx.period.part_case() == Period::kMonth || ctx.period.part_case() == Period::kWeek) {
      return Value::Missing();
    }
  }
  // Spans of whole months (a quarter, a year, a year to date) add up their monthly figures. A
  // figure covers its whole month, so a span that ends inside a month (a period to date) counts
  // that month when its figure is recorded, and ends with the month before otherwise.
  if (ctx.days.first.day() != 1) return Value::Missing();
  absl::CivilDay last = ctx.days.last;
  if ((last + 1).day() != 1) {
    const absl::CivilMonth m(last);
    Period month;
    month.set_year(static_cast<int32_t>(m.year()));
    month.set_month(m.month());
    GOV_ASSIGN_OR_RETURN(std::optional<int64_t> current,
                         FigureForKey(ctx, figure_id, cal::PeriodKey(month)));
    last = current.has_value() && !ctx.baseline ? absl::CivilDay(m + 1) - 1 : absl::CivilDay(m) - 1;
  }
  if (last < ctx.days.first) return Value::Missing();
  std::optional<int64_t> sum;
  for (absl::CivilMonth m(ctx.days.first); m <= absl::CivilMonth(last); ++m) {
    Period month;
    month.set_year(static_cast<int32_t>(m.year()));
    month.set_month(m.month());
    GOV_ASSIGN_OR_RETURN(std::optional<int64_t> part,
                         FigureForKey(ctx, figure_id, cal::PeriodKey(month)));
    if (part.has_value()) sum = sum.value_or(0) + *part;
  }
  if (!sum.has_value()) return Value::Missing();
  Value out{*sum};
  if (last != ctx.days.last) out.days = cal::DayRange{ctx.days.first, last};
  return out;
}

store::CountQuery CountsFor(const EvalContext& ctx) {
  store::CountQuery q;
  q.track = ctx.track;
  q.first = ctx.days.first;
  q.last = ctx.days.last;
  q.streets = ctx.streets;
  q.street_id = ctx.street_id;
  q.community_id = ctx.community_id;
  return q;
}

absl::flat_hash_set<std::string> SetOf(const std::vector<std::string>& v) {
  return absl::flat_hash_set<std::string>(v.begin(), v.end());
}

void SetTimestamp(absl::Time t, google::protobuf::Timestamp* ts) {
  // ToUnixSeconds rounds towards the past, so the nanos are never negative.
  const int64_t seconds = absl::ToUnixSeconds(t);
  ts->set_seconds(seconds);
  ts->set_nanos(static_cast<int32_t>((t - absl::FromUnixSeconds(seconds)) / absl::Nanoseconds(1)));
}

absl::Status CheckPeriod(const Period& period, std::string_view field) {
  // The unset period (year 0, no part) is the current month.
  if (period.year() == 0 && period.part_case() == Period::PART_NOT_SET) return absl::OkStatus();
  return cal::ValidatePeriod(period, field);
}

Figure FigureOf(const store::FigureRecord& r) {
  Figure f;
  // The payload keeps the period as entered; the columns are the truth for everything else.
  if (!f.ParseFromString(r.payload)) f.Clear();
  f.set_figure_id(r.figure_id);
  f.set_street_id(r.street_id);
  f.set_value(r.value);
  f.set_source(r.source);
  f.set_note(r.note);
  f.set_entered_by(r.entered_by);
  SetTimestamp(r.enter_time, f.mutable_enter_time());
  f.set_revision(r.revision);
  return f;
}

}  // namespace

IndicatorSpec DistrictCount(std::string id, std::string name_zh, std::string name_en,
                            Measure measure) {
  return {.id = std::move(id),
          .name_zh = std::move(name_zh),
          .name_en = std::move(name_en),
          .unit = governance::v1::INDICATOR_UNIT_COUNT,
          .direction = governance::v1::DIRECTION_HIGHER_IS_BETTER,
          .target_kind = governance::v1::TARGET_KIND_ABSOLUTE,
          .measure = std::move(measure),
          .district_target = true};
}

IndicatorSpec HigherRate(std::string id, std::string name_zh, std::string name_en,
                         Measure measure) {
  return {.id = std::move(id),
          .name_zh = std::move(name_zh),
          .name_en = std::move(name_en),
          .unit = governance::v1::INDICATOR_UNIT_BASIS_POINTS,
          .direction = governance::v1::DIRECTION_HIGHER_IS_BETTER,
          .target_kind = governance::v1::TARGET_KIND_RATE,
          .measure = std::move(measure)};
}

int64_t RatioBasisPoints(int64_t numerator, int64_t denominator) {
  if (denominator == 0) return 0;
  return DivRound(static_cast<__int128>(numerator) * kBasis, denominator);
}

// ---------------------------------------------------------------------------------------------
// Grading

// Whether the spec has a target in the context: always, but for a district target below the
// district (a street, a community, the streets of a principal).
bool TargetApplies(const IndicatorSpec& spec, const EvalContext& ctx) {
  if (spec.target_kind == governance::v1::TARGET_KIND_UNSPECIFIED) return false;
  return !spec.district_target ||
         (ctx.street_id.empty() && ctx.community_id.empty() && ctx.streets.empty());
}

Grade GradeValue(const IndicatorSpec& spec, int64_t v, bool has_data) {
  Grade g;
  if (!has_data || spec.target_kind == governance::v1::TARGET_KIND_UNSPECIFIED ||
      (spec.direction != governance::v1::DIRECTION_HIGHER_IS_BETTER &&
       spec.direction != governance::v1::DIRECTION_LOWER_IS_BETTER)) {
    return g;
  }
  const bool higher = spec.direction == governance::v1::DIRECTION_HIGHER_IS_BETTER;
  const int64_t t = spec.target;
  const bool met = higher ? v >= t : v <= t;
  if (spec.target_kind == governance::v1::TARGET_KIND_CHANGE_VS_BASELINE) {
    const __int128 margin = higher ? static_cast<__int128>(v) - t : static_cast<__int128>(t) - v;
    g.attainment = ClampAttainment(kBasis + margin);
  } else if (higher) {
    g.attainment =
        t <= 0 ? (met ? kBasis : 0) : AttainmentRatio(static_cast<__int128>(v) * kBasis, t);
  } else if (v <= 0) {
    g.attainment = !met ? 0 : (v == t ? kBasis : kMaxAttainment);
  } else {
    g.attainment = t <= 0 ? 0 : AttainmentRatio(static_cast<__int128>(t) * kBasis, v);
  }
  if (met) {
    g.colour = governance::v1::COLOUR_GREEN;
  } else if (g.attainment >= spec.at_risk_from) {
    g.colour = governance::v1::COLOUR_YELLOW;
  } else {
    g.colour = governance::v1::COLOUR_RED;
  }
  return g;
}

// ---------------------------------------------------------------------------------------------
// Measures

Measure RecordedFigure(std::string figure_id) {
  return [figure_id = std::move(figure_id)](const EvalContext& ctx) -> absl::StatusOr<Value> {
    GOV_ASSIGN_OR_RETURN(Value figure, FigureFor(ctx, figure_id));
    figure.recorded = true;
    return figure;
  };
}

Measure CasesOpened(std::vector<std::string> categories) {
  return [categories = SetOf(categories)](const EvalContext& ctx) -> absl::StatusOr<Value> {
    store::CountQuery q = CountsFor(ctx);
    q.by_category = !categories.empty();
    GOV_ASSIGN_OR_RETURN(const std::vector<store::CountRow> rows, ctx.repo->SumCases(q));
    int64_t sum = 0;
    for (const store::CountRow& row : rows) {
      if (categories.empty() || categories.contains(row.category)) sum += row.count;
    }
    return Value{sum};
  };
}

Measure CasesInStatus(std::vector<std::string> statuses, std::vector<std::string> categories,
                      std::vector<std::string> units) {
  return [statuses = SetOf(statuses), categories = SetOf(categories),
          units = SetOf(units)](const EvalContext& ctx) -> absl::StatusOr<Value> {
    store::CountQuery q = CountsFor(ctx);
    q.by_status = true;
    q.by_category = !categories.empty();
    q.by_unit = !units.empty();
    GOV_ASSIGN_OR_RETURN(const std::vector<store::CountRow> rows, ctx.repo->SumCases(q));
    int64_t sum = 0;
    for (const store::CountRow& row : rows) {
      if (statuses.contains(row.status) &&
          (categories.empty() || categories.contains(row.category)) &&
          (units.empty() || units.contains(row.unit_id))) {
        sum += row.count;
      }
    }
    return Value{sum};
  };
}

Measure EventsInto(std::vector<std::string> statuses) {
  return [statuses = SetOf(statuses)](const EvalContext& ctx) -> absl::StatusOr<Value> {
    store::CountQuery q = CountsFor(ctx);
    q.by_status = true;
    GOV_ASSIGN_OR_RETURN(const std::vector<store::CountRow> rows, ctx.repo->SumEvents(q));
    int64_t sum = 0;
    for (const store::CountRow& row : rows) {
      if (statuses.contains(row.status)) sum += row.count;
    }
    return Value{sum};
  };
}

Measure CasesReaching(std::vector<std::string> outcomes, std::vector<std::string> ending_in,
                      std::vector<std::string> via) {
  return [outcomes = std::move(outcomes), ending_in = std::move(ending_in),
          via = std::move(via)](const EvalContext& ctx) -> absl::StatusOr<Value> {
    store::EventCaseQuery q;
    q.scope = CountsFor(ctx);
    q.statuses = outcomes;
    q.last_into = ending_in;
    q.ever_action = via;
    GOV_ASSIGN_OR_RETURN(const int64_t n, ctx.repo->CountCasesWithEvents(q));
    return Value{n};
  };
}

Measure CasesWithAction(std::vector<std::string> actions, std::vector<std::string> categories,
                        std::vector<std::string> ending_with) {
  return [actions = std::move(actions), categories = std::move(categories),
          ending_with = std::move(ending_with)](const EvalContext& ctx) -> absl::StatusOr<Value> {
    store::EventCaseQuery q;
    q.scope = CountsFor(ctx);
    q.actions = actions;
    q.categories = categories;
    q.last_action = ending_with;
    GOV_ASSIGN_OR_RETURN(const int64_t n, ctx.repo->CountCasesWithEvents(q));
    return Value{n};
  };
}

Measure EventsWithAction(std::vector<std::string> actions, std::vector<std::string> categories) {
  return [actions = SetOf(actions),
          categories = SetOf(categories)](const EvalContext& ctx) -> absl::StatusOr<Value> {
    store::CountQuery q = CountsFor(ctx);
    q.by_action = true;
    q.by_category = !categories.empty();
    GOV_ASSIGN_OR_RETURN(const std::vector<store::CountRow> rows, ctx.repo->SumEvents(q));
    int64_t sum = 0;
    for (const store::CountRow& row : rows) {
      if (actions.contains(row.action) &&
          (categories.empty() || categories.contains(row.category))) {
        sum += row.count;
      }
    }
    return Value{sum};
  };
}

Measure EventsWithActionInto(std::vector<std::string> actions, std::vector<std::string> statuses) {
  return [actions = SetOf(actions),
          statuses = SetOf(statuses)](const EvalContext& ctx) -> absl::StatusOr<Value> {
    store::CountQuery q = CountsFor(ctx);
    q.by_action = true;
    q.by_status = true;
    GOV_ASSIGN_OR_RETURN(const std::vector<store::CountRow> rows, ctx.repo->SumEvents(q));
    int64_t sum = 0;
    for (const store::CountRow& row : rows) {
      if (actions.contains(row.action) && statuses.contains(row.status)) sum += row.count;
    }
    return Value{sum};
  };
}

Measure OnTrack(std::string track, Measure inner) {
  return [track = std::move(track),
          inner = std::move(inner)](const EvalContext& ctx) -> absl::StatusOr<Value> {
    EvalContext other = ctx;
    other.track = track;
    return inner(other);
  };
}

Measure Sum(Measure a, Measure b) {
  return [a = std::move(a), b = std::move(b)](const EvalContext& ctx) -> absl::StatusOr<Value> {
    GOV_ASSIGN_OR_RETURN(const Value x, a(ctx));
    GOV_ASSIGN_OR_RETURN(const Value y, b(ctx));
    Value out = x.has_data && y.has_data ? Value{x.value + y.value} : Value::Missing();
    out.recorded = x.recorded || y.recorded;
    return out;
  };
}

std::vector<std::string> StreetsOf(const EvalContext& ctx) {
  if (!ctx.street_id.empty()) return {ctx.street_id};
  if (!ctx.streets.empty()) return ctx.streets;
  std::vector<std::string> out;
  for (const governance::config::v1::Street* street : ctx.regions->streets()) {
    out.push_back(street->id());
  }
  return out;
}

std::vector<std::string> CommunitiesOf(const EvalContext& ctx) {
  if (!ctx.community_id.empty()) return {ctx.community_id};
  std::vector<std::string> out;
  for (const std::string& street : StreetsOf(ctx)) {
    for (const governance::config::v1::Community* community : ctx.regions->CommunitiesOf(street)) {
      out.push_back(community->id());
    }
  }
  return out;
}

Value StreetsCovered(const EvalContext& ctx, const absl::flat_hash_set<std::string>& covered) {
  const std::vector<std::string> streets = StreetsOf(ctx);
  int64_t count = 0;
  for (const std::string& street : streets) count += covered.contains(street) ? 1 : 0;
  return Share(count, static_cast<int64_t>(streets.size()));
}

std::vector<absl::CivilMonth> MonthsJudged(const EvalContext& ctx,
                                           const std::function<bool(absl::CivilMonth)>& met) {
  std::vector<absl::CivilMonth> judged;
  const absl::CivilDay today = cal::LocalDay(ctx.now);
  if (ctx.days.first > today) return judged;
  const absl::CivilMonth last(std::min(ctx.days.last, today));
  for (absl::CivilMonth month(ctx.days.first); month <= last; ++month) {
    const bool over = absl::CivilDay(month + 1) - 1 < today;
    if (over || met(month)) judged.push_back(month);
  }
  return judged;
}

Value ShareOfMonthsMet(const EvalContext& ctx, const std::function<bool(absl::CivilMonth)>& met) {
  const std::vector<absl::CivilMonth> judged = MonthsJudged(ctx, met);
  int64_t met_count = 0;
  for (absl::CivilMonth month : judged) met_count += met(month) ? 1 : 0;
  return Share(met_count, static_cast<int64_t>(judged.size()));
}

Value Share(int64_t covered, int64_t units) {
  if (units <= 0) return Value::Missing();
  return Value{RatioBasisPoints(covered, units)};
}

Measure Ratio(Measure numerator, Measure denominator) {
  return [numerator = std::move(numerator),
          denominator = std::move(denominator)](const EvalContext& ctx) -> absl::StatusOr<Value> {
    GOV_ASSIGN_OR_RETURN(const Value n, numerator(ctx));
    GOV_ASSIGN_OR_RETURN(const Value d, denominator(ctx));
    Value out = !n.has_data || !d.has_data || d.value == 0
                    ? Value::Missing()
                    : Value{RatioBasisPoints(n.value, d.value)};
    out.recorded = n.recorded || d.recorded;
    return out;
  };
}

Measure YearToDate(Measure inner) {
  return [inner = std::move(inner)](const EvalContext& ctx) -> absl::StatusOr<Value> {
    EvalContext ytd = ctx;
    ytd.period = cal::YearOf(ctx.period);
    ytd.days.first = absl::CivilDay(ctx.days.last.year(), 1, 1);
    ytd.days.last = ctx.days.last;
    return inner(ytd);
  };
}

Measure SinceTheStart(Measure inner) {
  return [inner = std::move(inner)](const EvalContext& ctx) -> absl::StatusOr<Value> {
    EvalContext all = ctx;
    all.days.first = absl::CivilDay(2000, 1, 1);
    return inner(all);
  };
}

// ---------------------------------------------------------------------------------------------
// Engine

struct IndicatorEngine::Gauges {
  explicit Gauges(prometheus::Registry* shared) {
    if (shared == nullptr) {
      own = std::make_shared<prometheus::Registry>();
      shared = own.get();
    }
    value = &prometheus::BuildGauge()
                 .Name("governance_indicator_value")
                 .Help(
                     "Governance indicator for the current month: a count, a rate in basis "
                     "points (10000 = 100%), or for year-on-year targets the change in basis "
                     "points; comparable with governance_indicator_target. Absent while the "
                     "inputs are missing. street=\"all\" is the whole district.")
                 .Register(*shared);
    target = &prometheus::BuildGauge()
                  .Name("governance_indicator_target")
                  .Help(
                      "Target of a governance indicator, in the unit of "
                      "governance_indicator_value. source=\"plan\": the district's governance "
                      "plan sets it; source=\"district\": the district's own choice "
                      "(data/targets.json).")
                  .Register(*shared);
    attainment = &prometheus::BuildGauge()
                      .Name("governance_indicator_attainment")
                      .Help(
                          "How far a governance indicator meets its target this month, in basis "
                          "points (10000 = met exactly, capped at 20000), whether lower or "
                          "higher is better. Absent without data or without a target.")
                      .Register(*shared);
  }

  std::shared_ptr<prometheus::Registry> own;  // only when no registry was given
  prometheus::Family<prometheus::Gauge>* value = nullptr;
  prometheus::Family<prometheus::Gauge>* target = nullptr;
  prometheus::Family<prometheus::Gauge>* attainment = nullptr;
  // One refresh at a time: removing a series while another refresh sets it would race.
  absl::Mutex mu;
};

IndicatorEngine::IndicatorEngine(std::string track, std::vector<IndicatorSpec> specs,
                                 std::vector<FigureSpec> figures, RankingSpec rankings,
                                 store::Repository* repo, cache::Cache* cache,
                                 const regions::RegionRegistry* regions, const Clock* clock,
                                 prometheus::Registry* registry)
    : track_(std::move(track)),
      specs_(std::move(specs)),
      figures_(std::move(figures)),
      rankings_(std::move(rankings)),
      repo_(repo),
      cache_(cache),
      regions_(regions),
      clock_(clock),
      gauges_(std::make_shared<Gauges>(registry)) {}

const FigureSpec* IndicatorEngine::FindFigure(std::string_view id) const {
  for (const FigureSpec& f : figures_) {
    if (f.id == id) return &f;
  }
  return nullptr;
}

EvalContext IndicatorEngine::MakeContext(const Period& period, const std::string& street_id,
                                         const std::string& community_id,
                                         std::vector<std::string> streets) const {
  EvalContext ctx;
  ctx.track = track_;
  ctx.now = clock_->Now();
  ctx.period = cal::Normalize(period, ctx.now);
  ctx.days = cal::Resolve(ctx.period, ctx.now);
  ctx.street_id = street_id;
  ctx.community_id = community_id;
  ctx.streets = std::move(streets);
  ctx.repo = repo_;
  ctx.regions = regions_;
  return ctx;
}

namespace {

void SetDays(const cal::DayRange& days, governance::v1::DayRange* out) {
  out->set_first(absl::FormatCivilTime(days.first));
  out->set_last(absl::FormatCivilTime(days.last));
}

}  // namespace

absl::StatusOr<Indicator> IndicatorEngine::Evaluate(const IndicatorSpec& spec,
                                                    const EvalContext& ctx) const {
  if (!spec.measure) {
    return absl::InternalError(absl::StrCat("indicator ", spec.id, " has no measure"));
  }
  Indicator out;
  out.set_id(spec.id);
  out.set_name_zh(spec.name_zh);
  out.set_name_en(spec.name_en);
  out.set_unit(spec.unit);
  out.set_direction(spec.direction);
  out.set_target_kind(spec.target_kind);
  out.set_target(spec.target);
  *out.mutable_period() = ctx.period;
  out.mutable_region()->set_street_id(ctx.street_id);
  out.mutable_region()->set_community_id(ctx.community_id);
  out.set_comparable_by_street(!spec.district_target && !spec.district_only);
  if (spec.district_only &&
      (!ctx.street_id.empty() || !ctx.community_id.empty() || !ctx.streets.empty())) {
    out.set_freshness(governance::v1::INDICATOR_FRESHNESS_LIVE);
    SetDays(ctx.days, out.mutable_days());
    out.set_target_kind(governance::v1::TARGET_KIND_UNSPECIFIED);
    out.set_target(0);
    return out;  // no data below the district
  }

  const bool change =
      spec.target_kind == governance::v1::TARGET_KIND_CHANGE_VS_BASELINE || spec.against_last_year;
  // A change compares like with like: a period not over yet is measured to date and compared
  // with the same days of last year.
  EvalContext measured = ctx;
  if (change) measured.days = cal::ToDate(ctx.days, cal::LocalDay(ctx.now));
  GOV_ASSIGN_OR_RETURN(const Value actual, spec.measure(measured));
  out.set_freshness(actual.recorded ? governance::v1::INDICATOR_FRESHNESS_RECORDED
                                    : governance::v1::INDICATOR_FRESHNESS_LIVE);
  SetDays(actual.days.value_or(measured.days), out.mutable_days());
  out.set_actual(actual.value);
  bool has_data = actual.has_data;
  int64_t graded = actual.value;
  if (change) {
    // Last year's period; when this one was measured short of its end (to date, or to its last
    // whole month), as far into it: to the same day of last year (a week: as many days).
    const cal::DayRange actual_days = actual.days.value_or(measured.days);
    EvalContext base = measured;
    base.baseline = true;
    base.period = cal::SamePeriodLastYear(ctx.period);
    base.days = cal::Resolve(base.period, ctx.now);
    if (actual_days.last != ctx.days.last) {
      base.days.last = ctx.period.part_case() == Period::kWeek
                           ? base.days.first + (actual_days.last - actual_days.first)
                           : cal::SameDayLastYear(actual_days.last);
    }
    GOV_ASSIGN_OR_RETURN(const Value baseline, spec.measure(base));
    SetDays(baseline.days.value_or(base.days), out.mutable_baseline_days());
    out.set_baseline(baseline.value);
    if (!baseline.has_data) {
      has_data = false;
    } else if (baseline.value == 0) {
      // No change from nothing to nothing; growth from zero has no finite rate.
      has_data = has_data && actual.value == 0;
    } else {
      // Relative to the baseline's size, so a change keeps its sign whatever the baseline's.
      const __int128 delta = static_cast<__int128>(actual.value) - baseline.value;
      const __int128 base = baseline.value;
      out.set_change(DivRound(delta * kBasis, base < 0 ? -base : base));
    }
    graded = out.change();
  }
  out.set_has_data(has_data);
  if (!TargetApplies(spec, ctx)) {
    out.set_target_kind(governance::v1::TARGET_KIND_UNSPECIFIED);
    out.set_target(0);
    return out;  // no attainment, no colour, no source
  }
  out.set_target_source(spec.target_source);
  out.set_plan_clause(spec.plan_clause);
  out.set_target_reason(spec.target_reason);
  const Grade grade = GradeValue(spec, graded, has_data);
  out.set_attainment(grade.attainment);
  out.set_colour(grade.colour);
  return out;
}

void IndicatorEngine::InputsChanged() {
  if (cache_ != nullptr) cache_->BumpGeneration(AggregateScope());
}

absl::Status IndicatorEngine::CachedAggregate(const std::string& key,
                                              google::protobuf::Message* out,
                                              const std::function<absl::Status()>& compute) {
  int64_t generation = -1;
  if (cache_ != nullptr) {
    cache::Cache::AggregateLookup lookup = cache_->GetAggregate(AggregateScope(), key);
    generation = lookup.generation;
    if (lookup.value.has_value()) {
      if (out->ParseFromString(*lookup.value)) return absl::OkStatus();
      out->Clear();
    }
  }
  GOV_RETURN_IF_ERROR(compute());
  // The generation was read before the store: a write committed meanwhile has bumped it, so
  // this result lands under a generation no reader asks for any more.
  if (cache_ != nullptr && generation >= 0) {
    cache_->PutAggregate(AggregateScope(), generation, key, out->SerializeAsString(),
                         kAggregateTtl);
  }
  return absl::OkStatus();
}

absl::StatusOr<governance::v1::ListIndicatorsResponse> IndicatorEngine::List(
    const auth::Principal& who, const governance::v1::ListIndicatorsRequest& request) {
  GOV_RETURN_IF_ERROR(CheckPeriod(request.period(), "period"));
  if (regions_ == nullptr) return absl::InternalError("no region registry");
  GOV_ASSIGN_OR_RETURN(const RegionScope scope,
                       ResolveRegionScope(who, request.region(), *regions_));
  for (const std::string& id : request.indicator_ids()) {
    const bool known = std::any_of(specs_.begin(), specs_.end(),
                                   [&](const IndicatorSpec& s) { return s.id == id; });
    if (!known) {
      return InvalidField("indicator_ids",
                          absl::StrCat("unknown indicator \"", id, "\" for ", track_));
    }
  }
  const EvalContext ctx =
      MakeContext(request.period(), scope.street_id, scope.community_id, scope.streets);
  // Today is part of the key: a period to date ends today.
  const std::string key = absl::StrCat(
      "ind:", cal::PeriodKey(ctx.period), ":", absl::FormatCivilTime(cal::LocalDay(ctx.now)), ":",
      scope.street_id, ":", scope.community_id, ":", absl::StrJoin(scope.streets, ","));
  governance::v1::ListIndicatorsResponse all;
  GOV_RETURN_IF_ERROR(CachedAggregate(key, &all, [&]() -> absl::Status {
    all.set_track(track_);
    for (const IndicatorSpec& spec : specs_) {
      GOV_ASSIGN_OR_RETURN(*all.add_indicators(), Evaluate(spec, ctx));
    }
    return absl::OkStatus();
  }));
  if (request.indicator_ids().empty()) return all;
  const absl::flat_hash_set<std::string> wanted(request.indicator_ids().begin(),
                                                request.indicator_ids().end());
  governance::v1::ListIndicatorsResponse some;
  some.set_track(all.track());
  for (Indicator& indicator : *all.mutable_indicators()) {
    if (wanted.contains(indicator.id())) *some.add_indicators() = std::move(indicator);
  }
  return some;
}

absl::StatusOr<governance::v1::ListRankingsResponse> IndicatorEngine::Rankings(
    const auth::Principal& who, const governance::v1::ListRankingsRequest& request) {
  const governance::v1::RankingDimension dimension = request.dimension();
  if (dimension == governance::v1::RANKING_DIMENSION_UNSPECIFIED) {
    return InvalidField("dimension", "required");
  }
  if (std::find(rankings_.dimensions.begin(), rankings_.dimensions.end(), dimension) ==
      rankings_.dimensions.end()) {
    return InvalidField("dimension", absl::StrCat(governance::v1::RankingDimension_Name(dimension),
                                                  " is not ranked by ", track_));
  }
  if (request.limit() < 0) return InvalidField("limit", "must not be negative");
  const int limit =
      request.limit() == 0 ? kDefaultRankingLimit : std::min(request.limit(), kMaxRankingLimit);
  GOV_RETURN_IF_ERROR(CheckPeriod(request.period(), "period"));
  if (regions_ == nullptr) return absl::InternalError("no region registry");
  GOV_ASSIGN_OR_RETURN(const RegionScope scope,
                       ResolveRegionScope(who, request.region(), *regions_));
  const EvalContext ctx =
      MakeContext(request.period(), scope.street_id, scope.community_id, scope.streets);
  const std::string key = absl::StrCat("rank:", static_cast<int>(dimension), ":",
                                       cal::PeriodKey(ctx.period), ":", scope.street_id, ":",
                                       scope.community_id, ":", absl::StrJoin(scope.streets, ","));

  governance::v1::ListRankingsResponse all;
  GOV_RETURN_IF_ERROR(CachedAggregate(key, &all, [&]() -> absl::Status {
    store::CountQuery q = CountsFor(ctx);
    std::string store::CountRow::*field = nullptr;
    switch (dimension) {
      case governance::v1::RANKING_DIMENSION_STREET:
        q.by_street = true;
        field = &store::CountRow::street_id;
        break;
      case governance::v1::RANKING_DIMENSION_COMMUNITY:
        q.by_community = true;
        field = &store::CountRow::community_id;
        break;
      case governance::v1::RANKING_DIMENSION_UNIT:
        q.by_unit = true;
        field = &store::CountRow::unit_id;
        break;
      case governance::v1::RANKING_DIMENSION_CATEGORY:
        q.by_category = true;
        field = &store::CountRow::category;
        break;
      default:
        return absl::InternalError("unhandled ranking dimension");
    }
    GOV_ASSIGN_OR_RETURN(const std::vector<store::CountRow> rows, repo_->SumCases(q));
    absl::flat_hash_map<std::string, int64_t> counts;
    int64_t total = 0;
    for (const store::CountRow& row : rows) {
      total += row.count;
      // Cases not yet placed in the dimension (e.g. no unit before routing) count in the total
      // but are no one's rank.
      if (!(row.*field).empty()) counts[row.*field] += row.count;
    }
    std::vector<std::pair<std::string, int64_t>> ordered;
    for (auto& [k, count] : counts) {
      if (count > 0) ordered.emplace_back(k, count);
    }
    std::sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
      return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    all.set_total(total);
    int rank = 0;
    for (size_t i = 0; i < ordered.size(); ++i) {
      // Competition ranking: equal counts share a rank, the next rank skips (1, 2, 2, 4).
      if (i == 0 || ordered[i].second != ordered[i - 1].second) rank = static_cast<int>(i) + 1;
      governance::v1::RankingEntry* entry = all.add_entries();
      entry->set_rank(rank);
      entry->set_key(ordered[i].first);
      entry->set_count(ordered[i].second);
      switch (dimension) {
        case governance::v1::RANKING_DIMENSION_STREET:
        case governance::v1::RANKING_DIMENSION_COMMUNITY:
          entry->set_name(regions_->NameOf(ordered[i].first));
          break;
        case governance::v1::RANKING_DIMENSION_UNIT:
          if (rankings_.unit_name) entry->set_name(rankings_.unit_name(ordered[i].first));
          break;
        case governance::v1::RANKING_DIMENSION_CATEGORY:
          if (rankings_.category_name) {
            entry->set_name(rankings_.category_name(ordered[i].first));
          }
          break;
        default:
          break;
      }
    }
    return absl::OkStatus();
  }));
  if (all.entries_size() > limit) {
    all.mutable_entries()->DeleteSubrange(limit, all.entries_size() - limit);
  }
  return all;
}

absl::StatusOr<governance::v1::RecordFigureResponse> IndicatorEngine::RecordFigure(
    const auth::Principal& who, const governance::v1::RecordFigureRequest& request) {
  if (!who.HasRole(auth::kDistrictAdmin) && !who.HasRole(auth::kSystem)) {
    return absl::PermissionDeniedError(
        absl::StrCat("principal ", who.id, " may not record figures"));
  }
  GOV_RETURN_IF_ERROR(ValidateRequestId(request.request_id()));
  const Figure& in = request.figure();
  if (in.figure_id().empty()) return InvalidField("figure.figure_id", "required");
  const FigureSpec* spec = FindFigure(in.figure_id());
  if (spec == nullptr) {
    return InvalidField("figure.figure_id",
                        absl::StrCat("unknown figure \"", in.figure_id(), "\" for ", track_));
  }
  if (in.period().year() == 0) return InvalidField("figure.period", "required");
  GOV_RETURN_IF_ERROR(cal::ValidatePeriod(in.period(), "figure.period"));
  if (!in.street_id().empty()) {
    if (!spec->per_street) {
      return InvalidField("figure.street_id",
                          absl::StrCat(spec->id, " is recorded for the whole district only"));
    }
    if (regions_ == nullptr || !regions_->HasStreet(in.street_id())) {
      return InvalidField("figure.street_id",
                          absl::StrCat("unknown street \"", in.street_id(), "\""));
    }
  }
  if (in.value() < 0) return InvalidField("figure.value", "must not be negative");
  if (in.source().empty()) return InvalidField("figure.source", "required");
  if (in.source().size() > kMaxSourceLength) {
    return InvalidField("figure.source", absl::StrCat("at most ", kMaxSourceLength, " characters"));
  }
  if (in.note().size() > kMaxNoteLength) {
    return InvalidField("figure.note", absl::StrCat("at most ", kMaxNoteLength, " characters"));
  }
  if (!who.CanAccessStreet(in.street_id())) {
    return absl::PermissionDeniedError(
        in.street_id().empty()
            ? std::string("district figures need a district-wide principal")
            : absl::StrCat("street \"", in.street_id(), "\" is outside the caller's scope"));
  }

  // What the caller asked to record, canonically, so that a retry matches and a different
  // figure under the same request_id does not.
  cases::codec::Writer content;
  content.String(in.figure_id());
  content.String(cal::PeriodKey(in.period()));
  content.String(in.street_id());
  content.Int(in.value());
  content.String(in.source());
  content.String(in.note());

  const absl::Time now = clock_->Now();
  Figure stored;
  stored.set_figure_id(in.figure_id());
  *stored.mutable_period() = in.period();
  stored.set_street_id(in.street_id());
  stored.set_value(in.value());
  stored.set_source(in.source());
  stored.set_note(in.note());
  stored.set_entered_by(who.id);
  SetTimestamp(now, stored.mutable_enter_time());

  store::FigureRecord record;
  record.track = track_;
  record.figure_id = in.figure_id();
  record.period_key = cal::PeriodKey(in.period());
  record.street_id = in.street_id();
  record.value = in.value();
  record.source = in.source();
  record.note = in.note();
  record.entered_by = who.id;
  record.enter_time = now;
  record.payload = stored.SerializeAsString();

  GOV_ASSIGN_OR_RETURN(const store::FigureRecord saved,
                       repo_->RecordFigure(record, request.request_id(),
                                           cases::CaseEngine::RequestHash(content.data())));
  if (cache_ != nullptr) cache_->BumpGeneration(AggregateScope());
  log::Info("figure recorded", {{"track", track_},
                                {"figure_id", saved.figure_id},
                                {"period", saved.period_key},
                                {"street", saved.street_id},
                                {"revision", absl::StrCat(saved.revision)},
                                {"principal", who.id}});
  governance::v1::RecordFigureResponse response;
  *response.mutable_figure() = FigureOf(saved);
  return response;
}

absl::StatusOr<governance::v1::ListFiguresResponse> IndicatorEngine::ListFigures(
    const auth::Principal& who, const governance::v1::ListFiguresRequest& request) {
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(request.page_size()));
  if (!request.figure_id().empty() && FindFigure(request.figure_id()) == nullptr) {
    return InvalidField("figure_id",
                        absl::StrCat("unknown figure \"", request.figure_id(), "\" for ", track_));
  }
  if (!request.street_id().empty()) {
    if (regions_ == nullptr || !regions_->HasStreet(request.street_id())) {
      return InvalidField("street_id",
                          absl::StrCat("unknown street \"", request.street_id(), "\""));
    }
    if (!who.CanAccessStreet(request.street_id())) {
      return absl::PermissionDeniedError(
          absl::StrCat("street \"", request.street_id(), "\" is outside the caller's scope"));
    }
  }
  store::FigureFilter filter;
  filter.track = track_;
  filter.figure_id = request.figure_id();
  filter.street_id = request.street_id();
  if (!who.district_wide()) {
    filter.streets.assign(who.streets.begin(), who.streets.end());
    std::sort(filter.streets.begin(), filter.streets.end());
  }

  cases::codec::Writer binding;
  binding.String("figures");
  binding.String(track_);
  binding.String(filter.figure_id);
  binding.String(filter.street_id);
  binding.String(absl::StrJoin(filter.streets, ","));
  if (!request.page_token().empty()) {
    GOV_ASSIGN_OR_RETURN(const std::vector<std::string> cursor,
                         cases::DecodePageToken(request.page_token(), binding.data()));
    if (cursor.size() != 1 || !absl::SimpleAtoi(cursor[0], &filter.before_seq) ||
        filter.before_seq <= 0) {
      return InvalidField("page_token", "invalid or from another query");
    }
  }
  filter.limit = size + 1;
  GOV_ASSIGN_OR_RETURN(std::vector<store::FigureRecord> rows, repo_->ListFigures(filter));

  governance::v1::ListFiguresResponse response;
  if (static_cast<int>(rows.size()) > size) {
    rows.resize(size);
    response.set_next_page_token(
        cases::EncodePageToken(binding.data(), {absl::StrCat(rows.back().seq)}));
  }
  for (const store::FigureRecord& row : rows) *response.add_figures() = FigureOf(row);
  return response;
}

absl::Status IndicatorEngine::RefreshGauges() {
  absl::MutexLock lock(&gauges_->mu);
  const absl::Time now = clock_->Now();
  const Period month = cal::MonthOf(cal::LocalDay(now));
  std::vector<std::string> streets = {""};
  if (regions_ != nullptr) {
    for (const auto* street : regions_->streets()) streets.push_back(street->id());
  }
  absl::Status first_error;
  for (const std::string& street : streets) {
    const EvalContext ctx = MakeContext(month, street, "");
    for (const IndicatorSpec& spec : specs_) {
      const prometheus::Labels labels = {
          {"track", track_},
          {"indicator", spec.id},
          {"street", street.empty() ? std::string(kDistrictLabel) : street}};
      if (TargetApplies(spec, ctx)) {
        prometheus::Labels with_source = labels;
        with_source["source"] =
            spec.target_source == governance::v1::TARGET_SOURCE_PLAN ? "plan" : "district";
        gauges_->target->Add(with_source).Set(static_cast<double>(spec.target));
      }
      absl::StatusOr<Indicator> indicator = Evaluate(spec, ctx);
      if (!indicator.ok()) {
        if (first_error.ok()) first_error = indicator.status();
        continue;
      }
      if (indicator->has_data()) {
        const bool change = spec.target_kind == governance::v1::TARGET_KIND_CHANGE_VS_BASELINE ||
                            spec.against_last_year;
        gauges_->value->Add(labels).Set(
            static_cast<double>(change ? indicator->change() : indicator->actual()));
      } else if (gauges_->value->Has(labels)) {
        gauges_->value->Remove(&gauges_->value->Add(labels));
      }
      const bool graded = indicator->has_data() && TargetApplies(spec, ctx);
      if (graded) {
        gauges_->attainment->Add(labels).Set(static_cast<double>(indicator->attainment()));
      } else if (gauges_->attainment->Has(labels)) {
        gauges_->attainment->Remove(&gauges_->attainment->Add(labels));
      }
    }
  }
  if (!first_error.ok()) {
    log::Warn("indicator gauges partly refreshed",
              {{"track", track_}, {"error", first_error.ToString()}});
  }
  return first_error;
}

absl::StatusOr<RegionScope> ResolveRegionScope(const auth::Principal& who,
                                               const governance::v1::RegionRef& region,
                                               const regions::RegionRegistry& regions,
                                               const std::string& field) {
  GOV_RETURN_IF_ERROR(regions.Validate(region, field, /*require_street=*/false));
  if (!region.grid_id().empty()) {
    return InvalidField(absl::StrCat(field, ".grid_id"),
                        "aggregates are kept per street and community, not per grid");
  }
  RegionScope scope;
  scope.street_id = region.street_id();
  scope.community_id = region.community_id();
  if (!scope.street_id.empty()) {
    if (!who.CanAccessStreet(scope.street_id)) {
      return absl::PermissionDeniedError(
          absl::StrCat("street \"", scope.street_id, "\" is outside the caller's scope"));
    }
    return scope;
  }
  if (who.district_wide()) return scope;
  if (who.streets.size() == 1) {
    scope.street_id = *who.streets.begin();
    return scope;
  }
  // Several streets and none named: all of them together (the caller's whole scope).
  scope.streets.assign(who.streets.begin(), who.streets.end());
  std::sort(scope.streets.begin(), scope.streets.end());
  return scope;
}

}  // namespace gov::indicators
