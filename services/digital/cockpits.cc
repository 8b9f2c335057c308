#include "services/digital/cockpits.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/cases/calendar.h"
#include "common/clock/district_time.h"
#include "common/config/config.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"

namespace gov::digital {
namespace {

using governance::v1::Indicator;
using governance::v1::Period;

constexpr int kDefaultPeriods = 6;
constexpr int kMaxPeriods = 12;
// How long past its deadline a read of the tracks may take to assemble what it got, for the
// calls waiting for it.
constexpr absl::Duration kReadGrace = absl::Seconds(1);

bool IsPlainId(std::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  });
}

absl::Status CheckCockpit(const dv1::CockpitDeclaration& c, const std::string& at,
                          const regions::RegionRegistry& regions) {
  if (c.name_zh().empty()) return InvalidField(absl::StrCat(at, ".name_zh"), "required");
  if (c.name_en().empty()) return InvalidField(absl::StrCat(at, ".name_en"), "required");
  switch (c.kind()) {
    case dv1::COCKPIT_KIND_DISTRICT:
      if (!c.street_id().empty() || !c.department().empty()) {
        return InvalidField(absl::StrCat(at, ".kind"),
                            "the district's cockpit has neither a street nor a department");
      }
      break;
    case dv1::COCKPIT_KIND_STREET:
      if (!regions.HasStreet(c.street_id())) {
        return InvalidField(
            absl::StrCat(at, ".street_id"),
            absl::StrCat("\"", c.street_id(), "\" is not a street of the registry"));
      }
      if (!c.department().empty()) {
        return InvalidField(absl::StrCat(at, ".department"), "a street cockpit has no department");
      }
      break;
    case dv1::COCKPIT_KIND_DEPARTMENT:
      if (c.department().empty()) {
        return InvalidField(absl::StrCat(at, ".department"), "required for a department cockpit");
      }
      if (!c.street_id().empty()) {
        return InvalidField(absl::StrCat(at, ".street_id"),
                            "a department cockpit is the whole district's");
      }
      break;
    default:
      return InvalidField(absl::StrCat(at, ".kind"), "district, street or department");
  }
  GOV_RETURN_IF_ERROR(ValidateDay(c.launched(), absl::StrCat(at, ".launched")));
  if (c.selections().empty()) {
    return InvalidField(absl::StrCat(at, ".selections"), "at least one track's indicators");
  }
  absl::flat_hash_set<std::string> tracks;
  for (int i = 0; i < c.selections_size(); ++i) {
    const dv1::CockpitSelection& s = c.selections(i);
    const std::string field = absl::StrCat(at, ".selections[", i, "]");
    if (config::FindTrack(s.track()) == nullptr) {
      return InvalidField(absl::StrCat(field, ".track"),
                          absl::StrCat("\"", s.track(), "\" is not a track of the suite"));
    }
    if (!tracks.insert(s.track()).second) {
      return InvalidField(absl::StrCat(field, ".track"), "a track is selected once a cockpit");
    }
    absl::flat_hash_set<std::string> ids;
    for (int j = 0; j < s.indicator_ids_size(); ++j) {
      if (!IsPlainId(s.indicator_ids(j)) || !ids.insert(s.indicator_ids(j)).second) {
        return InvalidField(absl::StrCat(field, ".indicator_ids[", j, "]"),
                            "an indicator id, once");
      }
    }
  }
  return absl::OkStatus();
}

// The region a cockpit asks the tracks for: its street, or the district (unset).
governance::v1::ListIndicatorsRequest AskFor(const dv1::CockpitDeclaration& cockpit,
                                             const Period& period) {
  governance::v1::ListIndicatorsRequest ask;
  *ask.mutable_period() = period;
  if (!cockpit.street_id().empty()) ask.mutable_region()->set_street_id(cockpit.street_id());
  return ask;
}

// One track's part of a cockpit from its answer: the selected indicators in the selection's
// order (all of the track's for an empty selection).
dv1::CockpitTrack PartOf(const dv1::CockpitSelection& selection,
                         const indicators::TrackAnswer& answer) {
  dv1::CockpitTrack part;
  part.set_track(selection.track());
  part.set_code(static_cast<int32_t>(answer.code));
  if (answer.code != absl::StatusCode::kOk) {
    part.set_message(answer.message);
    return part;
  }
  if (selection.indicator_ids().empty()) {
    *part.mutable_indicators() = answer.response.indicators();
    return part;
  }
  absl::flat_hash_map<std::string, const Indicator*> by_id;
  for (const Indicator& indicator : answer.response.indicators()) {
    by_id[indicator.id()] = &indicator;
  }
  for (const std::string& id : selection.indicator_ids()) {
    auto it = by_id.find(id);
    if (it == by_id.end()) {
      part.add_unknown_ids(id);
    } else {
      *part.add_indicators() = *it->second;
    }
  }
  return part;
}

dv1::CockpitFreshness FreshnessOf(const dv1::Cockpit& cockpit) {
  dv1::CockpitFreshness f;
  for (const dv1::CockpitTrack& part : cockpit.tracks()) {
    for (const Indicator& indicator : part.indicators()) {
      const bool live = indicator.freshness() == governance::v1::INDICATOR_FRESHNESS_LIVE;
      f.set_indicators(f.indicators() + 1);
      if (live) f.set_high_frequency(f.high_frequency() + 1);
      if (indicator.comparable_by_street()) f.set_comparable(f.comparable() + 1);
      if (live && indicator.comparable_by_street()) {
        f.set_high_frequency_comparable(f.high_frequency_comparable() + 1);
      }
    }
  }
  f.set_share(indicators::RatioBasisPoints(f.high_frequency_comparable(), f.indicators()));
  return f;
}

std::string CacheKey(const dv1::CockpitDeclaration& cockpit, const Period& period) {
  return absl::StrCat("cockpit:", cockpit.id(), ":", cal::PeriodKey(period));
}

// How a street's value ranks: by attainment where graded, else by the value (the change for an
// indicator watched against last year) in its better direction.
int64_t Score(const Indicator& indicator) {
  if (indicator.target_kind() != governance::v1::TARGET_KIND_UNSPECIFIED) {
    return indicator.attainment();
  }
  const int64_t value = indicator.has_baseline_days() ? indicator.change() : indicator.actual();
  return indicator.direction() == governance::v1::DIRECTION_LOWER_IS_BETTER ? -value : value;
}

}  // namespace

absl::Status CheckCockpits(const cv1::DigitalRules& data, const regions::RegionRegistry& regions) {
  absl::flat_hash_set<std::string> ids;
  for (int i = 0; i < data.cockpits_size(); ++i) {
    const dv1::CockpitDeclaration& c = data.cockpits(i);
    const std::string at = absl::StrCat("cockpits[", i, "]");
    if (!IsPlainId(c.id()) || c.id().size() > kMaxIdLength) {
      return InvalidField(absl::StrCat(at, ".id"), "letters, digits, '-' and '_', at most 64");
    }
    if (!ids.insert(c.id()).second) {
      return InvalidField(absl::StrCat(at, ".id"), absl::StrCat("\"", c.id(), "\" given twice"));
    }
    GOV_RETURN_IF_ERROR(CheckCockpit(c, at, regions));
  }
  if (data.cockpits().empty()) return absl::OkStatus();
  const cv1::CockpitSettings& s = data.cockpit_settings();
  GOV_RETURN_IF_ERROR(
      ValidateRange(s.track_timeout_ms(), 50, 10000, "cockpit_settings.track_timeout_ms"));
  return ValidateRange(s.cache_seconds(), 0, 300, "cockpit_settings.cache_seconds");
}

Cockpits::Cockpits(const Rules* rules, const regions::RegionRegistry* regions, const Clock* clock,
                   prometheus::Registry* registry)
    : rules_(rules), regions_(regions), clock_(clock) {
  if (registry == nullptr) return;
  reads_ = &prometheus::BuildCounter()
                .Name("governance_cockpit_reads_total")
                .Help(
                    "Cockpits read from the tracks (not found in the cache), by cockpit and "
                    "outcome: complete, or incomplete (a track did not answer).")
                .Register(*registry);
}

const dv1::CockpitDeclaration* Cockpits::Find(const std::string& id) const {
  for (const dv1::CockpitDeclaration& c : rules_->data().cockpits()) {
    if (c.id() == id) return &c;
  }
  return nullptr;
}

absl::StatusOr<const dv1::CockpitDeclaration*> Cockpits::Readable(const auth::Principal& who,
                                                                  const std::string& id) const {
  GOV_RETURN_IF_ERROR(ValidateId(id, "id"));
  const dv1::CockpitDeclaration* cockpit = Find(id);
  if (cockpit == nullptr) {
    return FieldError(absl::StatusCode::kNotFound, "id",
                      absl::StrCat("no cockpit \"", id, "\" is declared"));
  }
  if (!who.CanAccessStreet(cockpit->street_id())) {
    return auth::Denied(who, absl::StrCat("read the cockpit ", id));
  }
  return cockpit;
}

absl::Time Cockpits::Deadline(const server::Call* call) const {
  absl::Time deadline =
      absl::Now() + absl::Milliseconds(rules_->data().cockpit_settings().track_timeout_ms());
  if (call != nullptr && call->context != nullptr) {
    deadline = std::min(deadline, absl::FromChrono(call->context->deadline()));
  }
  return deadline;
}

std::vector<dv1::Cockpit> Cockpits::Assemble(const dv1::CockpitDeclaration& cockpit,
                                             const std::vector<Period>& periods,
                                             absl::Time deadline) const {
  std::vector<dv1::Cockpit> out(periods.size());
  std::vector<Period> missing;
  std::vector<size_t> slots;  // where each missing period's cockpit goes in `out`
  std::string key = cockpit.id();
  for (size_t p = 0; p < periods.size(); ++p) {
    if (fanout_ != nullptr && fanout_->Cached(CacheKey(cockpit, periods[p]), &out[p])) continue;
    missing.push_back(periods[p]);
    slots.push_back(p);
    absl::StrAppend(&key, ":", cal::PeriodKey(periods[p]));
  }
  if (missing.empty()) return out;
  // One read of the tracks at a time for the same cockpit and periods: the calls that come
  // while it runs (a cache entry that just expired under load) take its result.
  std::shared_ptr<Flight> flight;
  bool reads = false;
  {
    absl::MutexLock lock(&flights_mu_);
    std::shared_ptr<Flight>& slot = flights_[key];
    if (slot == nullptr) {
      slot = std::make_shared<Flight>();
      slot->until = deadline;
      reads = true;
    }
    flight = slot;
  }
  std::vector<dv1::Cockpit> read;
  if (reads) {
    read = Read(cockpit, missing, deadline);
    flight->built = read;
    {
      absl::MutexLock lock(&flights_mu_);
      flights_.erase(key);
    }
    flight->done.Notify();
  } else if (flight->done.WaitForNotificationWithDeadline(flight->until + kReadGrace)) {
    read = flight->built;
  } else {
    read = Read(cockpit, missing, deadline);  // out of time: every part says so
  }
  for (size_t i = 0; i < slots.size(); ++i) out[slots[i]] = std::move(read[i]);
  return out;
}

std::vector<dv1::Cockpit> Cockpits::Read(const dv1::CockpitDeclaration& cockpit,
                                         const std::vector<Period>& periods,
                                         absl::Time deadline) const {
  std::vector<dv1::Cockpit> out(periods.size());
  std::vector<indicators::TrackAsk> asks;
  for (const Period& period : periods) {
    for (const dv1::CockpitSelection& selection : cockpit.selections()) {
      asks.push_back({.track = selection.track(), .request = AskFor(cockpit, period)});
    }
  }
  const absl::Time now = clock_->Now();
  std::vector<indicators::TrackAnswer> answers;
  if (fanout_ != nullptr) {
    answers = fanout_->Ask(asks, deadline);
  } else {
    for (const indicators::TrackAsk& ask : asks) {
      answers.push_back({.track = ask.track,
                         .code = absl::StatusCode::kUnavailable,
                         .message = "the cockpits are not attached to the indicators",
                         .response = {}});
    }
  }
  const int per_period = cockpit.selections_size();
  for (size_t p = 0; p < periods.size(); ++p) {
    dv1::Cockpit& built = out[p];
    *built.mutable_declaration() = cockpit;
    *built.mutable_period() = periods[p];
    *built.mutable_evaluated_at() = ToTimestamp(now);
    bool complete = true;
    for (int s = 0; s < per_period; ++s) {
      const indicators::TrackAnswer& answer = answers[p * per_period + s];
      *built.add_tracks() = PartOf(cockpit.selections(s), answer);
      complete = complete && answer.code == absl::StatusCode::kOk;
    }
    built.set_complete(complete);
    *built.mutable_freshness() = FreshnessOf(built);
    if (reads_ != nullptr) {
      reads_
          ->Add({{"track", kTrack},
                 {"cockpit", cockpit.id()},
                 {"outcome", complete ? "complete" : "incomplete"}})
          .Increment();
    }
    if (complete && fanout_ != nullptr) {
      fanout_->Keep(CacheKey(cockpit, built.period()), built,
                    absl::Seconds(rules_->data().cockpit_settings().cache_seconds()));
    }
  }
  return out;
}

absl::Status Cockpits::List(const auth::Principal& who, const dv1::ListCockpitsRequest& in,
                            dv1::ListCockpitsResponse* out) const {
  if (!dv1::CockpitKind_IsValid(in.kind())) return InvalidField("kind", "a cockpit kind");
  for (const dv1::CockpitDeclaration& c : rules_->data().cockpits()) {
    if (in.kind() != dv1::COCKPIT_KIND_UNSPECIFIED && c.kind() != in.kind()) continue;
    if (!who.CanAccessStreet(c.street_id())) continue;
    *out->add_cockpits() = c;
  }
  return absl::OkStatus();
}

absl::Status Cockpits::Get(const server::Call& call, const dv1::GetCockpitRequest& in,
                           dv1::GetCockpitResponse* out) const {
  GOV_ASSIGN_OR_RETURN(const dv1::CockpitDeclaration* cockpit, Readable(call.principal, in.id()));
  GOV_RETURN_IF_ERROR(cal::ValidatePeriod(in.period(), "period"));
  std::vector<dv1::Cockpit> built =
      Assemble(*cockpit, {cal::Normalize(in.period(), clock_->Now())}, Deadline(&call));
  *out->mutable_cockpit() = std::move(built.front());
  return absl::OkStatus();
}

absl::Status Cockpits::ComparePeriods(const server::Call& call,
                                      const dv1::ComparePeriodsRequest& in,
                                      dv1::ComparePeriodsResponse* out) const {
  GOV_ASSIGN_OR_RETURN(const dv1::CockpitDeclaration* cockpit, Readable(call.principal, in.id()));
  GOV_RETURN_IF_ERROR(cal::ValidatePeriod(in.period(), "period"));
  GOV_RETURN_IF_ERROR(ValidateRange(in.count(), 0, kMaxPeriods, "count"));
  const int count = in.count() == 0 ? kDefaultPeriods : in.count();
  std::vector<Period> periods = {cal::Normalize(in.period(), clock_->Now())};
  while (static_cast<int>(periods.size()) < count) {
    const Period before = cal::PreviousPeriod(periods.back());
    if (!cal::ValidatePeriod(before, "period").ok()) break;  // before the calendar's first year
    periods.push_back(before);
  }
  for (dv1::Cockpit& built : Assemble(*cockpit, periods, Deadline(&call))) {
    *out->add_cockpits() = std::move(built);
  }
  return absl::OkStatus();
}

absl::Status Cockpits::CompareStreets(const server::Call& call,
                                      const dv1::CompareStreetsRequest& in,
                                      dv1::CompareStreetsResponse* out) const {
  if (config::FindTrack(in.track()) == nullptr) {
    return InvalidField("track", absl::StrCat("\"", in.track(), "\" is not a track of the suite"));
  }
  if (!IsPlainId(in.indicator_id())) return InvalidField("indicator_id", "an indicator id");
  GOV_RETURN_IF_ERROR(cal::ValidatePeriod(in.period(), "period"));
  const Period period = cal::Normalize(in.period(), clock_->Now());
  std::vector<indicators::TrackAsk> asks;
  indicators::TrackAsk district{.track = in.track(), .request = {}};
  *district.request.mutable_period() = period;
  district.request.add_indicator_ids(in.indicator_id());
  asks.push_back(district);
  for (const auto* street : regions_->streets()) {
    indicators::TrackAsk ask = district;
    ask.request.mutable_region()->set_street_id(street->id());
    asks.push_back(std::move(ask));
  }
  if (fanout_ == nullptr) return absl::UnavailableError("the cockpits are not attached");
  const std::vector<indicators::TrackAnswer> answers = fanout_->Ask(asks, Deadline(&call));
  for (const indicators::TrackAnswer& answer : answers) {
    if (answer.code == absl::StatusCode::kInvalidArgument) {
      // The track does not know the indicator (or the period): the caller's field.
      return FieldError(absl::StatusCode::kInvalidArgument, "indicator_id", answer.message);
    }
    if (answer.code != absl::StatusCode::kOk) return absl::Status(answer.code, answer.message);
    if (answer.response.indicators_size() != 1) {
      return absl::InternalError(absl::StrCat("track ", in.track(), " answered ",
                                              answer.response.indicators_size(),
                                              " indicators for one id"));
    }
  }
  *out->mutable_district() = answers.front().response.indicators(0);
  std::vector<dv1::StreetValue> rows;
  for (size_t i = 1; i < answers.size(); ++i) {
    dv1::StreetValue row;
    row.set_street_id(asks[i].request.region().street_id());
    row.set_street_name(regions_->NameOf(row.street_id()));
    *row.mutable_indicator() = answers[i].response.indicators(0);
    rows.push_back(std::move(row));
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const dv1::StreetValue& a, const dv1::StreetValue& b) {
                     if (a.indicator().has_data() != b.indicator().has_data())
                       return a.indicator().has_data();
                     if (!a.indicator().has_data()) return a.street_id() < b.street_id();
                     const int64_t sa = Score(a.indicator());
                     const int64_t sb = Score(b.indicator());
                     if (sa != sb) return sa > sb;
                     return a.street_id() < b.street_id();
                   });
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!rows[i].indicator().has_data()) break;
    const bool tie = i > 0 && Score(rows[i].indicator()) == Score(rows[i - 1].indicator());
    rows[i].set_rank(tie ? rows[i - 1].rank() : static_cast<int32_t>(i + 1));
  }
  for (dv1::StreetValue& row : rows) *out->add_streets() = std::move(row);
  return absl::OkStatus();
}

// ---- The survey and the indicators ----

absl::Status Cockpits::Survey() {
  const dv1::CockpitDeclaration* district = nullptr;
  for (const dv1::CockpitDeclaration& c : rules_->data().cockpits()) {
    if (c.kind() == dv1::COCKPIT_KIND_DISTRICT) district = &c;
  }
  if (district == nullptr || fanout_ == nullptr) return absl::OkStatus();
  std::vector<dv1::Cockpit> built =
      Assemble(*district, {cal::Normalize(Period(), clock_->Now())}, Deadline(nullptr));
  if (!built.front().complete()) return absl::OkStatus();  // the last complete reading stays
  const dv1::CockpitFreshness& read = built.front().freshness();
  bool changed = false;
  {
    absl::MutexLock lock(&mu_);
    const absl::CivilDay today = cal::LocalDay(clock_->Now());
    changed = !surveyed_.has_value() ||
              surveyed_->freshness.SerializeAsString() != read.SerializeAsString() ||
              cal::LocalDay(surveyed_->at) != today;
    surveyed_ = Surveyed{.freshness = read, .at = clock_->Now()};
  }
  // The indicators read from the survey are evaluated again.
  if (changed && own_ != nullptr) own_->InputsChanged();
  return absl::OkStatus();
}

std::optional<Cockpits::Surveyed> Cockpits::LastSurvey() const {
  absl::MutexLock lock(&mu_);
  return surveyed_;
}

std::vector<indicators::IndicatorSpec> Cockpits::Indicators() const {
  using governance::v1::DIRECTION_HIGHER_IS_BETTER;
  using governance::v1::INDICATOR_UNIT_BASIS_POINTS;
  using governance::v1::INDICATOR_UNIT_COUNT;
  // The plan's new cockpits of a kind (any kind when UNSPECIFIED) in use by the period's end.
  const auto in_use = [this](dv1::CockpitKind kind) -> indicators::Measure {
    return [this, kind](const indicators::EvalContext& ctx) -> absl::StatusOr<indicators::Value> {
      int64_t n = 0;
      for (const dv1::CockpitDeclaration& c : rules_->data().cockpits()) {
        if (!c.plan_new() || (kind != dv1::COCKPIT_KIND_UNSPECIFIED && c.kind() != kind)) {
          continue;
        }
        const std::optional<absl::CivilDay> launched = cal::ParseDay(c.launched());
        if (launched.has_value() && *launched <= ctx.days.last) ++n;
      }
      return indicators::Value{n};
    };
  };
  // The last survey's reading, for a period that includes the day it was made (it is a reading
  // of the suite as it is, not kept for past periods).
  const auto surveyed =
      [this](int64_t (*read)(const dv1::CockpitFreshness&)) -> indicators::Measure {
    return [this, read](const indicators::EvalContext& ctx) -> absl::StatusOr<indicators::Value> {
      const std::optional<Surveyed> last = LastSurvey();
      if (!last.has_value() || !ctx.days.Contains(cal::LocalDay(last->at))) {
        return indicators::Value::Missing();
      }
      return indicators::Value{read(last->freshness)};
    };
  };
  std::vector<indicators::IndicatorSpec> specs;
  // 重点开发建设15个数字驾驶舱; 开发建设10个街道、5个重点部门数字驾驶舱.
  for (auto [id, zh, en, kind] :
       {std::tuple{"cockpits_in_use", "新建数字驾驶舱数", "New digital cockpits in use",
                   dv1::COCKPIT_KIND_UNSPECIFIED},
        std::tuple{"street_cockpits_in_use", "街道数字驾驶舱数", "Street cockpits in use",
                   dv1::COCKPIT_KIND_STREET},
        std::tuple{"department_cockpits_in_use", "重点部门数字驾驶舱数",
                   "Key-department cockpits in use", dv1::COCKPIT_KIND_DEPARTMENT}}) {
    indicators::IndicatorSpec spec = indicators::DistrictCount(id, zh, en, in_use(kind));
    spec.district_only = true;
    specs.push_back(std::move(spec));
  }
  // 扩大基础数据指标覆盖面: watched, the indicators the district leaders' cockpit shows.
  specs.push_back({.id = "cockpit_indicators",
                   .name_zh = "区领导驾驶舱指标数",
                   .name_en = "Indicators on the district leaders' cockpit",
                   .unit = INDICATOR_UNIT_COUNT,
                   .direction = DIRECTION_HIGHER_IS_BETTER,
                   .measure = surveyed(
                       [](const dv1::CockpitFreshness& f) -> int64_t { return f.indicators(); }),
                   .district_only = true});
  // 提高可高频更新、可多维度比较的优质指标占比: watched (the plan sets no number), the share of
  // them that are computed live and compare street by street.
  specs.push_back(
      {.id = "high_frequency_share",
       .name_zh = "高频可比指标占比",
       .name_en = "Share of high-frequency, comparable indicators",
       .unit = INDICATOR_UNIT_BASIS_POINTS,
       .direction = DIRECTION_HIGHER_IS_BETTER,
       .measure = surveyed([](const dv1::CockpitFreshness& f) -> int64_t { return f.share(); }),
       .district_only = true});
  return specs;
}

}  // namespace gov::digital
