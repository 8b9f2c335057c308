// Key areas listed and delisted by hand (the RPCs), and how a listing is created: once per area
// while open, idempotent by the caller's request_id.

#include "services/policing/key_areas.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/cases/calendar.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/policing/taxonomy.h"
#include "services/policing/validation.h"

namespace gov::policing {

namespace gv1 = ::governance::v1;
using namespace key_area_internal;  // NOLINT(build/namespaces): the two files' shared names

namespace {

// Rows read per round trip when all listings of a kind are read.
constexpr int kScanPage = 500;

std::string PlanNote(const pv1::RemediationPlan& plan) {
  std::string note = absl::StrCat("责任单位：", plan.owner_unit());
  if (!plan.target_date().empty()) absl::StrAppend(&note, "；目标日期：", plan.target_date());
  return note;
}

// Sets the plan. A plan that comes after the LISTED clock ran out is marked late in the
// listing: entering REMEDIATING stops the clock and clears the case's breach flag.
cases::Mutation SetPlanMutation(pv1::RemediationPlan plan, absl::Time now) {
  return [plan = std::move(plan), now](store::CaseRecord& record) -> absl::Status {
    const bool late = record.status == kListed && (record.sla_breached || record.due_time < now);
    return KeyAreaKind().Edit([&plan, late](pv1::KeyArea& key_area) {
      *key_area.mutable_plan() = plan;
      if (late) key_area.set_sla_breached(true);
      return absl::OkStatus();
    })(record);
  };
}

// Whether `existing` is the listing `wanted` asks for again: by hand, the one of the same
// request_id; by rule, the one of the same bulletin.
bool SameDesignation(const pv1::KeyArea& existing, const pv1::KeyArea& wanted) {
  if (existing.listed_by() != wanted.listed_by()) return false;
  if (wanted.listed_by() == pv1::KEY_AREA_DECISION_MANUAL) {
    return existing.request_id() == wanted.request_id();
  }
  return existing.listing_bulletin_ids_size() > 0 && wanted.listing_bulletin_ids_size() > 0 &&
         existing.listing_bulletin_ids(0) == wanted.listing_bulletin_ids(0);
}

}  // namespace

namespace key_area_internal {

cases::Mutation DelistMutation(pv1::KeyAreaDecision decision, std::string reason, absl::Time now) {
  return KeyAreaKind().Edit([decision, reason = std::move(reason), now](pv1::KeyArea& key_area) {
    key_area.set_delisted_by(decision);
    key_area.set_delisting_reason(reason);
    // DELISTED is final: nothing changes the listing afterwards.
    *key_area.mutable_delist_time() = ToTimestamp(now);
    return absl::OkStatus();
  });
}

}  // namespace key_area_internal

cases::TrackSpec KeyAreaSpec(int plan_working_days) {
  const std::vector<std::string> roles = {auth::kDistrictAdmin, auth::kStreetOperator,
                                          auth::kSystem};
  cases::TrackSpec spec;
  spec.track = kKeyAreaTrack;
  spec.id_prefix = "K";
  // The metrics' `kind` label (governance_cases{kind="key_area"}), as README and dashboards say.
  spec.case_kind = "key_area";
  spec.initial_state = kListed;
  // Writes refresh the cached aggregates of the policing track, whose indicators read them.
  spec.aggregate_track = kTrack;
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

// The breach flag is not the record's: a late plan stays marked after SetPlan stopped the clock
// (see Read). The plan's due time runs only while LISTED.
const cases::CaseKind<pv1::KeyArea>& KeyAreaKind() {
  static const auto* kind = new cases::CaseKind<pv1::KeyArea>({
      .id = "id",
      .status = "status",
      .unit_id = "",
      .region = "region",
      .created = "list_time",
      .updated = "",
      .due_time = "plan_due_time",
      .sla_breached = "",
      .etag = "etag",
      .history = "history",
      .sees_personal = {auth::kStreetOperator, auth::kViewer, auth::kSystem},
  });
  return *kind;
}

const registry::Layout& KeyAreaRequestLayout() {
  static const auto* layout =
      new registry::Layout{kKeyAreaTrack, "request", "Q", "key area listing request"};
  return *layout;
}

KeyAreas::Area KeyAreas::AreaOf(const gv1::RegionRef& region) const {
  Area area;
  area.region.set_street_id(region.street_id());
  area.region.set_community_id(region.community_id());
  area.region.set_grid_id(region.grid_id());
  const std::string community_name = regions_->NameOf(region.community_id());
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

// "The plan came late" is the case's breach flag while the plan is due (the breach scan sets
// it), and once a plan is set — which stops the clock and clears that flag — the listing's own
// (SetPlanMutation keeps it there).
absl::StatusOr<pv1::KeyArea> KeyAreas::Read(const cases::Case& c,
                                            const auth::Principal& who) const {
  GOV_ASSIGN_OR_RETURN(pv1::KeyArea key_area, KeyAreaKind().FromCase(c, who));
  if (c.record.sla_breached) key_area.set_sla_breached(true);
  return key_area;
}

absl::StatusOr<std::vector<cases::Case>> KeyAreas::Scan(store::CaseFilter filter) const {
  cases::ListRequest request;
  request.filter = std::move(filter);
  request.page_size = kScanPage;
  std::vector<cases::Case> all;
  for (;;) {
    GOV_ASSIGN_OR_RETURN(cases::ListResult page,
                         listings_->List(auth::SystemPrincipal(kSystemId), request));
    for (cases::Case& c : page.cases) all.push_back(std::move(c));
    if (page.next_page_token.empty()) return all;
    request.page_token = std::move(page.next_page_token);
  }
}

absl::StatusOr<std::vector<cases::Case>> KeyAreas::AreaListings(const Area& area) const {
  store::CaseFilter filter;
  filter.community_id = area.region.community_id();
  filter.grid_id = area.region.grid_id();
  filter.categories = {area.category};
  return Scan(std::move(filter));
}

// A caller's request_id names one request in the whole track, not only among the listings of
// its area: it is claimed once, for the request's hash, before the listing is looked for or
// created. The same request again passes (a retry, also after a failure between claim and
// listing); the request_id with another request — another area too — is ALREADY_EXISTS.
absl::Status KeyAreas::ClaimRequestId(const std::string& request_id,
                                      const std::string& hash) const {
  store::EntityRecord claim;
  claim.payload = hash;  // what the claim is for: the registry tells requests apart by payload
  absl::StatusOr<store::EntityRecord> claimed =
      requests_->Create(std::move(claim), absl::StrCat("request:", request_id));
  if (absl::IsAlreadyExists(claimed.status())) {
    return FieldError(absl::StatusCode::kAlreadyExists, "request_id",
                      "used before for another listing request");
  }
  return claimed.status();
}

namespace {

// Among the listings of the area `area_id`: the one `listing` asks for again (a retry gets it
// back), else none; ALREADY_EXISTS naming the region when another listing of the area is open.
absl::StatusOr<const cases::Case*> ListingAskedFor(const std::vector<cases::Case>& listings,
                                                   const std::string& area_id,
                                                   const pv1::KeyArea& listing) {
  const cases::Case* open = nullptr;
  for (const cases::Case& c : listings) {
    GOV_ASSIGN_OR_RETURN(const pv1::KeyArea existing, KeyAreaKind().FromCase(c));
    if (SameDesignation(existing, listing)) return &c;
    if (IsOpen(c.record.status)) open = &c;
  }
  if (open != nullptr) {
    return FieldError(absl::StatusCode::kAlreadyExists, "region",
                      absl::StrCat(area_id, " has an open listing (", open->record.id, ")"));
  }
  return nullptr;
}

}  // namespace

// One open listing per area, under concurrency too. The store's idempotency key of a listing is
// its area and its number among the listings of the area ("key_area:<area>:<n>", n = listings
// so far + 1), so creates racing for one area compete for one key and only one is stored; a
// loser reads the listings again and finds the winner open. A listing is numbered only by a
// caller that saw every earlier listing of the area closed, and closed is final, so no two
// listings of an area are ever open together. The listing asked for again — by hand, the one of
// the same request_id (claimed before, so one request); by rule, the one of the same bulletin —
// is looked for among the area's listings before anything is created: a retry gets its listing
// back, as it is now, even delisted.
absl::StatusOr<cases::Case> KeyAreas::CreateListing(const auth::Principal& who, const Area& area,
                                                    const pv1::KeyArea& listing,
                                                    const std::string& note) const {
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    GOV_ASSIGN_OR_RETURN(const std::vector<cases::Case> listings, AreaListings(area));
    GOV_ASSIGN_OR_RETURN(const cases::Case* asked_for, ListingAskedFor(listings, area.id, listing));
    if (asked_for != nullptr) return *asked_for;
    cases::NewCase input;
    input.category = area.category;
    input.street_id = area.region.street_id();
    input.community_id = area.region.community_id();
    input.grid_id = area.region.grid_id();
    input.payload = KeyAreaKind().Payload(listing);
    input.note = note;
    const std::string request_id = absl::StrCat("key_area:", area.id, ":", listings.size() + 1);
    absl::StatusOr<cases::Case> created =
        listings_->Create(who, input, request_id, cases::CaseEngine::RequestHash(input.payload));
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
absl::StatusOr<cases::Case> KeyAreas::CompletePlan(const auth::Principal& who, cases::Case listing,
                                                   const pv1::RemediationPlan& plan) const {
  GOV_ASSIGN_OR_RETURN(const pv1::KeyArea stored, KeyAreaKind().FromCase(listing));
  if (listing.record.status != kListed || stored.has_plan()) return listing;
  absl::StatusOr<cases::Case> moved =
      listings_->Transition(who, kSetPlanVerb, listing.record.id, listing.etag(), PlanNote(plan),
                            SetPlanMutation(plan, clock_->Now()));
  // Changed meanwhile (a plan set, a delisting): the listing as it is now.
  if (absl::IsAborted(moved.status()) || absl::IsFailedPrecondition(moved.status())) {
    return listings_->Get(who, listing.record.id, /*with_history=*/false);
  }
  return moved;
}

absl::Status KeyAreas::Designate(const auth::Principal& who, const pv1::DesignateKeyAreaRequest& in,
                                 pv1::DesignateKeyAreaResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id()));
  GOV_RETURN_IF_ERROR(ValidateKeyArea(in.region(), *regions_));
  GOV_RETURN_IF_ERROR(ValidateText(in.reason(), "reason", kMaxReason, /*required=*/true));
  if (in.has_plan()) GOV_RETURN_IF_ERROR(ValidatePlan(in.plan(), "plan"));
  if (!who.CanAccessStreet(in.region().street_id())) {
    return absl::PermissionDeniedError(
        absl::StrCat("street \"", in.region().street_id(), "\" is outside the caller's scope"));
  }
  const Area area = AreaOf(in.region());
  pv1::KeyArea listing;
  *listing.mutable_region() = area.region;
  listing.set_name(area.name);
  listing.set_listed_by(pv1::KEY_AREA_DECISION_MANUAL);
  listing.set_listing_reason(in.reason());
  listing.set_request_id(in.request_id());
  listing.set_counts_from(absl::FormatCivilTime(cal::LocalDay(clock_->Now())));
  pv1::DesignateKeyAreaRequest content = in;
  content.clear_request_id();
  // An area listed already refuses another listing before the request_id is claimed: the refused
  // request writes nothing. (CreateListing looks again after the claim; a listing made in between
  // refuses the request there and leaves the claim, as any failure between claim and listing.)
  GOV_ASSIGN_OR_RETURN(const std::vector<cases::Case> listings, AreaListings(area));
  GOV_RETURN_IF_ERROR(ListingAskedFor(listings, area.id, listing).status());
  GOV_RETURN_IF_ERROR(
      ClaimRequestId(in.request_id(), cases::CaseEngine::RequestHash(SerializeStable(content))));
  GOV_ASSIGN_OR_RETURN(cases::Case created, CreateListing(who, area, listing, in.reason()));
  if (in.has_plan()) {
    GOV_ASSIGN_OR_RETURN(created, CompletePlan(who, std::move(created), in.plan()));
  }
  created.history.clear();  // the history is GetKeyArea's alone
  GOV_ASSIGN_OR_RETURN(*out->mutable_key_area(), Read(created, who));
  return absl::OkStatus();
}

absl::Status KeyAreas::SetPlan(const auth::Principal& who, const pv1::SetRemediationPlanRequest& in,
                               pv1::SetRemediationPlanResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id()));
  GOV_RETURN_IF_ERROR(ValidatePlan(in.plan(), "plan"));
  GOV_ASSIGN_OR_RETURN(
      const cases::Case moved,
      listings_->Transition(who, kSetPlanVerb, in.id(), in.etag(), PlanNote(in.plan()),
                            SetPlanMutation(in.plan(), clock_->Now())));
  GOV_ASSIGN_OR_RETURN(*out->mutable_key_area(), Read(moved, who));
  return absl::OkStatus();
}

absl::Status KeyAreas::Delist(const auth::Principal& who, const pv1::DelistKeyAreaRequest& in,
                              pv1::DelistKeyAreaResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id()));
  GOV_RETURN_IF_ERROR(ValidateText(in.reason(), "reason", kMaxReason, /*required=*/true));
  GOV_ASSIGN_OR_RETURN(const cases::Case moved,
                       listings_->Transition(who, kDelistVerb, in.id(), in.etag(), in.reason(),
                                             DelistMutation(pv1::KEY_AREA_DECISION_MANUAL,
                                                            in.reason(), clock_->Now())));
  GOV_ASSIGN_OR_RETURN(*out->mutable_key_area(), Read(moved, who));
  return absl::OkStatus();
}

absl::Status KeyAreas::Get(const auth::Principal& who, const pv1::GetKeyAreaRequest& in,
                           pv1::GetKeyAreaResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id()));
  GOV_ASSIGN_OR_RETURN(const cases::Case c, listings_->Get(who, in.id(), /*with_history=*/true));
  GOV_ASSIGN_OR_RETURN(*out->mutable_key_area(), Read(c, who));
  return absl::OkStatus();
}

absl::Status KeyAreas::List(const auth::Principal& who, const pv1::ListKeyAreasRequest& in,
                            pv1::ListKeyAreasResponse* out) {
  GOV_RETURN_IF_ERROR(regions_->Validate(in.region(), "region", /*require_street=*/false));
  cases::ListRequest request;
  store::CaseFilter& filter = request.filter;
  filter.street_id = in.region().street_id();
  filter.community_id = in.region().community_id();
  filter.grid_id = in.region().grid_id();
  GOV_ASSIGN_OR_RETURN(filter.statuses, EnumFilterKeys<pv1::KeyAreaStatus>(
                                            in.statuses(), "statuses", "a key area status"));
  request.page_size = in.page_size();
  request.page_token = in.page_token();
  GOV_ASSIGN_OR_RETURN(cases::ListResult page, listings_->List(who, std::move(request)));
  for (const cases::Case& c : page.cases) {
    GOV_ASSIGN_OR_RETURN(*out->add_key_areas(), Read(c, who));
  }
  out->set_next_page_token(std::move(page.next_page_token));
  return absl::OkStatus();
}

}  // namespace gov::policing
