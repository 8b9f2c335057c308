#include "services/policing/key_areas.h"

#include <algorithm>
#include <functional>
#include <optional>
#include <string_view>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/cases/calendar.h"
#include "common/cases/codec.h"
#include "common/log/log.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"

namespace gov::policing {
namespace {

namespace gv1 = ::governance::v1;

constexpr char kListed[] = "LISTED";
constexpr char kRemediating[] = "REMEDIATING";
constexpr char kDelisted[] = "DELISTED";
constexpr char kSetPlanVerb[] = "SetPlan";
constexpr char kDelistVerb[] = "Delist";
// Case categories: a whole community, or one grid of it.
constexpr char kCommunityArea[] = "COMMUNITY";
constexpr char kGridArea[] = "GRID";
// Leads every stored payload, so that one of another layout is refused rather than misread.
constexpr char kPayloadFormat[] = "policing.key_area/1";
constexpr char kSystemId[] = "system";
constexpr char kDemoLoaderId[] = "demo-loader";

constexpr size_t kMaxReason = 500;
constexpr size_t kMaxPlanSummary = 2000;
constexpr size_t kMaxOwnerUnit = 100;
constexpr size_t kMaxOwnerName = 50;
// Rows read per store round trip when all listings of a kind are read.
constexpr int kScanPage = 500;
// Attempts at a change that raced with another writer before giving up (ABORTED).
constexpr int kAttempts = 3;
constexpr absl::CivilDay kDayZero(1970, 1, 1);

// What a key-area case stores as its payload: the KeyArea without what the case itself holds
// (id, status, times, clock, etag, history); the request_id the listing was made with and a
// hash of that request, so that a retry is recognised among the listings of its area (see
// CreateListing); and the day from which bulletins count towards delisting it by rule.
struct StoredKeyArea {
  std::string request_id;
  std::string request_hash;
  absl::CivilDay counts_from;
  pv1::KeyArea key_area;
};

std::string Encode(const StoredKeyArea& stored) {
  cases::codec::Writer w;
  w.String(kPayloadFormat);
  w.String(stored.request_id);
  w.String(stored.request_hash);
  w.Int(stored.counts_from - kDayZero);
  w.String(SerializeStable(stored.key_area));
  return w.Release();
}

absl::StatusOr<StoredKeyArea> Decode(const store::CaseRecord& record) {
  cases::codec::Reader r(record.payload);
  StoredKeyArea out;
  std::string format;
  std::string key_area;
  int64_t day = 0;
  if (!r.String(&format) || format != kPayloadFormat || !r.String(&out.request_id) ||
      !r.String(&out.request_hash) || !r.Int(&day) || !r.String(&key_area) || !r.Done() ||
      !out.key_area.ParseFromString(key_area)) {
    return absl::DataLossError(
        absl::StrCat("key area ", record.id, ": stored payload is unreadable"));
  }
  out.counts_from = kDayZero + day;
  return out;
}

bool IsOpen(const std::string& status) { return status == kListed || status == kRemediating; }

std::string EtagOf(const store::CaseRecord& record) { return cases::Case{record, {}}.etag(); }

// A KeyArea for the API: the stored part with what the case holds.
absl::StatusOr<pv1::KeyArea> KeyAreaOf(const store::CaseRecord& record,
                                       const std::vector<store::HistoryRecord>* history) {
  GOV_ASSIGN_OR_RETURN(StoredKeyArea stored, Decode(record));
  pv1::KeyArea out = std::move(stored.key_area);
  out.set_id(record.id);
  out.set_status(
      EnumFromKey<pv1::KeyAreaStatus>(record.status).value_or(pv1::KEY_AREA_STATUS_UNSPECIFIED));
  *out.mutable_list_time() = ToTimestamp(record.create_time);
  // DELISTED is final: nothing changes the case after the delisting.
  if (record.status == kDelisted) *out.mutable_delist_time() = ToTimestamp(record.update_time);
  if (record.status == kListed && record.due_time != absl::InfiniteFuture()) {
    *out.mutable_plan_due_time() = ToTimestamp(record.due_time);
  }
  // The stored flag keeps a late plan visible after SetPlan stopped the clock.
  if (record.sla_breached) out.set_sla_breached(true);
  out.set_etag(EtagOf(record));
  if (history != nullptr) AppendCaseEvents(*history, out.mutable_history());
  return out;
}

// The area a listing is for: a whole community, or one grid (with its community and street).
struct Area {
  std::string category;
  gv1::RegionRef region;
  std::string id;  // the community's or the grid's
  std::string name;
};

Area AreaOf(const gv1::RegionRef& region, const regions::RegionRegistry& regions) {
  Area area;
  area.region.set_street_id(region.street_id());
  area.region.set_community_id(region.community_id());
  area.region.set_grid_id(region.grid_id());
  const std::string community_name = regions.NameOf(region.community_id());
  if (region.grid_id().empty()) {
    area.category = kCommunityArea;
    area.id = region.community_id();
    area.name = community_name;
  } else {
    area.category = kGridArea;
    area.id = region.grid_id();
    area.name = absl::StrCat(community_name, " ", region.grid_id());
  }
  return area;
}

absl::Status ValidatePlan(const pv1::RemediationPlan& plan, const std::string& field) {
  GOV_RETURN_IF_ERROR(ValidateText(plan.summary(), field + ".summary", kMaxPlanSummary, true));
  GOV_RETURN_IF_ERROR(ValidateText(plan.owner_unit(), field + ".owner_unit", kMaxOwnerUnit, true));
  GOV_RETURN_IF_ERROR(ValidateText(plan.owner_name(), field + ".owner_name", kMaxOwnerName, true));
  if (!plan.target_date().empty() && !cal::ParseDay(plan.target_date()).has_value()) {
    return InvalidField(field + ".target_date", "a date YYYY-MM-DD");
  }
  return absl::OkStatus();
}

// A region a listing may be for: a community, or a grid within it, with its street.
absl::Status ValidateArea(const gv1::RegionRef& region, const regions::RegionRegistry& regions) {
  GOV_RETURN_IF_ERROR(regions.Validate(region, "region", /*require_street=*/true));
  if (region.community_id().empty()) {
    return InvalidField("region.community_id", "required: a community, or a grid within it");
  }
  return absl::OkStatus();
}

std::string PlanNote(const pv1::RemediationPlan& plan) {
  std::string note = absl::StrCat("责任单位：", plan.owner_unit());
  if (!plan.target_date().empty()) absl::StrAppend(&note, "；目标日期：", plan.target_date());
  return note;
}

// A mutation that edits the stored KeyArea of a case.
cases::Mutation EditKeyArea(std::function<void(const store::CaseRecord&, pv1::KeyArea&)> edit) {
  return [edit = std::move(edit)](store::CaseRecord& record) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(StoredKeyArea stored, Decode(record));
    edit(record, stored.key_area);
    record.payload = Encode(stored);
    return absl::OkStatus();
  };
}

// Sets the plan. A plan that comes after the LISTED clock ran out is marked late in the
// payload: entering REMEDIATING stops the clock and clears the case's breach flag.
cases::Mutation SetPlanMutation(pv1::RemediationPlan plan, absl::Time now) {
  return EditKeyArea(
      [plan = std::move(plan), now](const store::CaseRecord& record, pv1::KeyArea& key_area) {
        *key_area.mutable_plan() = plan;
        if (record.status == kListed && (record.sla_breached || record.due_time < now)) {
          key_area.set_sla_breached(true);
        }
      });
}

cases::Mutation DelistMutation(pv1::KeyAreaDecision decision, std::string reason) {
  return EditKeyArea(
      [decision, reason = std::move(reason)](const store::CaseRecord&, pv1::KeyArea& key_area) {
        key_area.set_delisted_by(decision);
        key_area.set_delisting_reason(reason);
      });
}

std::string KindName(const gv1::Period& period) {
  switch (period.part_case()) {
    case gv1::Period::kWeek:
      return "周通报";
    case gv1::Period::kQuarter:
      return "季度通报";
    default:
      return "月通报";
  }
}

}  // namespace

cases::TrackSpec KeyAreaSpec(int plan_working_days) {
  const std::vector<std::string> roles = {auth::kDistrictAdmin, auth::kStreetOperator,
                                          auth::kSystem};
  cases::TrackSpec spec;
  spec.track = kKeyAreaTrack;
  spec.id_prefix = "K";
  spec.initial_state = kListed;
  // Writes refresh the cached aggregates of the policing track, whose indicators read them.
  spec.aggregate_track = "policing";
  spec.states = {
      {kListed, cases::StateClass::kOpen, cal::Sla::WorkingDays(plan_working_days)},
      {kRemediating, cases::StateClass::kOpen, cal::Sla::None()},
      {kDelisted, cases::StateClass::kClosed, cal::Sla::None()},
  };
  spec.transitions = {
      // Setting the plan again while remediating replaces it.
      {kSetPlanVerb, {kListed, kRemediating}, kRemediating, roles},
      {kDelistVerb, {kListed, kRemediating}, kDelisted, roles},
  };
  spec.create_roles = roles;
  return spec;
}

struct KeyAreas::Impl {
  const PolicingContext* ctx;
  cases::CaseEngine* engine;

  // Every listing matching `filter` (the track is set here), newest first.
  absl::StatusOr<std::vector<store::CaseRecord>> Scan(store::CaseFilter filter) const {
    filter.track = kKeyAreaTrack;
    filter.limit = kScanPage;
    std::vector<store::CaseRecord> all;
    for (;;) {
      GOV_ASSIGN_OR_RETURN(std::vector<store::CaseRecord> page, ctx->repo->ListCases(filter));
      const bool last = static_cast<int>(page.size()) < kScanPage;
      if (!page.empty()) {
        filter.after_create_time = page.back().create_time;
        filter.after_id = page.back().id;
      }
      for (store::CaseRecord& record : page) all.push_back(std::move(record));
      if (last) break;
    }
    return all;
  }

  // Every listing of an area, open or not (an area has a handful at most).
  absl::StatusOr<std::vector<store::CaseRecord>> AreaListings(const Area& area) const {
    store::CaseFilter filter;
    filter.community_id = area.region.community_id();
    filter.grid_id = area.region.grid_id();
    filter.categories = {area.category};
    return Scan(std::move(filter));
  }

  // A caller's request_id names one request in the whole track, not only among the listings of
  // its area: it is claimed once, for the request's hash, in the store's idempotency (an entity
  // row "request" of the key areas' track), before the listing is looked for or created. The
  // same request again passes (a retry, also after a failure between claim and listing); the
  // request_id with another request — another area too — is ALREADY_EXISTS.
  absl::Status ClaimRequestId(const std::string& request_id, const std::string& hash) const {
    store::EntityRecord claim;
    claim.track = kKeyAreaTrack;
    claim.kind = "request";
    claim.create_time = ctx->clock->Now();
    claim.update_time = claim.create_time;
    absl::StatusOr<store::EntityRecord> claimed =
        ctx->repo->CreateEntity(claim, absl::StrCat("request:", request_id), hash, "Q");
    if (absl::IsAlreadyExists(claimed.status())) {
      return FieldError(absl::StatusCode::kAlreadyExists, "request_id",
                        "used before for another listing request");
    }
    return claimed.status();
  }

  absl::StatusOr<cases::Case> CreateListing(const auth::Principal& who, const Area& area,
                                            const StoredKeyArea& stored,
                                            const std::string& note) const;
  absl::StatusOr<cases::Case> CompletePlan(const auth::Principal& who, cases::Case listing,
                                           const pv1::RemediationPlan& plan) const;
  absl::Status RuleList(const pv1::Bulletin& bulletin, const std::string& community) const;
  absl::Status RuleDelist(const pv1::Bulletin& bulletin, const std::string& community) const;
};

// One open listing per area, under concurrency too. The store's idempotency key of a listing is
// its area and its number among the listings of the area ("key_area:<area>:<n>", n = listings
// so far + 1), so creates racing for one area compete for one key and only one is stored; a
// loser reads the listings again and finds the winner open. A listing is numbered only by a
// caller that saw every earlier listing of the area closed, and closed is final, so no two
// listings of an area are ever open together. The caller's request_id is kept in the payload
// with a hash of the request and looked for among the area's listings before anything is
// created: a retry gets its listing back (as it is now, even delisted), and the same request_id
// with another request is ALREADY_EXISTS.
absl::StatusOr<cases::Case> KeyAreas::Impl::CreateListing(const auth::Principal& who,
                                                          const Area& area,
                                                          const StoredKeyArea& stored,
                                                          const std::string& note) const {
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    GOV_ASSIGN_OR_RETURN(const std::vector<store::CaseRecord> listings, AreaListings(area));
    const store::CaseRecord* open = nullptr;
    for (const store::CaseRecord& record : listings) {
      GOV_ASSIGN_OR_RETURN(const StoredKeyArea existing, Decode(record));
      if (existing.request_id == stored.request_id) {
        if (existing.request_hash != stored.request_hash) {
          return FieldError(absl::StatusCode::kAlreadyExists, "request_id",
                            absl::StrCat("used before for another listing (", record.id, ")"));
        }
        return cases::Case{record, {}};
      }
      if (IsOpen(record.status)) open = &record;
    }
    if (open != nullptr) {
      return FieldError(absl::StatusCode::kAlreadyExists, "region",
                        absl::StrCat(area.id, " has an open listing (", open->id, ")"));
    }
    cases::NewCase input;
    input.category = area.category;
    input.street_id = area.region.street_id();
    input.community_id = area.region.community_id();
    input.grid_id = area.region.grid_id();
    input.payload = Encode(stored);
    input.note = note;
    const std::string request_id = absl::StrCat("key_area:", area.id, ":", listings.size() + 1);
    absl::StatusOr<cases::Case> created =
        engine->Create(who, input, request_id, cases::CaseEngine::RequestHash(input.payload));
    // ALREADY_EXISTS: another listing took the number meanwhile; the next round sees it.
    if (!absl::IsAlreadyExists(created.status())) return created;
  }
  return FieldError(absl::StatusCode::kAborted, "region",
                    absl::StrCat(area.id, " is being listed concurrently; try again"));
}

// A listing made with its plan is created LISTED, then moved to REMEDIATING by SetPlan, each
// step one store transaction. A failure between them leaves a plain LISTED listing (a valid
// state: its plan is due), never a half-written one, and the retry of the request finds the
// listing by its request_id and sets the plan then.
absl::StatusOr<cases::Case> KeyAreas::Impl::CompletePlan(const auth::Principal& who,
                                                         cases::Case listing,
                                                         const pv1::RemediationPlan& plan) const {
  GOV_ASSIGN_OR_RETURN(const StoredKeyArea stored, Decode(listing.record));
  if (listing.record.status != kListed || stored.key_area.has_plan()) return listing;
  absl::StatusOr<cases::Case> moved =
      engine->Transition(who, kSetPlanVerb, listing.record.id, listing.etag(), PlanNote(plan),
                         SetPlanMutation(plan, ctx->clock->Now()));
  // Changed meanwhile (a plan set, a delisting): the listing as it is now.
  if (absl::IsAborted(moved.status()) || absl::IsFailedPrecondition(moved.status())) {
    return engine->Get(who, listing.record.id, /*with_history=*/false);
  }
  return moved;
}

absl::Status KeyAreas::Impl::RuleList(const pv1::Bulletin& bulletin,
                                      const std::string& community) const {
  gv1::RegionRef region;
  region.set_street_id(ctx->regions->StreetOfCommunity(community));
  region.set_community_id(community);
  if (region.street_id().empty()) {
    log::Warn("bulletin lists a community the registry does not know",
              {{"bulletin", bulletin.id()}, {"community", community}});
    return absl::OkStatus();
  }
  const Area area = AreaOf(region, *ctx->regions);
  StoredKeyArea stored;
  // One listing per (bulletin, community): re-applying the bulletin finds it.
  stored.request_id =
      absl::StrCat("key_area:rule:", cal::PeriodKey(bulletin.period()), ":", community);
  stored.request_hash = cases::CaseEngine::RequestHash(stored.request_id);
  stored.counts_from = cal::Resolve(bulletin.period(), absl::UnixEpoch()).last + 1;
  pv1::KeyArea& key_area = stored.key_area;
  *key_area.mutable_region() = area.region;
  key_area.set_name(area.name);
  key_area.set_listed_by(pv1::KEY_AREA_DECISION_RULE);
  key_area.set_listing_reason(absl::StrFormat(
      "连续%d期%s为红色（截至%s，%s）", ctx->rules->key_area_rules().list_after_red(),
      KindName(bulletin.period()), cal::PeriodKey(bulletin.period()), bulletin.id()));
  key_area.add_listing_bulletin_ids(bulletin.id());
  absl::StatusOr<cases::Case> listed =
      CreateListing(auth::SystemPrincipal(kSystemId), area, stored, key_area.listing_reason());
  // Listed already (by hand, or by a later bulletin): nothing for this one to do.
  if (absl::IsAlreadyExists(listed.status()) && FieldOf(listed.status()) == "region") {
    return absl::OkStatus();
  }
  return listed.status();
}

absl::Status KeyAreas::Impl::RuleDelist(const pv1::Bulletin& bulletin,
                                        const std::string& community) const {
  gv1::RegionRef region;
  region.set_street_id(ctx->regions->StreetOfCommunity(community));
  region.set_community_id(community);
  if (region.street_id().empty()) return absl::OkStatus();
  const Area area = AreaOf(region, *ctx->regions);
  const absl::CivilDay first_day = cal::Resolve(bulletin.period(), absl::UnixEpoch()).first;
  const std::string reason = absl::StrFormat(
      "连续%d期%s为蓝色（截至%s，%s）", ctx->rules->key_area_rules().delist_after_blue(),
      KindName(bulletin.period()), cal::PeriodKey(bulletin.period()), bulletin.id());
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    GOV_ASSIGN_OR_RETURN(const std::vector<store::CaseRecord> listings, AreaListings(area));
    const auto open = std::find_if(listings.begin(), listings.end(),
                                   [](const store::CaseRecord& r) { return IsOpen(r.status); });
    // Delisted already: nothing to do.
    if (open == listings.end()) return absl::OkStatus();
    GOV_ASSIGN_OR_RETURN(const StoredKeyArea stored, Decode(*open));
    // A listing made after the bulletin decided (by hand since, or by a later bulletin) is not
    // the one it decided about, so re-applying the bulletin leaves it alone.
    if (stored.counts_from > first_day) return absl::OkStatus();
    absl::StatusOr<cases::Case> moved =
        engine->Transition(auth::SystemPrincipal(kSystemId), kDelistVerb, open->id, EtagOf(*open),
                           reason, DelistMutation(pv1::KEY_AREA_DECISION_RULE, reason));
    if (moved.ok()) return absl::OkStatus();
    // Changed meanwhile: look again.
    if (!absl::IsAborted(moved.status()) && !absl::IsFailedPrecondition(moved.status())) {
      return moved.status();
    }
  }
  return absl::AbortedError(
      absl::StrCat("key area of ", community, " kept changing while delisting it by rule"));
}

KeyAreas::KeyAreas(const PolicingContext& ctx) : ctx_(ctx) {
  engine_ = std::make_unique<cases::CaseEngine>(
      KeyAreaSpec(ctx.rules->key_area_rules().plan_working_days()), ctx.repo, ctx.cache,
      ctx.calendar, ctx.clock, ctx.registry);
  impl_ = std::make_unique<Impl>(Impl{&ctx_, engine_.get()});
}
KeyAreas::~KeyAreas() = default;

absl::Status KeyAreas::ListArea(const auth::Principal& who, const pv1::ListKeyAreaRequest& in,
                                pv1::ListKeyAreaResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id()));
  GOV_RETURN_IF_ERROR(ValidateArea(in.region(), *ctx_.regions));
  GOV_RETURN_IF_ERROR(ValidateText(in.reason(), "reason", kMaxReason, /*required=*/true));
  if (in.has_plan()) GOV_RETURN_IF_ERROR(ValidatePlan(in.plan(), "plan"));
  if (!who.CanAccessStreet(in.region().street_id())) {
    return absl::PermissionDeniedError(
        absl::StrCat("street \"", in.region().street_id(), "\" is outside the caller's scope"));
  }
  const Area area = AreaOf(in.region(), *ctx_.regions);
  StoredKeyArea stored;
  stored.request_id = in.request_id();
  pv1::ListKeyAreaRequest content = in;
  content.clear_request_id();
  stored.request_hash = cases::CaseEngine::RequestHash(SerializeStable(content));
  stored.counts_from = cal::LocalDay(ctx_.clock->Now());
  pv1::KeyArea& key_area = stored.key_area;
  *key_area.mutable_region() = area.region;
  key_area.set_name(area.name);
  key_area.set_listed_by(pv1::KEY_AREA_DECISION_MANUAL);
  key_area.set_listing_reason(in.reason());
  GOV_RETURN_IF_ERROR(impl_->ClaimRequestId(stored.request_id, stored.request_hash));
  GOV_ASSIGN_OR_RETURN(cases::Case listing, impl_->CreateListing(who, area, stored, in.reason()));
  if (in.has_plan()) {
    GOV_ASSIGN_OR_RETURN(listing, impl_->CompletePlan(who, std::move(listing), in.plan()));
  }
  GOV_ASSIGN_OR_RETURN(*out->mutable_key_area(), KeyAreaOf(listing.record, nullptr));
  return absl::OkStatus();
}

absl::Status KeyAreas::SetPlan(const auth::Principal& who, const pv1::SetRemediationPlanRequest& in,
                               pv1::SetRemediationPlanResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id()));
  GOV_RETURN_IF_ERROR(ValidatePlan(in.plan(), "plan"));
  GOV_ASSIGN_OR_RETURN(
      const cases::Case moved,
      engine_->Transition(who, kSetPlanVerb, in.id(), in.etag(), PlanNote(in.plan()),
                          SetPlanMutation(in.plan(), ctx_.clock->Now())));
  GOV_ASSIGN_OR_RETURN(*out->mutable_key_area(), KeyAreaOf(moved.record, nullptr));
  return absl::OkStatus();
}

absl::Status KeyAreas::Delist(const auth::Principal& who, const pv1::DelistKeyAreaRequest& in,
                              pv1::DelistKeyAreaResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id()));
  GOV_RETURN_IF_ERROR(ValidateText(in.reason(), "reason", kMaxReason, /*required=*/true));
  GOV_ASSIGN_OR_RETURN(
      const cases::Case moved,
      engine_->Transition(who, kDelistVerb, in.id(), in.etag(), in.reason(),
                          DelistMutation(pv1::KEY_AREA_DECISION_MANUAL, in.reason())));
  GOV_ASSIGN_OR_RETURN(*out->mutable_key_area(), KeyAreaOf(moved.record, nullptr));
  return absl::OkStatus();
}

absl::Status KeyAreas::Get(const auth::Principal& who, const pv1::GetKeyAreaRequest& in,
                           pv1::GetKeyAreaResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id()));
  GOV_ASSIGN_OR_RETURN(const cases::Case c, engine_->Get(who, in.id(), /*with_history=*/true));
  GOV_ASSIGN_OR_RETURN(*out->mutable_key_area(), KeyAreaOf(c.record, &c.history));
  return absl::OkStatus();
}

absl::Status KeyAreas::List(const auth::Principal& who, const pv1::ListKeyAreasRequest& in,
                            pv1::ListKeyAreasResponse* out) {
  GOV_RETURN_IF_ERROR(ctx_.regions->Validate(in.region(), "region", /*require_street=*/false));
  cases::ListRequest request;
  store::CaseFilter& filter = request.filter;
  filter.street_id = in.region().street_id();
  filter.community_id = in.region().community_id();
  filter.grid_id = in.region().grid_id();
  GOV_ASSIGN_OR_RETURN(filter.statuses, EnumFilterKeys<pv1::KeyAreaStatus>(
                                            in.statuses(), "statuses", "a key area status"));
  request.page_size = in.page_size();
  request.page_token = in.page_token();
  GOV_ASSIGN_OR_RETURN(cases::ListResult page, engine_->List(who, std::move(request)));
  for (const cases::Case& c : page.cases) {
    GOV_ASSIGN_OR_RETURN(*out->add_key_areas(), KeyAreaOf(c.record, nullptr));
  }
  out->set_next_page_token(std::move(page.next_page_token));
  return absl::OkStatus();
}

absl::Status KeyAreas::ApplyBulletin(const pv1::Bulletin& bulletin) {
  // Every decision is tried even when one fails; the next application retries the failed ones.
  absl::Status first;
  for (const std::string& community : bulletin.communities_listed()) {
    absl::Status s = impl_->RuleList(bulletin, community);
    if (first.ok()) first = std::move(s);
  }
  for (const std::string& community : bulletin.communities_delisted()) {
    absl::Status s = impl_->RuleDelist(bulletin, community);
    if (first.ok()) first = std::move(s);
  }
  return first;
}

absl::StatusOr<std::vector<KeyAreas::OpenListing>> KeyAreas::OpenCommunityListings() {
  store::CaseFilter filter;
  filter.statuses = {kListed, kRemediating};
  filter.categories = {kCommunityArea};
  GOV_ASSIGN_OR_RETURN(const std::vector<store::CaseRecord> records,
                       impl_->Scan(std::move(filter)));
  std::vector<OpenListing> out;
  out.reserve(records.size());
  for (const store::CaseRecord& record : records) {
    GOV_ASSIGN_OR_RETURN(const StoredKeyArea stored, Decode(record));
    out.push_back({record.id, record.community_id, stored.counts_from});
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> KeyAreas::OpenCommunities() {
  GOV_ASSIGN_OR_RETURN(const std::vector<OpenListing> open, OpenCommunityListings());
  std::vector<std::string> out;
  out.reserve(open.size());
  for (const OpenListing& listing : open) out.push_back(listing.community_id);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

namespace {

// Rule listings of the demo left without a plan: every third by id number, so that the demo
// shows listings whose plan is due (and, once their clock runs out, late). By id, so that a
// second load plans no more than the first.
bool LeftWithoutPlan(const std::string& id) {
  int64_t n = 0;
  const size_t dash = id.find('-');
  return dash != std::string::npos && absl::SimpleAtoi(id.substr(dash + 1), &n) && n % 3 == 0;
}

pv1::RemediationPlan DemoPlan(const std::string& street_name, absl::CivilDay target) {
  pv1::RemediationPlan plan;
  plan.set_summary(
      "夜间及节假日重点时段屯警街面，增加巡逻频次；排查技防盲区并补装智能监控；"
      "联合物业开展电动自行车防盗宣传，每周研判警情变化。");
  plan.set_owner_unit(absl::StrCat(street_name, "综治中心"));
  plan.set_owner_name("综治中心主任");
  plan.set_target_date(
      absl::StrFormat("%04d-%02d-%02d", target.year(), target.month(), target.day()));
  return plan;
}

// Plans for the open rule listings still waiting for one (but those LeftWithoutPlan).
absl::Status PlanDemoListings(KeyAreas& key_areas, const PolicingContext& ctx,
                              const auth::Principal& loader) {
  const absl::CivilDay target = cal::LocalDay(ctx.clock->Now()) + 90;
  pv1::ListKeyAreasRequest request;
  request.set_page_size(500);
  request.add_statuses(pv1::KEY_AREA_STATUS_LISTED);
  std::vector<pv1::KeyArea> waiting;
  for (;;) {
    pv1::ListKeyAreasResponse page;
    GOV_RETURN_IF_ERROR(key_areas.List(loader, request, &page));
    for (pv1::KeyArea& key_area : *page.mutable_key_areas()) waiting.push_back(std::move(key_area));
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  for (const pv1::KeyArea& key_area : waiting) {
    if (key_area.listed_by() != pv1::KEY_AREA_DECISION_RULE || LeftWithoutPlan(key_area.id())) {
      continue;
    }
    pv1::SetRemediationPlanRequest plan;
    plan.set_id(key_area.id());
    plan.set_etag(key_area.etag());
    *plan.mutable_plan() = DemoPlan(ctx.regions->NameOf(key_area.region().street_id()), target);
    pv1::SetRemediationPlanResponse planned;
    const absl::Status s = key_areas.SetPlan(loader, plan, &planned);
    // Changed meanwhile (the server's own upkeep, another replica): left as it is.
    if (!s.ok() && !absl::IsAborted(s) && !absl::IsFailedPrecondition(s)) return s;
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status LoadKeyAreaDemoData(KeyAreas& key_areas, const PolicingContext& ctx) {
  const auth::Principal loader = auth::SystemPrincipal(kDemoLoaderId);
  GOV_RETURN_IF_ERROR(PlanDemoListings(key_areas, ctx, loader));

  // One listing by hand: a grid of the first community of the first street, with its plan.
  const auto& streets = ctx.regions->streets();
  if (streets.empty() || streets.front()->communities().empty() ||
      streets.front()->communities(0).grids().empty()) {
    return absl::OkStatus();
  }
  const auto& street = *streets.front();
  const auto& community = street.communities(0);
  pv1::ListKeyAreaRequest request;
  request.set_request_id("demo:key_area:manual:1");
  request.mutable_region()->set_street_id(street.id());
  request.mutable_region()->set_community_id(community.id());
  request.mutable_region()->set_grid_id(community.grids(0));
  request.set_reason("群众反映夜间电动自行车被盗多发，街道申请对该网格挂牌整治。");
  // A target date fixed by the year, so that a load on another day repeats the same request.
  const absl::CivilDay today = cal::LocalDay(ctx.clock->Now());
  *request.mutable_plan() = DemoPlan(street.name(), absl::CivilDay(today.year(), 12, 31));
  pv1::ListKeyAreaResponse listed;
  const absl::Status s = key_areas.ListArea(loader, request, &listed);
  // ALREADY_EXISTS: the grid is listed already (by this load before, or otherwise).
  if (!s.ok() && !absl::IsAlreadyExists(s)) return s;
  return absl::OkStatus();
}

}  // namespace gov::policing
