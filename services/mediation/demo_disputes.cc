#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/cases/calendar.h"
#include "common/demo/places.h"
#include "common/demo/random.h"
#include "common/demo/records.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "services/mediation/demo_data.h"
#include "services/mediation/disputes.h"
#include "services/mediation/model.h"

// The disputes of the demo data (demo_data.cc) as a district would see them: invented, and moved
// through a plausible life on the real state machine. bench/bulk_load.cc reuses both.
namespace gov::mediation {
namespace {

bool IsMonetary(mv1::DisputeCategory c) {
  switch (c) {
    case mv1::DISPUTE_CATEGORY_LABOUR:
    case mv1::DISPUTE_CATEGORY_CONTRACT:
    case mv1::DISPUTE_CATEGORY_TRAFFIC:
    case mv1::DISPUTE_CATEGORY_MEDICAL:
    case mv1::DISPUTE_CATEGORY_CONSUMER:
    case mv1::DISPUTE_CATEGORY_FINANCE:
    case mv1::DISPUTE_CATEGORY_COMMERCE:
      return true;
    default:
      return false;
  }
}

// Moves one dispute through its life on the engine of one worker, whose clock is set to the
// moment of each step; stops where the present is reached, so recent disputes are still open.
class DisputeLife {
 public:
  DisputeLife(cases::CaseEngine* engine, FakeClock* clock, const Router* router,
              const MediatorsByBody* mediators, const Referrals* referrals,
              const auth::Principal* actor, absl::Time now, const CreatedDispute& dispute)
      : engine_(engine),
        clock_(clock),
        router_(router),
        mediators_(mediators),
        referrals_(referrals),
        actor_(actor),
        now_(now),
        id_(dispute.id),
        etag_(dispute.etag),
        rng_(dispute.seed ^ 0x5eedULL),
        t_(dispute.created) {}

  absl::Status Run() {
    const int fate = rng_.Int(0, 99);
    if (fate == 0) return absl::OkStatus();  // never triaged: an SLA breach to look at
    if (!After(absl::Hours(rng_.Int(1, 6)))) return absl::OkStatus();
    GOV_RETURN_IF_ERROR(Move(kTriage, "", RouteTo(std::nullopt, router_)));
    if (fate <= 3) {  // the parties insist on going to court
      if (!After(absl::Hours(rng_.Int(20, 48)))) return absl::OkStatus();
      GOV_RETURN_IF_ERROR(Move(kReferToCourt, "当事人坚持诉讼", nullptr));
      return MaybeClose(100);
    }
    if (!After(absl::Hours(rng_.Int(2, 30)))) return absl::OkStatus();
    // About one in eight goes to a provider of purchased mediation services.
    if (referrals_ != nullptr && referrals_->refer && rng_.Percent(12)) {
      GOV_RETURN_IF_ERROR(Move(kReferToProvider, "转政府购买调解服务", referrals_->refer()));
    } else {
      auto found = mediators_->find(unit_);
      if (found == mediators_->end() || found->second.empty()) return absl::OkStatus();
      const mv1::Mediator& mediator = rng_.Pick(found->second);
      GOV_RETURN_IF_ERROR(Move(kAssignMediator, "", AssignTo(mediator)));
    }

    const int sessions = rng_.Int(1, 3);
    for (int s = 0; s < sessions; ++s) {
      if (!After(absl::Hours(rng_.Int(20, 96)))) return absl::OkStatus();
      mv1::MediationSession session;
      *session.mutable_hold_time() = ToTimestamp(t_ - absl::Hours(1));
      session.set_location(s == 0 ? "调解室" : "现场");
      session.set_note("演示数据：调解会");
      GOV_RETURN_IF_ERROR(Move(kRecordSession, session.location(), AddSession(session)));
    }
    if (fate <= 7) return absl::OkStatus();  // still being mediated, past its SLA
    if (!After(absl::Hours(rng_.Int(4, 72)))) return absl::OkStatus();
    if (fate <= 21) {
      GOV_RETURN_IF_ERROR(Move(kRecordFailure, "调解不成", SetOutcome("演示数据：调解不成")));
      if (rng_.Percent(60)) {
        if (!After(absl::Hours(rng_.Int(20, 72)))) return absl::OkStatus();
        GOV_RETURN_IF_ERROR(Move(kReferToCourt, "引导诉讼", nullptr));
        return MaybeClose(70);
      }
      return MaybeClose(100);
    }
    if (fate <= 29) {
      GOV_RETURN_IF_ERROR(Move(kReferToCourt, "转诉前调解不成，移送法院", nullptr));
      return MaybeClose(70);
    }
    GOV_RETURN_IF_ERROR(
        Move(kRecordAgreement, "达成调解协议", SetOutcome("演示数据：双方达成调解协议")));
    if (fate >= 97) {  // the agreement was not performed
      if (!After(absl::Hours(rng_.Int(120, 480)))) return absl::OkStatus();
      GOV_RETURN_IF_ERROR(Move(kReopen, "协议未履行，重新调解", ResumeMediation()));
      if (!After(absl::Hours(rng_.Int(48, 144)))) return absl::OkStatus();
      GOV_RETURN_IF_ERROR(
          Move(kRecordAgreement, "达成调解协议", SetOutcome("演示数据：重新达成调解协议")));
    }
    return MaybeClose(85);
  }

 private:
  // Advances the dispute's time; false once that would be in the future.
  bool After(absl::Duration d) {
    t_ += d;
    if (t_ >= now_) return false;
    clock_->Set(t_);
    return true;
  }

  absl::Status MaybeClose(int percent) {
    if (!rng_.Percent(percent)) return absl::OkStatus();
    if (!After(absl::Hours(rng_.Int(20, 120)))) return absl::OkStatus();
    return Move(kClose, "结案", nullptr);
  }

  absl::Status Move(const char* verb, const std::string& note, const cases::Mutation& mutation) {
    GOV_ASSIGN_OR_RETURN(const cases::Case moved,
                         engine_->Transition(*actor_, verb, id_, etag_, note, mutation));
    etag_ = moved.etag();
    unit_ = moved.record.unit_id;
    return absl::OkStatus();
  }

  cases::CaseEngine* engine_;
  FakeClock* clock_;
  const Router* router_;
  const MediatorsByBody* mediators_;
  const Referrals* referrals_;
  const auth::Principal* actor_;
  const absl::Time now_;
  const std::string id_;
  std::string etag_;
  demo::Random rng_;
  absl::Time t_;
  std::string unit_;
};

}  // namespace

InventedDispute InventDispute(const regions::RegionRegistry& regions, absl::Time now, int span_days,
                              uint64_t seed, std::optional<absl::CivilDay> day) {
  static const std::vector<std::pair<mv1::DisputeCategory, int>> categories = {
      {mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD, 20},
      {mv1::DISPUTE_CATEGORY_FAMILY, 14},
      {mv1::DISPUTE_CATEGORY_PROPERTY_MANAGEMENT, 14},
      {mv1::DISPUTE_CATEGORY_LABOUR, 10},
      {mv1::DISPUTE_CATEGORY_CONTRACT, 10},
      {mv1::DISPUTE_CATEGORY_TRAFFIC, 8},
      {mv1::DISPUTE_CATEGORY_CONSUMER, 8},
      {mv1::DISPUTE_CATEGORY_LAND_AND_HOUSING, 5},
      {mv1::DISPUTE_CATEGORY_MEDICAL, 3},
      {mv1::DISPUTE_CATEGORY_FINANCE, 3},
      {mv1::DISPUTE_CATEGORY_COMMERCE, 2},
      {mv1::DISPUTE_CATEGORY_INTELLECTUAL_PROPERTY, 1},
      {mv1::DISPUTE_CATEGORY_OTHER, 2},
  };
  static const std::vector<std::pair<mv1::IntakeChannel, int>> channels = {
      {mv1::INTAKE_CHANNEL_WALK_IN, 35},
      {mv1::INTAKE_CHANNEL_HOTLINE, 25},
      {mv1::INTAKE_CHANNEL_GRID, 25},
      {mv1::INTAKE_CHANNEL_COURT_REFERRAL, 15},
  };
  // Busier streets first in the file get more disputes; the park (last) the fewest.
  std::vector<int> street_weights;
  const int street_count = regions.street_count();
  for (int s = 0; s < street_count; ++s) {
    street_weights.push_back(regions.streets()[s]->communities_size() + 2 * ((s * 7) % 5));
  }

  demo::Random rng(seed);
  const mv1::DisputeCategory category = rng.Weighted(categories);
  const mv1::IntakeChannel channel = rng.Weighted(channels);
  const int s = rng.WeightedIndex(street_weights);
  // Mostly in a community, sometimes down to a grid.
  const demo::Place place =
      demo::DrawPlace(*regions.streets()[s], s, rng,
                      {.community_percent = 85, .grid_percent = 40, .busier_first = false});

  InventedDispute out;
  mv1::Dispute& d = out.dispute;
  d.set_category(category);
  d.set_channel(channel);
  *d.mutable_region() = place.region();
  d.set_summary(
      absl::StrCat("演示数据：", CategoryNameZh(EnumKey(category)), "，双方协商未果，申请调解。"));
  mv1::Party* applicant = d.add_parties();
  applicant->set_role(mv1::PARTY_ROLE_APPLICANT);
  applicant->set_name(demo::FormalName(rng));
  applicant->set_phone(demo::PlaceholderPhone(rng));
  mv1::Party* respondent = d.add_parties();
  respondent->set_role(mv1::PARTY_ROLE_RESPONDENT);
  respondent->set_name(category == mv1::DISPUTE_CATEGORY_PROPERTY_MANAGEMENT
                           ? std::string("某物业服务公司")
                           : demo::FormalName(rng));
  if (IsMonetary(category)) d.set_amount_fen(int64_t{rng.Int(10, 2000)} * 100 * 100);

  // Drawn even when the day is given, so that the rest of the dispute is the same either way.
  const absl::CivilDay drawn = cal::LocalDay(now) - rng.Int(0, span_days);
  const int hour = rng.Int(8, 17);
  const int minute = rng.Int(0, 59);
  out.created = demo::LocalTime(day.value_or(drawn), hour, minute);
  if (out.created >= now) out.created = now - absl::Minutes(rng.Int(30, 600));
  return out;
}

absl::Status LiveDisputeLife(cases::CaseEngine* engine, FakeClock* clock, const Router* router,
                             const MediatorsByBody& mediators, const Referrals* referrals,
                             const auth::Principal& actor, absl::Time now,
                             const CreatedDispute& dispute) {
  return DisputeLife(engine, clock, router, &mediators, referrals, &actor, now, dispute).Run();
}

}  // namespace gov::mediation
