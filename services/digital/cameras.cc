#include "services/digital/cameras.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/cases/calendar.h"
#include "common/cases/page_token.h"
#include "common/clock/district_time.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"

namespace gov::digital {
namespace {

constexpr size_t kMaxFeedCode = 64;
constexpr size_t kMaxName = 200;
constexpr size_t kMaxLocation = 200;
constexpr size_t kMaxNote = 500;
// Cameras read per store page while a list filters on what the row does not index (status,
// kind, grid).
constexpr int kScanPage = 500;

// The camera's own fields on registration, in the order of the message; the street is
// required, the community and grid are optional and must belong to it.
absl::Status ValidateNewCamera(const dv1::Camera& c, const regions::RegionRegistry& regions,
                               absl::CivilDay today) {
  GOV_RETURN_IF_ERROR(
      ValidateText(c.feed_code(), "camera.feed_code", kMaxFeedCode, /*required=*/true));
  GOV_RETURN_IF_ERROR(ValidateText(c.name(), "camera.name", kMaxName, /*required=*/true));
  if (c.kind() == dv1::CAMERA_KIND_UNSPECIFIED || !dv1::CameraKind_IsValid(c.kind())) {
    return InvalidField("camera.kind", "required: what the camera is");
  }
  GOV_RETURN_IF_ERROR(regions.Validate(c.region(), "camera.region", /*require_street=*/true));
  GOV_RETURN_IF_ERROR(ValidateText(c.location(), "camera.location", kMaxLocation));
  GOV_RETURN_IF_ERROR(ValidateDay(c.connect_day(), "camera.connect_day"));
  if (*cal::ParseDay(c.connect_day()) > today) {
    return InvalidField("camera.connect_day", "in the future");
  }
  return absl::OkStatus();
}

// The camera as registered: the caller's fields, ONLINE. Output fields are dropped and the status
// time is left to the row's creation time (Shown), so that a retry sends the very same payload.
dv1::Camera Registered(const dv1::Camera& given) {
  dv1::Camera c;
  c.set_feed_code(given.feed_code());
  c.set_name(given.name());
  c.set_kind(given.kind());
  c.mutable_region()->set_street_id(given.region().street_id());
  c.mutable_region()->set_community_id(given.region().community_id());
  c.mutable_region()->set_grid_id(given.region().grid_id());
  c.set_location(given.location());
  c.set_connect_day(given.connect_day());
  c.set_status(dv1::CAMERA_STATUS_ONLINE);
  return c;
}

// Whether two cameras are the same registration: every field the caller gives.
bool SameRegistration(const dv1::Camera& a, const dv1::Camera& b) {
  return a.feed_code() == b.feed_code() && a.name() == b.name() && a.kind() == b.kind() &&
         a.region().street_id() == b.region().street_id() &&
         a.region().community_id() == b.region().community_id() &&
         a.region().grid_id() == b.region().grid_id() && a.location() == b.location() &&
         a.connect_day() == b.connect_day();
}

// The camera of a row as read: a camera whose status never moved has been in it since its
// registration.
absl::StatusOr<dv1::Camera> Shown(const registry::Registry& cameras,
                                  const store::EntityRecord& row) {
  GOV_ASSIGN_OR_RETURN(dv1::Camera c, cameras.Decode<dv1::Camera>(row));
  if (!c.has_status_time()) *c.mutable_status_time() = ToTimestamp(row.create_time);
  return c;
}

// The request's own fields of a status change, before the camera is read.
absl::Status ValidateStatusChange(const dv1::SetCameraStatusRequest& in) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_RETURN_IF_ERROR(ValidateId(in.etag(), "etag"));
  if (in.status() == dv1::CAMERA_STATUS_UNSPECIFIED || !dv1::CameraStatus_IsValid(in.status())) {
    return InvalidField("status", "required: online, offline or retired");
  }
  return ValidateText(in.note(), "note", kMaxNote);
}

// What a list keeps of the rows its store filter gives: the filters the row does not index.
struct PayloadFilter {
  std::string grid_id;
  dv1::CameraStatus status = dv1::CAMERA_STATUS_UNSPECIFIED;
  dv1::CameraKind kind = dv1::CAMERA_KIND_UNSPECIFIED;

  bool empty() const {
    return grid_id.empty() && status == dv1::CAMERA_STATUS_UNSPECIFIED &&
           kind == dv1::CAMERA_KIND_UNSPECIFIED;
  }
  bool Keeps(const dv1::Camera& c) const {
    return (grid_id.empty() || c.region().grid_id() == grid_id) &&
           (status == dv1::CAMERA_STATUS_UNSPECIFIED || c.status() == status) &&
           (kind == dv1::CAMERA_KIND_UNSPECIFIED || c.kind() == kind);
  }
};

}  // namespace

Cameras::Cameras(const registry::Registry* cameras, const regions::RegionRegistry* regions,
                 const Clock* clock)
    : cameras_(cameras), regions_(regions), clock_(clock) {}

// A feed code is the platform's name of one feed: the camera registered with it is looked up by
// the row key before anything is stored. The same registration again (every field the same) is
// answered with that camera as it is now and nothing written: it is a retry of the request that
// registered it, or the same camera sent again under another request_id, which must not be
// stored twice. Any other registration of the code is ALREADY_EXISTS naming the camera. The
// check reads before the write, so two registrations of one code at the same moment may both
// pass: best effort, not a store constraint.
absl::Status Cameras::Register(const auth::Principal& who, const dv1::RegisterCameraRequest& in,
                               dv1::RegisterCameraResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id()));
  GOV_RETURN_IF_ERROR(ValidateNewCamera(in.camera(), *regions_, cal::LocalDay(clock_->Now())));
  GOV_RETURN_IF_ERROR(registry::CheckStreet(who, in.camera().region().street_id()));
  const dv1::Camera camera = Registered(in.camera());

  store::EntityFilter same_code;
  same_code.key = camera.feed_code();
  same_code.limit = 1;
  GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> found,
                       cameras_->Rows(std::move(same_code)));
  if (!found.empty()) {
    const store::EntityRecord& row = found.front();
    GOV_ASSIGN_OR_RETURN(dv1::Camera stored, Shown(*cameras_, row));
    if (!SameRegistration(stored, camera)) {
      return FieldError(
          absl::StatusCode::kAlreadyExists, "camera.feed_code",
          absl::StrCat("feed \"", camera.feed_code(), "\" is registered already (", row.id, ")"));
    }
    *out->mutable_camera() = std::move(stored);
    return absl::OkStatus();
  }

  store::EntityRecord row;
  row.street_id = camera.region().street_id();
  row.community_id = camera.region().community_id();
  row.key = camera.feed_code();
  row.payload = registry::Payload(camera);
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord created,
                       cameras_->Create(std::move(row), in.request_id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_camera(), Shown(*cameras_, created));
  return absl::OkStatus();
}

absl::Status Cameras::Get(const auth::Principal& who, const dv1::GetCameraRequest& in,
                          dv1::GetCameraResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord row, cameras_->LoadVisible(who, in.id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_camera(), Shown(*cameras_, row));
  return absl::OkStatus();
}

// By id, within the caller's streets (and the region's street and community, which the rows
// index). The grid, status and kind are read from the cameras themselves: with any of them the
// rows are read page by page from the token's id until the page is full. The token is bound to
// the filters and the caller's streets.
absl::Status Cameras::List(const auth::Principal& who, const dv1::ListCamerasRequest& in,
                           dv1::ListCamerasResponse* out) const {
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  GOV_RETURN_IF_ERROR(regions_->Validate(in.region(), "region", /*require_street=*/false));
  if (!dv1::CameraStatus_IsValid(in.status())) return InvalidField("status", "not a status");
  if (!dv1::CameraKind_IsValid(in.kind())) return InvalidField("kind", "not a camera kind");
  if (!in.region().street_id().empty()) {
    GOV_RETURN_IF_ERROR(registry::CheckStreet(who, in.region().street_id()));
  }
  PayloadFilter keep;
  keep.grid_id = in.region().grid_id();
  keep.status = in.status();
  keep.kind = in.kind();
  store::EntityFilter filter;
  filter.street_id = in.region().street_id();
  filter.community_id = in.region().community_id();
  filter.streets.assign(who.streets.begin(), who.streets.end());
  std::sort(filter.streets.begin(), filter.streets.end());
  const std::string status =
      keep.status == dv1::CAMERA_STATUS_UNSPECIFIED ? "" : EnumKey(keep.status);
  const std::string kind = keep.kind == dv1::CAMERA_KIND_UNSPECIFIED ? "" : EnumKey(keep.kind);
  const std::string binding =
      cases::PageBinding({"cameras", filter.street_id, filter.community_id, keep.grid_id, status,
                          kind, absl::StrJoin(filter.streets, ",")});
  GOV_ASSIGN_OR_RETURN(filter.after_id, cases::DecodeIdCursor(in.page_token(), binding));
  filter.limit = keep.empty() ? size + 1 : kScanPage;

  std::vector<dv1::Camera> page;
  while (static_cast<int>(page.size()) <= size) {
    GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows, cameras_->Rows(filter));
    for (const store::EntityRecord& row : rows) {
      GOV_ASSIGN_OR_RETURN(dv1::Camera c, Shown(*cameras_, row));
      if (!keep.Keeps(c)) continue;
      page.push_back(std::move(c));
      if (static_cast<int>(page.size()) > size) break;
    }
    if (static_cast<int>(rows.size()) < filter.limit) break;
    filter.after_id = rows.back().id;
  }
  if (static_cast<int>(page.size()) > size) {
    page.resize(size);
    out->set_next_page_token(cases::EncodePageToken(binding, {page.back().id()}));
  }
  for (dv1::Camera& c : page) *out->add_cameras() = std::move(c);
  return absl::OkStatus();
}

// The request's own fields first; then, with the camera read, the etag (ABORTED) and the move
// (FAILED_PRECONDITION): a retired camera stays retired, and a camera is not set to the status it
// has. The note is the caller's reason; the camera keeps its status and when it last changed.
absl::Status Cameras::SetStatus(const auth::Principal& who, const dv1::SetCameraStatusRequest& in,
                                dv1::SetCameraStatusResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateStatusChange(in));
  GOV_ASSIGN_OR_RETURN(store::EntityRecord row, cameras_->LoadVisible(who, in.id()));
  GOV_ASSIGN_OR_RETURN(dv1::Camera c, cameras_->Decode<dv1::Camera>(row));
  GOV_RETURN_IF_ERROR(registry::CheckEtag(cameras_->layout(), row, in.etag()));
  if (c.status() == dv1::CAMERA_STATUS_RETIRED) {
    return absl::FailedPreconditionError(
        absl::StrCat("camera ", row.id, " is RETIRED; a retired camera is not moved again"));
  }
  if (c.status() == in.status()) {
    return absl::FailedPreconditionError(
        absl::StrCat("camera ", row.id, " is ", EnumKey(c.status()), " already"));
  }
  c.set_status(in.status());
  *c.mutable_status_time() = ToTimestamp(clock_->Now());
  std::string key = row.key;
  GOV_ASSIGN_OR_RETURN(
      const store::EntityRecord replaced,
      cameras_->Replace(std::move(row), in.etag(), std::move(key), registry::Payload(c)));
  GOV_ASSIGN_OR_RETURN(*out->mutable_camera(), Shown(*cameras_, replaced));
  return absl::OkStatus();
}

// ---- Indicators ----

namespace {

// 新增接入监控: the cameras whose connect day lies in the context's days, within its region,
// whatever their status now.
indicators::Measure FeedsAdded(const registry::Registry* cameras) {
  return [cameras](const indicators::EvalContext& ctx) -> absl::StatusOr<indicators::Value> {
    GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows,
                         cameras->RowsIn(ctx, "", /*key_is_prefix=*/true));
    int64_t count = 0;
    for (const store::EntityRecord& row : rows) {
      GOV_ASSIGN_OR_RETURN(const dv1::Camera c, cameras->Decode<dv1::Camera>(row));
      const std::optional<absl::CivilDay> day = cal::ParseDay(c.connect_day());
      count += day.has_value() && ctx.days.Contains(*day) ? 1 : 0;
    }
    return indicators::Value{count, true};
  };
}

// Of the cameras in the context's region not retired now, the share online now (the platform's
// state today, whatever the period); no data without any.
indicators::Measure OnlineRate(const registry::Registry* cameras) {
  return [cameras](const indicators::EvalContext& ctx) -> absl::StatusOr<indicators::Value> {
    GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows,
                         cameras->RowsIn(ctx, "", /*key_is_prefix=*/true));
    int64_t in_service = 0;
    int64_t online = 0;
    for (const store::EntityRecord& row : rows) {
      GOV_ASSIGN_OR_RETURN(const dv1::Camera c, cameras->Decode<dv1::Camera>(row));
      if (c.status() == dv1::CAMERA_STATUS_RETIRED) continue;
      ++in_service;
      online += c.status() == dv1::CAMERA_STATUS_ONLINE ? 1 : 0;
    }
    return indicators::Share(online, in_service);
  };
}

}  // namespace

std::vector<indicators::IndicatorSpec> CameraIndicators(const Cameras* cameras) {
  std::vector<indicators::IndicatorSpec> specs;
  // 新增接入400路监控: the cameras connected to the City Eye platform in the period.
  specs.push_back(indicators::DistrictCount("camera_feeds_added", "新增接入监控路数",
                                            "Camera feeds connected to the City Eye platform",
                                            FeedsAdded(cameras->cameras_)));
  // Of the cameras in service now (not retired), the share online now (the district's target:
  // the plan sets none).
  specs.push_back(indicators::HigherRate("cameras_online_rate", "监控在线率",
                                         "Cameras in service that are online",
                                         OnlineRate(cameras->cameras_)));
  return specs;
}

}  // namespace gov::digital
