#include "services/disorder/objects.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/cases/calendar.h"
#include "common/cases/page_token.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/disorder/fume_feed.h"
#include "services/disorder/validation.h"

// How the registry lies in the store's generic entity rows (track "disorder"):
//
// clang-format off
// | kind     | id       | street_id / community_id             | parent_id | key               |
// |----------|----------|--------------------------------------|-----------|-------------------|
// | "object" | M-...    | the object's street and community    | ""        | "<KIND>/<STATUS>" |
// |          |          | ("" for a demonstration street)      |           |                   |
// clang-format on
//
// The key is the kind's and the status's enum keys, e.g. "FUME_RESTAURANT/ACTIVE"
// (common/registry's KindStatusKey). The payload is the MonitoredObject without id, etag, times
// and fume state (output only), which the row holds or the fume feed adds. Every write goes
// through the track's registry::Registry, which makes the cached indicators stale.
namespace gov::disorder {
namespace {

using indicators::Measure;

constexpr dv1::MonitoredObjectKind kKinds[] = {
    dv1::MONITORED_OBJECT_KIND_FUME_RESTAURANT,      dv1::MONITORED_OBJECT_KIND_CONSTRUCTION_SITE,
    dv1::MONITORED_OBJECT_KIND_DEMONSTRATION_STREET, dv1::MONITORED_OBJECT_KIND_PARKING_BLOCK,
    dv1::MONITORED_OBJECT_KIND_NOISE_COMMUNITY,      dv1::MONITORED_OBJECT_KIND_MUCK_ROAD_SECTION,
};

// ---- Storage ----

std::vector<std::string> KindKeys() {
  std::vector<std::string> keys;
  for (dv1::MonitoredObjectKind kind : kKinds) keys.push_back(EnumKey(kind));
  return keys;
}

std::string ObjectKey(dv1::MonitoredObjectKind kind, dv1::MonitoredObjectStatus status) {
  return registry::KindStatusKey(EnumKey(kind), EnumKey(status));
}

// The object as the caller describes it: output-only fields dropped, so that a retry matches
// whatever the service adds.
dv1::MonitoredObject Submitted(dv1::MonitoredObject object) {
  object.clear_id();
  object.clear_etag();
  object.clear_create_time();
  object.clear_update_time();
  object.clear_fume_state();
  // No flag set is no control point: stored alike, so that a retry matches either way.
  if (!AnyControlFlag(object.control_point())) object.clear_control_point();
  return object;
}

// Whether the restaurant has one of the flags `wanted` sets.
bool HasWantedFlag(const dv1::MonitoredObject& o, const dv1::ControlPoint& wanted) {
  const dv1::ControlPoint& p = o.control_point();
  return (wanted.provincial_inspection() && p.provincial_inspection()) ||
         (wanted.municipal_inspection() && p.municipal_inspection()) ||
         (wanted.repeat_complaint() && p.repeat_complaint());
}

// The flags of a filter as text, for a page token's binding.
std::string FlagText(const dv1::ControlPoint& p) {
  return absl::StrCat(p.provincial_inspection() ? "P" : "", p.municipal_inspection() ? "M" : "",
                      p.repeat_complaint() ? "R" : "");
}

// ---- Indicators ----

// Objects in the programme on a period's last day within the context's region: ACTIVE with a
// since_date on or before that day.
const registry::InForce<dv1::MonitoredObject>& Active() {
  static const auto* active = new registry::InForce<dv1::MonitoredObject>(
      ObjectLayout(),
      [](const dv1::MonitoredObject& o) -> const std::string& { return o.since_date(); });
  return *active;
}

Measure CountActive(dv1::MonitoredObjectKind kind) {
  return Active().Count(ObjectKey(kind, dv1::MONITORED_OBJECT_STATUS_ACTIVE));
}

// 根治欠薪六项制度落实率: active construction sites with all six systems, over the active sites
// (no data without any).
bool MeetsSixSystems(const dv1::MonitoredObject& site) {
  const dv1::WageSystems& w = site.wage_systems();
  return w.real_name_management() && w.wage_special_account() && w.contractor_pays_wages() &&
         w.wage_deposit() && w.rights_information_board() && w.wage_payment_ledger();
}

}  // namespace

const registry::Layout& ObjectLayout() {
  static const registry::Layout* layout =
      new registry::Layout{"disorder", "object", "M", "monitored object"};
  return *layout;
}

store::EntityRecord ObjectRow(const dv1::MonitoredObject& object) {
  store::EntityRecord row;
  row.street_id = object.region().street_id();
  row.community_id = object.region().community_id();
  row.key = ObjectKey(object.kind(), object.status());
  row.payload = registry::Payload(Submitted(object));
  return row;
}

// The counts' targets are the plan's district figures, the district's alone: a street or a
// community shows its own count, ungraded. The rate is graded the same everywhere.
std::vector<indicators::IndicatorSpec> ObjectIndicators() {
  std::vector<indicators::IndicatorSpec> specs;
  specs.push_back(indicators::DistrictCount(
      "fume_restaurants", "油烟在线监测餐饮单位数", "Restaurants with online fume monitoring",
      CountActive(dv1::MONITORED_OBJECT_KIND_FUME_RESTAURANT)));
  specs.push_back(indicators::DistrictCount(
      "construction_sites", "在建工地监管数", "Construction sites under supervision",
      CountActive(dv1::MONITORED_OBJECT_KIND_CONSTRUCTION_SITE)));
  specs.push_back(
      indicators::DistrictCount("demonstration_streets", "市容环境众包示范街数",
                                "Street-appearance crowdsourcing demonstration streets",
                                CountActive(dv1::MONITORED_OBJECT_KIND_DEMONSTRATION_STREET)));
  specs.push_back(indicators::DistrictCount("parking_blocks", "非机动车停放重点区块数",
                                            "Key blocks for non-motor-vehicle parking",
                                            CountActive(dv1::MONITORED_OBJECT_KIND_PARKING_BLOCK)));
  specs.push_back(indicators::DistrictCount(
      "noise_communities", "噪声治理重点社区数", "Key communities for noise control",
      CountActive(dv1::MONITORED_OBJECT_KIND_NOISE_COMMUNITY)));
  specs.push_back(indicators::DistrictCount(
      "muck_road_sections", "渣土运输重点路段数", "Key road sections for muck-truck transport",
      CountActive(dv1::MONITORED_OBJECT_KIND_MUCK_ROAD_SECTION)));
  specs.push_back(indicators::HigherRate(
      "construction_six_systems_rate", "在建工地根治欠薪六项制度落实率",
      "Construction sites with all six wage-arrears systems",
      Active().ShareMeeting(ObjectKey(dv1::MONITORED_OBJECT_KIND_CONSTRUCTION_SITE,
                                      dv1::MONITORED_OBJECT_STATUS_ACTIVE),
                            MeetsSixSystems)));
  return specs;
}

absl::StatusOr<dv1::MonitoredObject> LoadObject(const registry::Registry& objects,
                                                const std::string& id) {
  absl::StatusOr<store::EntityRecord> row = objects.Get(id);
  if (absl::IsNotFound(row.status())) {
    return absl::NotFoundError(absl::StrCat("monitored object ", id, " not found"));
  }
  if (!row.ok()) return row.status();
  return objects.Decode<dv1::MonitoredObject>(*row);
}

MonitoredObjects::MonitoredObjects(const server::TrackDeps& deps, const registry::Registry* objects,
                                   const FumeFeed* feed)
    : deps_(deps), objects_(objects), feed_(feed) {}

absl::CivilDay MonitoredObjects::Today() const { return cal::LocalDay(deps_.clock->Now()); }

// A restaurant's monitoring device is fitted at one restaurant at a time: ALREADY_EXISTS naming
// the field when another restaurant not removed has it. `self` (an update's own id) is not a
// conflict, nor is a stored restaurant identical to `object` on registration (`retry`): that is
// the registration's own first result when its request is retried (the store returns it by
// request id). The check reads the registry before the write, so two registrations of one
// device racing each other may both pass: best effort, not a store constraint; neither does it
// catch the very same restaurant registered twice under two request ids.
absl::Status MonitoredObjects::CheckDeviceUnique(const dv1::MonitoredObject& object,
                                                 const std::string& self, bool retry) const {
  if (object.kind() != dv1::MONITORED_OBJECT_KIND_FUME_RESTAURANT ||
      object.status() == dv1::MONITORED_OBJECT_STATUS_REMOVED) {
    return absl::OkStatus();
  }
  store::EntityFilter filter;
  filter.key_prefix = registry::KindPrefix(EnumKey(dv1::MONITORED_OBJECT_KIND_FUME_RESTAURANT));
  GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows,
                       objects_->AllRows(std::move(filter)));
  const std::string payload = registry::Payload(Submitted(object));
  for (const store::EntityRecord& row : rows) {
    if (row.id == self || (retry && row.payload == payload)) continue;
    GOV_ASSIGN_OR_RETURN(const dv1::MonitoredObject other,
                         objects_->Decode<dv1::MonitoredObject>(row));
    if (other.status() == dv1::MONITORED_OBJECT_STATUS_REMOVED) continue;
    if (other.fume_monitor().device_id() == object.fume_monitor().device_id()) {
      return FieldError(absl::StatusCode::kAlreadyExists, "object.fume_monitor.device_id",
                        absl::StrCat("device \"", object.fume_monitor().device_id(),
                                     "\" is fitted at restaurant ", row.id, " already"));
    }
  }
  return absl::OkStatus();
}

absl::Status MonitoredObjects::Register(const auth::Principal& who,
                                        const dv1::RegisterMonitoredObjectRequest& in,
                                        dv1::RegisterMonitoredObjectResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id()));
  const dv1::MonitoredObject object = Submitted(in.object());
  GOV_RETURN_IF_ERROR(ValidateObject(object, *deps_.regions, Today()));
  GOV_RETURN_IF_ERROR(registry::CheckStreet(who, object.region().street_id()));
  GOV_RETURN_IF_ERROR(CheckDeviceUnique(object, /*self=*/"", /*retry=*/true));
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord created,
                       objects_->Create(ObjectRow(object), in.request_id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_object(), objects_->Decode<dv1::MonitoredObject>(created));
  return absl::OkStatus();
}

absl::Status MonitoredObjects::Update(const auth::Principal& who,
                                      const dv1::UpdateMonitoredObjectRequest& in,
                                      dv1::UpdateMonitoredObjectResponse* out) {
  const dv1::MonitoredObject next = Submitted(in.object());
  GOV_RETURN_IF_ERROR(ValidateId(in.object().id(), "object.id"));
  const std::string& id = in.object().id();
  const std::string& etag = in.object().etag();
  if (etag.empty()) return InvalidField("object.etag", "required");

  // The store is the truth an etag is compared with. Kind and place are checked against it
  // before the rest, which is validated for the kind.
  GOV_ASSIGN_OR_RETURN(store::EntityRecord row, objects_->LoadVisible(who, id));
  GOV_ASSIGN_OR_RETURN(const dv1::MonitoredObject current,
                       objects_->Decode<dv1::MonitoredObject>(row));
  if (next.kind() != current.kind()) {
    return InvalidField("object.kind",
                        absl::StrCat("cannot change (is ", EnumKey(current.kind()), ")"));
  }
  GOV_RETURN_IF_ERROR(
      registry::CheckRegionUnchanged(current.region(), next.region(), "object.region"));
  GOV_RETURN_IF_ERROR(ValidateObject(next, *deps_.regions, Today()));
  if (etag != current.etag()) {
    return absl::AbortedError(
        absl::StrCat("monitored object ", id, " has changed (etag ", etag, " is not current)"));
  }
  if (current.status() == dv1::MONITORED_OBJECT_STATUS_REMOVED &&
      next.status() != dv1::MONITORED_OBJECT_STATUS_REMOVED) {
    return FieldError(absl::StatusCode::kFailedPrecondition, "object.status",
                      absl::StrCat("monitored object ", id, " is REMOVED; it stays removed"));
  }
  GOV_RETURN_IF_ERROR(CheckDeviceUnique(next, id, /*retry=*/false));
  GOV_ASSIGN_OR_RETURN(
      const store::EntityRecord updated,
      objects_->Replace(std::move(row), etag, ObjectKey(next.kind(), next.status()),
                        registry::Payload(next)));
  GOV_ASSIGN_OR_RETURN(*out->mutable_object(), objects_->Decode<dv1::MonitoredObject>(updated));
  return absl::OkStatus();
}

absl::Status MonitoredObjects::Get(const auth::Principal& who,
                                   const dv1::GetMonitoredObjectRequest& in,
                                   dv1::GetMonitoredObjectResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord row, objects_->LoadVisible(who, in.id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_object(), objects_->Decode<dv1::MonitoredObject>(row));
  // A fume-monitored restaurant with its feed state.
  return feed_->AddState(out->mutable_object());
}

absl::Status MonitoredObjects::List(const auth::Principal& who,
                                    const dv1::ListMonitoredObjectsRequest& in,
                                    dv1::ListMonitoredObjectsResponse* out) {
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  GOV_RETURN_IF_ERROR(ValidateObjectList(in, *deps_.regions));
  if (!in.region().street_id().empty()) {
    GOV_RETURN_IF_ERROR(registry::CheckStreet(who, in.region().street_id()));
  }
  if (AnyControlFlag(in.control_point())) return ListControlPoints(who, in, size, out);
  const std::string kind =
      in.kind() == dv1::MONITORED_OBJECT_KIND_UNSPECIFIED ? "" : EnumKey(in.kind());
  const std::string status =
      in.status() == dv1::MONITORED_OBJECT_STATUS_UNSPECIFIED ? "" : EnumKey(in.status());
  store::EntityFilter base;
  base.track = ObjectLayout().track;
  base.kind = ObjectLayout().kind;
  base.street_id = in.region().street_id();
  base.community_id = in.region().community_id();
  GOV_ASSIGN_OR_RETURN(
      registry::Page page,
      objects_->ListPage(
          who, registry::KindStatusFilters(base, KindKeys(), kind, status),
          {"objects", kind, status, in.region().street_id(), in.region().community_id()}, size,
          in.page_token()));
  for (const store::EntityRecord& row : page.rows) {
    GOV_ASSIGN_OR_RETURN(*out->add_objects(), objects_->Decode<dv1::MonitoredObject>(row));
  }
  out->set_next_page_token(std::move(page.next_page_token));
  return absl::OkStatus();
}

// The flags live in the payload, not in the index key: the restaurants of the caller's scope
// (and the filters' region and status) are read by id in batches and kept when they have a flag
// asked for, until the page is full and one more is found. The token holds the last id served
// and is bound to the filters and the caller's streets, as the registry binds its pages.
absl::Status MonitoredObjects::ListControlPoints(const auth::Principal& who,
                                                 const dv1::ListMonitoredObjectsRequest& in,
                                                 int size,
                                                 dv1::ListMonitoredObjectsResponse* out) const {
  constexpr int kBatch = 500;
  const std::string kind = EnumKey(dv1::MONITORED_OBJECT_KIND_FUME_RESTAURANT);
  const std::string status =
      in.status() == dv1::MONITORED_OBJECT_STATUS_UNSPECIFIED ? "" : EnumKey(in.status());
  std::vector<std::string> streets(who.streets.begin(), who.streets.end());
  std::sort(streets.begin(), streets.end());
  const std::string binding = cases::PageBinding(
      {"objects/control_points", status, in.region().street_id(), in.region().community_id(),
       FlagText(in.control_point()), absl::StrJoin(streets, ",")});
  GOV_ASSIGN_OR_RETURN(std::string after, cases::DecodeIdCursor(in.page_token(), binding));
  store::EntityFilter filter;
  filter.streets = std::move(streets);  // empty (everything) for a district-wide principal
  filter.street_id = in.region().street_id();
  filter.community_id = in.region().community_id();
  if (status.empty()) {
    filter.key_prefix = registry::KindPrefix(kind);
  } else {
    filter.key = registry::KindStatusKey(kind, status);
  }
  filter.limit = kBatch;
  for (;;) {
    filter.after_id = after;
    GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows, objects_->Rows(filter));
    for (const store::EntityRecord& row : rows) {
      after = row.id;
      GOV_ASSIGN_OR_RETURN(dv1::MonitoredObject object,
                           objects_->Decode<dv1::MonitoredObject>(row));
      if (!HasWantedFlag(object, in.control_point())) continue;
      if (out->objects_size() == size) {
        out->set_next_page_token(cases::EncodePageToken(binding, {out->objects().rbegin()->id()}));
        return absl::OkStatus();
      }
      *out->add_objects() = std::move(object);
    }
    if (static_cast<int>(rows.size()) < kBatch) return absl::OkStatus();
  }
}

}  // namespace gov::disorder
