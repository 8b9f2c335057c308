#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/cases/calendar.h"
#include "common/cases/engine.h"
#include "common/clock/district_time.h"
#include "common/demo/random.h"
#include "common/demo/records.h"
#include "common/log/log.h"
#include "common/registry/registry.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "services/tripartite/committees.h"
#include "services/tripartite/compounds.h"
#include "services/tripartite/demo_data.h"
#include "services/tripartite/model.h"

// The committees' demo: in the compounds the compounds' demo registered more than a year ago
// (taken street by street in turn, at most kMaxCompounds), owners' committees and supervisory
// committees at every step of their formation over the last year, each through its life as the
// track's own part takes it (so that the verbs, clocks and counts are the real ones) on a local
// clock set to the time of each step. Which life a compound's committee has follows from the
// compound's place in that order (kOwnersLives, kSupervisoryLives), its times from a seed of its
// compound and type: most filed (the most of them this year), some elected awaiting their filing
// (the first of them past its filing days), some applied for or with their preparatory group, a few
// withdrawn, and some owners' committees designated model committees this year (a few of them last
// year too).
namespace gov::tripartite {
namespace {

constexpr char kLoader[] = "demo-loader";
constexpr size_t kMaxCompounds = 110;
// How long before today a compound was registered to have committees: every step of the lives
// below lies within the last 366 days, after the compound's registration.
constexpr absl::Duration kRegisteredBefore = absl::Hours(24 * 370);
constexpr absl::Duration kDay = absl::Hours(24);

auth::Principal Loader() { return demo::Actor(kLoader, auth::kDistrictAdmin); }

enum class Life {
  kNone,
  kApplied,
  kPreparatory,
  kElected,         // awaiting its filing, within the filing days
  kElectedOverdue,  // awaiting its filing, past the filing days
  kFiledThisYear,
  kFiledEarlier,          // before this year (months ago late in the year)
  kWithdrawn,             // withdrawn while applied for
  kWithdrawnPreparatory,  // withdrawn once its preparatory group was formed
  kWithdrawnAndReapplied  // withdrawn once formed, then applied for again
};

struct Plan {
  Life life = Life::kNone;
  bool model = false;            // designated a model committee this year
  bool model_last_year = false;  // and last year (filed last year only)
};

Plan Of(Life life, bool model = false, bool model_last_year = false) {
  Plan plan;
  plan.life = life;
  plan.model = model;
  plan.model_last_year = model_last_year;
  return plan;
}

// The owners' committee of the i-th compound: its life by i % 20.
Plan OwnersPlan(size_t i) {
  const size_t r = i % 20;
  if (r <= 8) return Of(Life::kFiledThisYear, /*model=*/r % 4 == 0);
  if (r <= 12) return Of(Life::kFiledEarlier, /*model=*/r == 9 || r == 11, r == 11);
  if (r <= 14) return Of(i == 13 ? Life::kElectedOverdue : Life::kElected);
  if (r == 15) return Of(Life::kPreparatory);
  if (r == 16) return Of(Life::kApplied);
  if (r == 17) return Of(Life::kWithdrawn);
  if (r == 18) return Of(Life::kWithdrawnAndReapplied);
  return Of(Life::kNone);
}

// The supervisory committee of the i-th compound: its life by i % 10.
Plan SupervisoryPlan(size_t i) {
  const size_t r = i % 10;
  if (r <= 1) return Of(Life::kFiledThisYear);
  if (r <= 3) return Of(Life::kFiledEarlier);
  if (r == 4) return Of(Life::kElected);
  if (r == 5) return Of(Life::kApplied);
  if (r == 6) return Of(Life::kWithdrawnPreparatory);
  if (r == 7) return Of(Life::kPreparatory);
  return Of(Life::kNone);
}

constexpr const char* kGivenNames[] = {"建国", "秀英", "志强", "丽华", "海涛", "玉兰", "伟民",
                                       "芳",   "明辉", "静怡", "国庆", "桂英", "立新", "红梅",
                                       "晓东", "淑珍", "春生", "美玲", "德胜", "雪梅"};

constexpr const char* kWithdrawReasons[] = {
    "演示数据：业主联名人数不足，申请人撤回申请",
    "演示数据：小区拟与相邻小区合并成立业委会，暂缓筹备",
    "演示数据：筹备组成员意见分歧较大，经协商暂停筹备",
};

// `n` invented names, none twice.
std::vector<std::string> DistinctNames(demo::Random& rng, int n) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  while (static_cast<int>(out.size()) < n) {
    std::string name = absl::StrCat(rng.Pick(demo::kSurnames), rng.Pick(kGivenNames));
    if (seen.insert(name).second) out.push_back(std::move(name));
  }
  return out;
}

// A time of the district's working day `days` before `today`.
absl::Time DaysBefore(absl::CivilDay today, int days, demo::Random& rng) {
  return demo::LocalTime(today - days, rng.Int(9, 17), rng.Int(0, 59));
}

// A time between `from` and `to`, at `lo` to `hi` of the way.
absl::Time Between(absl::Time from, absl::Time to, double lo, double hi, demo::Random& rng) {
  return from + (to - from) * (lo + (hi - lo) * rng.Unit());
}

// One committee from its application through its steps, each at its time on the local clock.
class CommitteeLife {
 public:
  CommitteeLife(Committees* part, FakeClock* clock, const Rules* rules, uint64_t seed, int* filings)
      : part_(part), clock_(clock), rules_(rules), rng_(seed), filings_(filings) {}

  demo::Random& rng() { return rng_; }
  const tv1::Committee& committee() const { return c_; }

  // False when the committee was there already (nothing more is done with it).
  absl::StatusOr<bool> Apply(absl::Time at, const std::string& request_id, tv1::CommitteeType type,
                             const std::string& compound_id) {
    clock_->Set(at);
    tv1::ApplyCommitteeRequest request;
    request.set_request_id(request_id);
    tv1::Committee* c = request.mutable_committee();
    c->set_type(type);
    c->set_compound_id(compound_id);
    c->set_note(type == tv1::COMMITTEE_TYPE_OWNERS ? "演示数据：业主联名申请成立业主委员会"
                                                   : "演示数据：业主大会决定设立业主监督委员会");
    tv1::ApplyCommitteeResponse response;
    GOV_RETURN_IF_ERROR(part_->Apply(Loader(), request, &response));
    c_ = response.committee();
    return c_.etag() == "v1";
  }

  absl::Status Form(absl::Time at) {
    clock_->Set(at);
    const cv1::TripartiteRules& r = rules_->data();
    const int size =
        rng_.Int(r.preparatory_min(), std::min(r.preparatory_max(), r.preparatory_min() + 4));
    tv1::FormPreparatoryGroupRequest request;
    request.set_id(c_.id());
    request.set_etag(c_.etag());
    const std::vector<std::string> names = DistinctNames(rng_, size);
    for (int k = 0; k < size; ++k) {
      tv1::CommitteeMember* m = request.add_members();
      m->set_name(names[k]);
      m->set_seat(k == 0 ? tv1::MEMBER_SEAT_CHAIR : tv1::MEMBER_SEAT_MEMBER);
      m->set_party_member(rng_.Percent(k == 0 ? 80 : 40));
    }
    tv1::FormPreparatoryGroupResponse response;
    GOV_RETURN_IF_ERROR(part_->FormPreparatoryGroup(Loader(), request, &response));
    c_ = response.committee();
    return absl::OkStatus();
  }

  // Recorded at `at`, the assembly held up to three days before (not before the application).
  absl::Status Elect(absl::Time at) {
    clock_->Set(at);
    const cv1::CommitteeSize& bounds = rules_->CommitteeSize(c_.type());
    std::vector<int> sizes;
    for (int n = bounds.min_members(); n <= bounds.max_members() && sizes.size() < 3; ++n) {
      if (!bounds.odd() || n % 2 == 1) sizes.push_back(n);
    }
    const int size = rng_.Pick(sizes);
    const absl::CivilDay applied = cal::LocalDay(FromTimestamp(c_.create_time()));
    const absl::CivilDay held = std::max(applied, cal::LocalDay(at) - rng_.Int(0, 3));
    tv1::ElectCommitteeRequest request;
    request.set_id(c_.id());
    request.set_etag(c_.etag());
    request.set_day(demo::DayText(held));
    const std::vector<std::string> names = DistinctNames(rng_, size);
    for (int k = 0; k < size; ++k) {
      tv1::CommitteeMember* m = request.add_members();
      m->set_name(names[k]);
      tv1::MemberSeat seat = tv1::MEMBER_SEAT_MEMBER;
      if (k == 0) {
        seat = tv1::MEMBER_SEAT_CHAIR;
      } else if (k == 1 || (k == 2 && size >= 7)) {
        seat = tv1::MEMBER_SEAT_VICE_CHAIR;
      }
      m->set_seat(seat);
      m->set_party_member(rng_.Percent(k == 0 ? 80 : 40));
    }
    tv1::ElectCommitteeResponse response;
    GOV_RETURN_IF_ERROR(part_->Elect(Loader(), request, &response));
    c_ = response.committee();
    return absl::OkStatus();
  }

  absl::Status File(absl::Time at, const std::string& street_id) {
    clock_->Set(at);
    tv1::FileCommitteeRequest request;
    request.set_id(c_.id());
    request.set_etag(c_.etag());
    request.set_filing_number(absl::StrFormat(
        "%s%s备〔%d〕%03d号", street_id, c_.type() == tv1::COMMITTEE_TYPE_OWNERS ? "业委" : "业监",
        cal::LocalDay(at).year(), ++*filings_));
    tv1::FileCommitteeResponse response;
    GOV_RETURN_IF_ERROR(part_->File(Loader(), request, &response));
    c_ = response.committee();
    return absl::OkStatus();
  }

  absl::Status Withdraw(absl::Time at) {
    clock_->Set(at);
    tv1::WithdrawCommitteeRequest request;
    request.set_id(c_.id());
    request.set_etag(c_.etag());
    request.set_reason(rng_.Pick(kWithdrawReasons));
    tv1::WithdrawCommitteeResponse response;
    GOV_RETURN_IF_ERROR(part_->Withdraw(Loader(), request, &response));
    c_ = response.committee();
    return absl::OkStatus();
  }

  absl::Status Designate(absl::Time at) {
    clock_->Set(at);
    tv1::DesignateModelCommitteeRequest request;
    request.set_id(c_.id());
    request.set_etag(c_.etag());
    request.set_year(static_cast<int>(cal::LocalDay(at).year()));
    request.set_reason("演示数据：议事规则健全，三方协同成效明显，评为示范型业委会");
    tv1::DesignateModelCommitteeResponse response;
    GOV_RETURN_IF_ERROR(part_->DesignateModel(Loader(), request, &response));
    c_ = response.committee();
    return absl::OkStatus();
  }

 private:
  Committees* part_;
  FakeClock* clock_;
  const Rules* rules_;
  demo::Random rng_;
  int* filings_;
  tv1::Committee c_;
};

// The times of the steps back from `elected` (the election's record): the preparatory group 20
// to 90 days before, the application 10 to 40 days before that.
struct Steps {
  absl::Time applied;
  absl::Time formed;
};
Steps StepsBefore(absl::Time elected, demo::Random& rng) {
  Steps s;
  s.formed = elected - kDay * rng.Int(20, 90) - absl::Hours(rng.Int(0, 6));
  s.applied = s.formed - kDay * rng.Int(10, 40) - absl::Hours(rng.Int(0, 6));
  return s;
}

struct Counts {
  int committees = 0;
  int filings = 0;
  int models = 0;
};

// One committee of the compound `row` after `plan`, as far as it goes by `now`.
absl::Status RunPlan(Committees& part, FakeClock& clock, const Rules& rules,
                     const store::EntityRecord& row, tv1::CommitteeType type, const Plan& plan,
                     absl::Time now, Counts& counts) {
  if (plan.life == Life::kNone) return absl::OkStatus();
  const std::string type_key = EnumKey(type);
  const std::string request_id = absl::StrCat("demo-committee-", row.id, "-", type_key);
  CommitteeLife life(&part, &clock, &rules, demo::StableSeed(request_id), &counts.filings);
  demo::Random& rng = life.rng();
  const absl::CivilDay today = cal::LocalDay(now);
  const absl::Time year_start = demo::LocalTime(absl::CivilDay(today.year(), 1, 1), 0, 0);
  const int filing_days = rules.data().filing_days();
  // Filed 3 days or more after the election, within the filing days where they allow it.
  const int filing_after = std::max(3, filing_days - 5);

  // The times of the steps.
  absl::Time applied;
  absl::Time formed;
  absl::Time elected;
  absl::Time filed;
  absl::Time withdrawn;
  switch (plan.life) {
    case Life::kFiledThisYear:
      // Filed this year, in its last 200 days at most (so that the steps before stay within the
      // last year); a model committee early enough to be designated after.
      filed =
          Between(std::max(year_start, now - kDay * 200), now, 0.02, plan.model ? 0.6 : 0.95, rng);
      elected = filed - kDay * rng.Int(3, filing_after) - absl::Hours(rng.Int(0, 6));
      break;
    case Life::kFiledEarlier:
      // Before this year when that lies within the last months, else months ago.
      filed = std::max(year_start, now - kDay * 150) - kDay * rng.Int(5, 60) +
              absl::Hours(rng.Int(9, 17));
      elected = filed - kDay * rng.Int(3, filing_after) - absl::Hours(rng.Int(0, 6));
      break;
    case Life::kElected:
      elected = DaysBefore(today, rng.Int(1, std::max(1, filing_days - 5)), rng);
      break;
    case Life::kElectedOverdue:
      elected = DaysBefore(today, filing_days + rng.Int(5, 20), rng);
      break;
    case Life::kPreparatory:
      formed = DaysBefore(today, rng.Int(3, 60), rng);
      applied = formed - kDay * rng.Int(10, 40);
      break;
    case Life::kApplied:
      applied = DaysBefore(today, rng.Int(1, 45), rng);
      break;
    case Life::kWithdrawn:
      applied = DaysBefore(today, rng.Int(90, 300), rng);
      withdrawn = applied + kDay * rng.Int(10, 50);
      break;
    case Life::kWithdrawnPreparatory:
    case Life::kWithdrawnAndReapplied:
      applied = DaysBefore(today, rng.Int(150, 300), rng);
      formed = applied + kDay * rng.Int(10, 30);
      withdrawn = formed + kDay * rng.Int(20, 60);
      break;
    case Life::kNone:
      return absl::OkStatus();
  }
  const bool goes_to_election = plan.life == Life::kFiledThisYear ||
                                plan.life == Life::kFiledEarlier || plan.life == Life::kElected ||
                                plan.life == Life::kElectedOverdue;
  if (goes_to_election) {
    const Steps steps = StepsBefore(elected, rng);
    applied = steps.applied;
    formed = steps.formed;
  }

  GOV_ASSIGN_OR_RETURN(const bool fresh, life.Apply(applied, request_id, type, row.id));
  if (!fresh) return absl::OkStatus();
  ++counts.committees;
  if (plan.life == Life::kApplied) return absl::OkStatus();
  if (plan.life == Life::kWithdrawn) return life.Withdraw(withdrawn);
  GOV_RETURN_IF_ERROR(life.Form(formed));
  if (plan.life == Life::kPreparatory) return absl::OkStatus();
  if (plan.life == Life::kWithdrawnPreparatory || plan.life == Life::kWithdrawnAndReapplied) {
    GOV_RETURN_IF_ERROR(life.Withdraw(withdrawn));
    if (plan.life == Life::kWithdrawnPreparatory) return absl::OkStatus();
    // Applied for again, lately.
    CommitteeLife again(&part, &clock, &rules, demo::StableSeed(absl::StrCat(request_id, "-2")),
                        &counts.filings);
    GOV_ASSIGN_OR_RETURN(const bool stored,
                         again.Apply(DaysBefore(today, again.rng().Int(1, 40), again.rng()),
                                     absl::StrCat(request_id, "-2"), type, row.id));
    counts.committees += stored ? 1 : 0;
    return absl::OkStatus();
  }
  GOV_RETURN_IF_ERROR(life.Elect(elected));
  if (plan.life == Life::kElected || plan.life == Life::kElectedOverdue) return absl::OkStatus();
  GOV_RETURN_IF_ERROR(life.File(filed, row.street_id));
  if (plan.model_last_year && filed < year_start) {
    GOV_RETURN_IF_ERROR(life.Designate(Between(filed, year_start, 0.3, 0.9, rng)));
    ++counts.models;
  }
  if (plan.model) {
    GOV_RETURN_IF_ERROR(life.Designate(Between(std::max(filed, year_start), now, 0.1, 0.9, rng)));
    ++counts.models;
  }
  return absl::OkStatus();
}

// The compounds registered by `registered_by`, street by street in turn (the first of every
// street, then the second...), at most kMaxCompounds.
std::vector<store::EntityRecord> InTurn(std::vector<store::EntityRecord> rows,
                                        absl::Time registered_by) {
  rows.erase(std::remove_if(
                 rows.begin(), rows.end(),
                 [&](const store::EntityRecord& row) { return row.create_time > registered_by; }),
             rows.end());
  std::sort(rows.begin(), rows.end(),
            [](const store::EntityRecord& a, const store::EntityRecord& b) { return a.id < b.id; });
  std::map<std::string, std::vector<store::EntityRecord>> by_street;
  for (store::EntityRecord& row : rows) by_street[row.street_id].push_back(std::move(row));
  std::vector<store::EntityRecord> out;
  for (size_t k = 0; out.size() < kMaxCompounds; ++k) {
    bool any = false;
    for (auto& [street, compounds] : by_street) {
      if (k >= compounds.size() || out.size() >= kMaxCompounds) continue;
      out.push_back(compounds[k]);
      any = true;
    }
    if (!any) break;
  }
  return out;
}

}  // namespace

absl::Status LoadCommitteeDemo(const server::TrackDeps& deps, const Rules& rules,
                               cases::CaseEngine* committees) {
  const absl::Time now = deps.clock->Now();
  cases::ListRequest probe;
  probe.page_size = 1;
  GOV_ASSIGN_OR_RETURN(const cases::ListResult stored,
                       committees->List(auth::SystemPrincipal(kLoader), std::move(probe)));
  if (!stored.cases.empty()) {
    log::Info("demo data skipped: committees are stored", {{"track", kTrack}});
    return absl::OkStatus();
  }
  FakeClock clock(now);
  const registry::Registry compound_rows(CompoundLayout(), deps.repo, deps.cache, &clock);
  const registry::Registry fee_rows(FeeLayout(), deps.repo, deps.cache, &clock);
  GOV_ASSIGN_OR_RETURN(std::vector<store::EntityRecord> rows, compound_rows.AllRows({}));
  const std::vector<store::EntityRecord> compounds_in_turn =
      InTurn(std::move(rows), now - kRegisteredBefore);
  if (compounds_in_turn.empty()) {
    log::Info("demo data skipped: no compounds registered a year ago for the committees",
              {{"track", kTrack}});
    return absl::OkStatus();
  }
  cases::CaseEngine engine(CommitteeSpec(rules), deps.repo, deps.cache, deps.calendar, &clock,
                           nullptr);
  const Compounds compounds(&compound_rows, &fee_rows, &engine, deps.regions, &clock);
  Committees part(&engine, &compounds, &rules, deps.regions, &clock);

  Counts counts;
  for (size_t i = 0; i < compounds_in_turn.size(); ++i) {
    const store::EntityRecord& row = compounds_in_turn[i];
    GOV_RETURN_IF_ERROR(
        RunPlan(part, clock, rules, row, tv1::COMMITTEE_TYPE_OWNERS, OwnersPlan(i), now, counts));
    GOV_RETURN_IF_ERROR(RunPlan(part, clock, rules, row, tv1::COMMITTEE_TYPE_SUPERVISORY,
                                SupervisoryPlan(i), now, counts));
  }
  // The committees past their clocks flagged now, as the periodic scan would.
  GOV_ASSIGN_OR_RETURN(const int breached, committees->ScanBreaches());
  log::Info("demo data loaded", {{"track", kTrack},
                                 {"committees", absl::StrCat(counts.committees)},
                                 {"filed", absl::StrCat(counts.filings)},
                                 {"model designations", absl::StrCat(counts.models)},
                                 {"breached", absl::StrCat(breached)}});
  return absl::OkStatus();
}

}  // namespace gov::tripartite
