#include "services/disorder/validation.h"

#include <cstdint>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/cases/calendar.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/disorder/rules.h"

namespace gov::disorder {
namespace {

// Limits of the API (characters, counts).
constexpr size_t kMaxComplaintAddress = 200;
constexpr size_t kMaxComplaintDescription = 2000;
constexpr size_t kMaxReporterName = 50;

constexpr size_t kMaxFindingAddress = 200;
constexpr size_t kMaxSubject = 100;
constexpr size_t kMaxFindingDescription = 2000;

constexpr size_t kMaxObjectName = 100;
constexpr size_t kMaxObjectAddress = 200;
constexpr size_t kMaxDeviceId = 64;

constexpr int kMaxReadingAgeDays = 7;
constexpr double kMaxConcentration = 1000;

constexpr size_t kMaxTitle = 100;
constexpr size_t kMaxPlan = 2000;
constexpr int kMaxAreas = 50;
constexpr int kMaxObjects = 200;
constexpr int32_t kMaxCount = 100000;
constexpr size_t kMaxSummary = 2000;
constexpr int kMinYear = 2000;
constexpr int kMonthsAhead = 12;

// ---- Monitored objects ----

absl::Status ValidateRegion(const dv1::MonitoredObject& object,
                            const regions::RegionRegistry& regions) {
  GOV_RETURN_IF_ERROR(regions.Validate(object.region(), "object.region"));
  const std::string& community = object.region().community_id();
  switch (object.kind()) {
    case dv1::MONITORED_OBJECT_KIND_PARKING_BLOCK:
    case dv1::MONITORED_OBJECT_KIND_NOISE_COMMUNITY:
      if (community.empty()) {
        return InvalidField("object.region.community_id",
                            absl::StrCat("required for a ", EnumKey(object.kind())));
      }
      break;
    case dv1::MONITORED_OBJECT_KIND_DEMONSTRATION_STREET:
      if (!community.empty()) {
        return InvalidField("object.region.community_id",
                            "not given for a DEMONSTRATION_STREET (a whole street)");
      }
      break;
    default:
      break;
  }
  return absl::OkStatus();
}

absl::Status ValidateLocation(const dv1::MonitoredObject& object) {
  if (!object.has_location()) return absl::OkStatus();
  return regions::ValidateLocation(object.location(), "object.location");
}

// Required when ACTIVE; when given, a real day not after today (district time).
absl::Status ValidateSinceDate(const dv1::MonitoredObject& object, absl::CivilDay today) {
  constexpr char kField[] = "object.since_date";
  const std::string& text = object.since_date();
  if (text.empty()) {
    if (object.status() == dv1::MONITORED_OBJECT_STATUS_ACTIVE) {
      return InvalidField(kField, "required for an ACTIVE object");
    }
    return absl::OkStatus();
  }
  GOV_RETURN_IF_ERROR(ValidateDay(text, kField));
  // Not after today, with no allowance: the indicators count an object from this day on, so a
  // day to come would count it before it is in the programme.
  const std::optional<absl::CivilDay> day = cal::ParseDay(text);  // set: a day by ValidateDay
  if (day.has_value() && *day > today) {
    return InvalidField(kField, "after today (district time)");
  }
  return absl::OkStatus();
}

absl::Status ValidateKindFields(const dv1::MonitoredObject& object) {
  if (object.kind() == dv1::MONITORED_OBJECT_KIND_FUME_RESTAURANT) {
    if (!object.has_fume_monitor()) {
      return InvalidField("object.fume_monitor", "required for a FUME_RESTAURANT");
    }
    const dv1::FumeMonitor& monitor = object.fume_monitor();
    GOV_RETURN_IF_ERROR(ValidateText(monitor.device_id(), "object.fume_monitor.device_id",
                                     kMaxDeviceId, /*required=*/true));
    const double limit = monitor.limit_mg_m3();
    if (limit != 0 && !(limit >= kMinFumeLimit && limit <= kMaxFumeLimit)) {
      return InvalidField(
          "object.fume_monitor.limit_mg_m3",
          absl::StrCat("0 (the rules' limit) or ", kMinFumeLimit, " to ", kMaxFumeLimit, " mg/m³"));
    }
  } else if (object.has_fume_monitor()) {
    return InvalidField("object.fume_monitor", "only for a FUME_RESTAURANT");
  }
  if (object.has_wage_systems() && object.kind() != dv1::MONITORED_OBJECT_KIND_CONSTRUCTION_SITE) {
    return InvalidField("object.wage_systems", "only for a CONSTRUCTION_SITE");
  }
  // The special control of cooking fumes is a restaurant's: a flag on another kind is named.
  if (object.kind() != dv1::MONITORED_OBJECT_KIND_FUME_RESTAURANT) {
    const dv1::ControlPoint& p = object.control_point();
    const char* flag = p.provincial_inspection()  ? "provincial_inspection"
                       : p.municipal_inspection() ? "municipal_inspection"
                       : p.repeat_complaint()     ? "repeat_complaint"
                                                  : nullptr;
    if (flag != nullptr) {
      return InvalidField(absl::StrCat("object.control_point.", flag),
                          "only for a FUME_RESTAURANT (special control of cooking fumes)");
    }
  }
  return absl::OkStatus();
}

// ---- Campaigns ----

absl::Status ValidateMonth(const std::string& text, absl::CivilMonth current) {
  constexpr char kField[] = "campaign.month";
  if (text.empty()) return InvalidField(kField, "required");
  const std::optional<absl::CivilMonth> month = ParseMonth(text);
  if (!month.has_value()) return InvalidField(kField, "not a month YYYY-MM");
  if (month->year() < kMinYear)
    return InvalidField(kField, absl::StrCat("before ", kMinYear, "-01"));
  if (*month > current + kMonthsAhead) {
    return InvalidField(
        kField, absl::StrCat("more than ", kMonthsAhead, " months after the current month (",
                             MonthText(current), ", district time)"));
  }
  return absl::OkStatus();
}

// 1 to 50 streets or communities, known to the regions registry, none twice and none inside
// another (a community whose street is a target area itself).
absl::Status ValidateAreas(const dv1::Campaign& c, const regions::RegionRegistry& regions) {
  constexpr char kField[] = "campaign.target_areas";
  if (c.target_areas().empty()) {
    return InvalidField(kField,
                        absl::StrCat("required: 1 to ", kMaxAreas, " streets or communities"));
  }
  if (c.target_areas_size() > kMaxAreas) {
    return InvalidField(kField, absl::StrCat("at most ", kMaxAreas, " target areas"));
  }
  absl::flat_hash_map<std::string, int> streets;      // whole-street targets
  absl::flat_hash_map<std::string, int> communities;  // community targets
  for (int i = 0; i < c.target_areas_size(); ++i) {
    const governance::v1::RegionRef& area = c.target_areas(i);
    const std::string field = absl::StrCat(kField, "[", i, "]");
    if (!area.grid_id().empty()) {
      return InvalidField(absl::StrCat(field, ".grid_id"),
                          "a target area is a street or a community, not a grid");
    }
    GOV_RETURN_IF_ERROR(regions.Validate(area, field));
    auto& seen = area.community_id().empty() ? streets : communities;
    const std::string& id = area.community_id().empty() ? area.street_id() : area.community_id();
    const auto [it, inserted] = seen.emplace(id, i);
    if (!inserted) {
      return InvalidField(field, absl::StrCat(id, " is target_areas[", it->second, "] already"));
    }
  }
  for (int i = 0; i < c.target_areas_size(); ++i) {
    const governance::v1::RegionRef& area = c.target_areas(i);
    if (area.community_id().empty()) continue;
    const auto it = streets.find(area.street_id());
    if (it != streets.end()) {
      return InvalidField(
          absl::StrCat(kField, "[", i, "]"),
          absl::StrCat("community ", area.community_id(), " lies in street ", area.street_id(),
                       ", which is target_areas[", it->second, "] as a whole"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateNewComplaint(const dv1::Complaint& c, const regions::RegionRegistry& regions) {
  if (c.category() == dv1::COMPLAINT_CATEGORY_UNSPECIFIED ||
      !dv1::ComplaintCategory_IsValid(c.category())) {
    return InvalidField("complaint.category", "required: one of the complaint categories");
  }
  if (c.channel() == dv1::CHANNEL_UNSPECIFIED || !dv1::Channel_IsValid(c.channel())) {
    return InvalidField("complaint.channel", "required: one of the channels");
  }
  GOV_RETURN_IF_ERROR(regions.Validate(c.region(), "complaint.region"));
  if (c.has_location()) {
    GOV_RETURN_IF_ERROR(regions::ValidateLocation(c.location(), "complaint.location"));
  }
  GOV_RETURN_IF_ERROR(ValidateText(c.address(), "complaint.address", kMaxComplaintAddress));
  GOV_RETURN_IF_ERROR(ValidateText(c.description(), "complaint.description",
                                   kMaxComplaintDescription, /*required=*/true));
  GOV_RETURN_IF_ERROR(
      ValidateText(c.reporter().name(), "complaint.reporter.name", kMaxReporterName));
  // The shared rule (the value never goes into the error: it is the reporter's).
  return ValidatePhone(c.reporter().phone(), "complaint.reporter.phone");
}

absl::Status ValidateNewFinding(const dv1::Enforcement& e, const regions::RegionRegistry& regions,
                                absl::Time now) {
  if (e.category() == dv1::COMPLAINT_CATEGORY_UNSPECIFIED ||
      !dv1::ComplaintCategory_IsValid(e.category())) {
    return InvalidField("enforcement.category", "required: one of the complaint categories");
  }
  GOV_RETURN_IF_ERROR(regions.Validate(e.region(), "enforcement.region"));
  if (e.has_location()) {
    GOV_RETURN_IF_ERROR(regions::ValidateLocation(e.location(), "enforcement.location"));
  }
  GOV_RETURN_IF_ERROR(ValidateText(e.address(), "enforcement.address", kMaxFindingAddress));
  GOV_RETURN_IF_ERROR(
      ValidateText(e.subject(), "enforcement.subject", kMaxSubject, /*required=*/true));
  GOV_RETURN_IF_ERROR(ValidateText(e.description(), "enforcement.description",
                                   kMaxFindingDescription, /*required=*/true));
  // The shared rule for when something happened: the patrol terminals' clocks may run up to
  // kMaxClockSkew ahead, as the engine allows for every occurrence (cases::kMaxOccurrenceSkew).
  GOV_RETURN_IF_ERROR(ValidatePastTime(e.found_time(), "enforcement.found_time", now));
  if (!e.complaint_id().empty()) {
    GOV_RETURN_IF_ERROR(ValidateId(e.complaint_id(), "enforcement.complaint_id"));
  }
  return absl::OkStatus();
}

absl::Status ValidateObject(const dv1::MonitoredObject& object,
                            const regions::RegionRegistry& regions, absl::CivilDay today) {
  if (object.kind() == dv1::MONITORED_OBJECT_KIND_UNSPECIFIED ||
      !dv1::MonitoredObjectKind_IsValid(object.kind())) {
    return InvalidField("object.kind", "required: one of the monitored object kinds");
  }
  GOV_RETURN_IF_ERROR(
      ValidateText(object.name(), "object.name", kMaxObjectName, /*required=*/true));
  GOV_RETURN_IF_ERROR(ValidateRegion(object, regions));
  GOV_RETURN_IF_ERROR(ValidateLocation(object));
  GOV_RETURN_IF_ERROR(ValidateText(object.address(), "object.address", kMaxObjectAddress));
  if (object.status() == dv1::MONITORED_OBJECT_STATUS_UNSPECIFIED ||
      !dv1::MonitoredObjectStatus_IsValid(object.status())) {
    return InvalidField("object.status", "required: one of the monitored object states");
  }
  GOV_RETURN_IF_ERROR(ValidateSinceDate(object, today));
  return ValidateKindFields(object);
}

absl::Status ValidateObjectList(const dv1::ListMonitoredObjectsRequest& in,
                                const regions::RegionRegistry& regions) {
  if (!dv1::MonitoredObjectKind_IsValid(in.kind())) {
    return InvalidField("kind", "not a monitored object kind");
  }
  if (!dv1::MonitoredObjectStatus_IsValid(in.status())) {
    return InvalidField("status", "not a monitored object state");
  }
  if (!in.region().grid_id().empty()) {
    return InvalidField("region.grid_id", "monitored objects are listed by street or community");
  }
  if (AnyControlFlag(in.control_point()) && in.kind() != dv1::MONITORED_OBJECT_KIND_UNSPECIFIED &&
      in.kind() != dv1::MONITORED_OBJECT_KIND_FUME_RESTAURANT) {
    return InvalidField("control_point",
                        "control points are fume restaurants; the kind asked for is another");
  }
  return regions.Validate(in.region(), "region", /*require_street=*/false);
}

absl::Status ValidateReading(const dv1::FumeReading& r, const std::string& prefix, absl::Time now) {
  GOV_RETURN_IF_ERROR(ValidateId(r.object_id(), prefix + ".object_id"));
  const std::string time_field = prefix + ".read_time";
  // The shared rule for when something happened: the monitors' clocks may run up to
  // kMaxClockSkew ahead.
  GOV_RETURN_IF_ERROR(ValidatePastTime(r.read_time(), time_field, now));
  const absl::Time t = FromTimestamp(r.read_time());
  if (t < now - absl::Hours(24 * kMaxReadingAgeDays)) {
    return InvalidField(time_field, "older than 7 days");
  }
  const double c = r.concentration_mg_m3();
  // Written so that NaN fails too.
  if (!(c >= 0 && c <= kMaxConcentration)) {
    return InvalidField(prefix + ".concentration_mg_m3",
                        absl::StrCat("must lie within 0..", kMaxConcentration, " mg/m³"));
  }
  return absl::OkStatus();
}

std::optional<absl::CivilMonth> ParseMonth(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  for (int i : {0, 1, 2, 3, 5, 6}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
  }
  const int year =
      (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
  const int month = (text[5] - '0') * 10 + (text[6] - '0');
  if (month < 1 || month > 12) return std::nullopt;
  return absl::CivilMonth(year, month);
}

std::string MonthText(absl::CivilMonth month) {
  return absl::StrFormat("%04d-%02d", month.year(), month.month());
}

absl::Status ValidateCampaign(const dv1::Campaign& c, const regions::RegionRegistry& regions,
                              absl::CivilMonth current) {
  GOV_RETURN_IF_ERROR(ValidateMonth(c.month(), current));
  if (c.category() == dv1::COMPLAINT_CATEGORY_UNSPECIFIED ||
      !dv1::ComplaintCategory_IsValid(c.category())) {
    return InvalidField("campaign.category", "required: one of the complaint categories");
  }
  GOV_RETURN_IF_ERROR(ValidateText(c.title(), "campaign.title", kMaxTitle, /*required=*/true));
  GOV_RETURN_IF_ERROR(ValidateText(c.plan(), "campaign.plan", kMaxPlan));
  GOV_RETURN_IF_ERROR(ValidateAreas(c, regions));
  constexpr char kObjects[] = "campaign.target_object_ids";
  if (c.target_object_ids_size() > kMaxObjects) {
    return InvalidField(kObjects, absl::StrCat("at most ", kMaxObjects, " monitored objects"));
  }
  absl::flat_hash_map<std::string, int> seen;
  for (int i = 0; i < c.target_object_ids_size(); ++i) {
    const std::string field = absl::StrCat(kObjects, "[", i, "]");
    GOV_RETURN_IF_ERROR(ValidateId(c.target_object_ids(i), field));
    const auto [it, inserted] = seen.emplace(c.target_object_ids(i), i);
    if (!inserted) {
      return InvalidField(field, absl::StrCat(c.target_object_ids(i), " is target_object_ids[",
                                              it->second, "] already"));
    }
  }
  return absl::OkStatus();
}

// Every targeted object exists, is not REMOVED and lies in a street of the target areas.
absl::Status ValidateResults(const dv1::CompleteCampaignRequest& in) {
  if (!in.has_results()) return InvalidField("results", "required");
  const dv1::CampaignResults& r = in.results();
  const struct {
    int32_t value;
    const char* field;
  } counts[] = {{r.inspections(), "results.inspections"},
                {r.problems_found(), "results.problems_found"},
                {r.problems_fixed(), "results.problems_fixed"},
                {r.penalised(), "results.penalised"}};
  for (const auto& count : counts) {
    if (count.value < 0 || count.value > kMaxCount) {
      return InvalidField(count.field, absl::StrCat("must be 0..", kMaxCount));
    }
  }
  if (r.problems_fixed() > r.problems_found()) {
    return InvalidField("results.problems_fixed", "more than the problems found");
  }
  if (r.penalised() > r.problems_found()) {
    return InvalidField("results.penalised", "more than the problems found");
  }
  return ValidateText(r.summary(), "results.summary", kMaxSummary, /*required=*/true);
}

absl::Status ValidateCampaignList(const dv1::ListCampaignsRequest& in,
                                  const regions::RegionRegistry& regions) {
  if (!in.month().empty() && !ParseMonth(in.month()).has_value()) {
    return InvalidField("month", "not a month YYYY-MM");
  }
  if (!dv1::ComplaintCategory_IsValid(in.category())) {
    return InvalidField("category", "not a complaint category");
  }
  if (!dv1::CampaignStatus_IsValid(in.status())) {
    return InvalidField("status", "not a campaign status");
  }
  if (!in.street_id().empty() && !regions.HasStreet(in.street_id())) {
    return InvalidField("street_id", absl::StrCat("unknown street \"", in.street_id(), "\""));
  }
  return absl::OkStatus();
}

}  // namespace gov::disorder
