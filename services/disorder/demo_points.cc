// The demo's complaints at the restaurants under special control (control points): in some
// months a cooking-fumes complaint at a point and, a few days later, another at the same place,
// which the intake links as a repeat; the first is then handled and closed. Repeat-complaint
// points draw them more often than the inspection points.
#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/cases/calendar.h"
#include "common/demo/random.h"
#include "common/demo/records.h"
#include "common/log/log.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "services/disorder/demo_data.h"
#include "services/disorder/objects.h"
#include "services/disorder/validation.h"

namespace gov::disorder {
namespace {

// The principal the demo takes the complaints in and moves them as (the intake platform).
constexpr char kDemoActor[] = "disorder-point-demo";
// Months back from this one the demo covers.
constexpr int kDemoMonthsBack = 13;
// The chance of a month with a repeated complaint, in percent: at a repeat-complaint point, and
// at an inspection point only.
constexpr int kRepeatPointPercent = 22;
constexpr int kInspectionPointPercent = 8;
// Steps that move the first complaint of a pair to CLOSED (accept, resolve, callback), and
// reads again when a step finds it changed meanwhile.
constexpr int kMaxSteps = 3;
constexpr int kMaxRereads = 3;

dv1::SubmitComplaintRequest PointComplaint(const dv1::MonitoredObject& point,
                                           const std::string& request_id, dv1::Channel channel,
                                           const std::string& text, demo::Random& rng) {
  dv1::SubmitComplaintRequest request;
  request.set_request_id(request_id);
  dv1::Complaint* c = request.mutable_complaint();
  c->set_category(dv1::COMPLAINT_CATEGORY_COOKING_FUMES);
  c->set_channel(channel);
  *c->mutable_region() = point.region();
  if (point.has_location()) *c->mutable_location() = point.location();
  c->set_address(point.address());
  c->set_description(absl::StrCat(point.name(), text, "（演示数据）"));
  c->mutable_reporter()->set_name(demo::AddressedName(rng));
  c->mutable_reporter()->set_phone(demo::MobilePhone(rng));
  return request;
}

// Takes the complaint one step towards CLOSED; false when it is closed (or not open at all).
absl::StatusOr<bool> Close(Complaints& complaints, const auth::Principal& actor,
                           dv1::Complaint& c) {
  switch (c.status()) {
    case dv1::COMPLAINT_STATUS_DISPATCHED: {
      dv1::AcceptComplaintRequest request;
      request.set_id(c.id());
      request.set_etag(c.etag());
      dv1::AcceptComplaintResponse response;
      GOV_RETURN_IF_ERROR(complaints.Accept(actor, request, &response));
      c = std::move(*response.mutable_complaint());
      return true;
    }
    case dv1::COMPLAINT_STATUS_HANDLING: {
      dv1::ResolveComplaintRequest request;
      request.set_id(c.id());
      request.set_etag(c.etag());
      request.set_outcome(dv1::RESOLUTION_OUTCOME_RESOLVED);
      request.set_resolution("督促安装油烟净化设施并定期清洗，复查达标（演示数据）");
      dv1::ResolveComplaintResponse response;
      GOV_RETURN_IF_ERROR(complaints.Resolve(actor, request, &response));
      c = std::move(*response.mutable_complaint());
      return true;
    }
    case dv1::COMPLAINT_STATUS_RESOLVED: {
      dv1::RecordCallbackRequest request;
      request.set_id(c.id());
      request.set_etag(c.etag());
      request.set_satisfaction(dv1::SATISFACTION_SATISFIED);
      request.set_note("投诉人认可处置结果（演示数据）");
      dv1::RecordCallbackResponse response;
      GOV_RETURN_IF_ERROR(complaints.Callback(actor, request, &response));
      c = std::move(*response.mutable_complaint());
      return true;
    }
    default:
      return false;
  }
}

}  // namespace

// Each point's months are drawn from its device id (the same on every run and in every store);
// the request ids name the device and the month, so a reload finds what it took in before and
// only moves on what is still open.
absl::Status LoadControlPointDemo(Complaints& complaints, const registry::Registry& objects,
                                  const server::TrackDeps& deps) {
  const absl::Time now = deps.clock->Now();
  const absl::CivilMonth current(cal::LocalDay(now));
  store::EntityFilter filter;
  filter.key = registry::KindStatusKey(EnumKey(dv1::MONITORED_OBJECT_KIND_FUME_RESTAURANT),
                                       EnumKey(dv1::MONITORED_OBJECT_STATUS_ACTIVE));
  GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows,
                       objects.AllRows(std::move(filter)));
  std::vector<dv1::MonitoredObject> points;
  for (const store::EntityRecord& row : rows) {
    GOV_ASSIGN_OR_RETURN(dv1::MonitoredObject object, objects.Decode<dv1::MonitoredObject>(row));
    if (AnyControlFlag(object.control_point())) points.push_back(std::move(object));
  }
  std::sort(points.begin(), points.end(), [](const auto& a, const auto& b) {
    return a.fume_monitor().device_id() < b.fume_monitor().device_id();
  });

  const auth::Principal actor = auth::SystemPrincipal(kDemoActor);
  int pairs = 0;
  int repeats = 0;
  for (const dv1::MonitoredObject& point : points) {
    const std::string& device = point.fume_monitor().device_id();
    const int percent =
        point.control_point().repeat_complaint() ? kRepeatPointPercent : kInspectionPointPercent;
    for (int offset = -kDemoMonthsBack; offset <= 0; ++offset) {
      const absl::CivilMonth month = current + offset;
      demo::Random rng(demo::StableSeed(absl::StrCat("point/", device, "/", MonthText(month))));
      if (!rng.Percent(percent)) continue;
      const absl::Time at =
          demo::LocalTime(absl::CivilDay(month) + rng.Int(0, 24), rng.Int(8, 20), rng.Int(0, 59));
      const absl::Time again =
          at + absl::Hours(24 * rng.Int(1, 4)) + absl::Minutes(rng.Int(10, 300));
      if (again >= now) continue;
      const std::string id = absl::StrCat("demo-point-", device, "-", MonthText(month));
      const dv1::SubmitComplaintRequest first =
          PointComplaint(point, id, dv1::CHANNEL_HOTLINE, "油烟扰民，影响周边住户", rng);
      const dv1::SubmitComplaintRequest second = PointComplaint(
          point, absl::StrCat(id, "-repeat"), dv1::CHANNEL_APP, "油烟问题再次出现", rng);
      absl::StatusOr<cases::Case> taken = complaints.TakeIn(actor, first, at);
      if (absl::IsAlreadyExists(taken.status())) continue;  // changed since by a user: kept
      GOV_RETURN_IF_ERROR(taken.status());
      GOV_ASSIGN_OR_RETURN(dv1::Complaint original, complaints.Summary(*taken));
      absl::StatusOr<cases::Case> repeated = complaints.TakeIn(actor, second, again);
      if (!repeated.ok() && !absl::IsAlreadyExists(repeated.status())) return repeated.status();
      ++pairs;
      if (repeated.ok() && repeated->record.status == EnumKey(dv1::COMPLAINT_STATUS_REPEAT)) {
        ++repeats;
      }
      for (int step = 0, rereads = 0; step < kMaxSteps;) {
        absl::StatusOr<bool> moved = Close(complaints, actor, original);
        if (absl::IsAborted(moved.status()) && ++rereads <= kMaxRereads) {
          // The repeat's mark on it came in between: read it again.
          dv1::GetComplaintRequest get;
          get.set_id(original.id());
          dv1::GetComplaintResponse read;
          GOV_RETURN_IF_ERROR(complaints.Get(actor, get, &read));
          original = std::move(*read.mutable_complaint());
          continue;
        }
        GOV_RETURN_IF_ERROR(moved.status());
        if (!*moved) break;
        ++step;
      }
    }
  }
  log::Info("demo control point complaints ready", {{"points", absl::StrCat(points.size())},
                                                    {"pairs", absl::StrCat(pairs)},
                                                    {"repeats", absl::StrCat(repeats)}});
  return absl::OkStatus();
}

}  // namespace gov::disorder
