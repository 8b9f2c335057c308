#include "services/policing/validation.h"

#include <string_view>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "common/cases/calendar.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"

namespace gov::policing {
namespace {

absl::Status ValidateOccurTime(const pv1::Incident& incident, const std::string& field,
                               absl::Time now) {
  if (!incident.has_occur_time()) return InvalidField(field, "required");
  const google::protobuf::Timestamp& ts = incident.occur_time();
  if (ts.nanos() < 0 || ts.nanos() > 999999999) {
    return InvalidField(field, "not a valid timestamp");
  }
  const absl::Time t = FromTimestamp(ts);
  if (t < absl::FromCivil(absl::CivilDay(kMinYear, 1, 1), cal::DistrictZone())) {
    return InvalidField(field, absl::StrCat("before ", kMinYear, "-01-01 (district time)"));
  }
  if (t > now) return InvalidField(field, "in the future");
  return absl::OkStatus();
}

}  // namespace

absl::Status ValidateIncidentNumber(const std::string& number, const std::string& field) {
  if (number.empty()) return InvalidField(field, "required");
  if (number.size() > kMaxIncidentNumber) {
    return InvalidField(field, absl::StrCat("at most ", kMaxIncidentNumber, " characters"));
  }
  for (char c : number) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
      return InvalidField(field, "only letters, digits, '-' and '_'");
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateIncident(const pv1::Incident& incident, const std::string& field,
                              absl::Time now, const regions::RegionRegistry& regions) {
  GOV_RETURN_IF_ERROR(
      ValidateIncidentNumber(incident.incident_number(), absl::StrCat(field, ".incident_number")));
  if (incident.type() == pv1::INCIDENT_TYPE_UNSPECIFIED) {
    return InvalidField(absl::StrCat(field, ".type"), "required");
  }
  if (!pv1::IncidentType_IsValid(incident.type())) {
    return InvalidField(absl::StrCat(field, ".type"), "not an incident type");
  }
  GOV_RETURN_IF_ERROR(ValidateOccurTime(incident, absl::StrCat(field, ".occur_time"), now));
  GOV_RETURN_IF_ERROR(regions.Validate(incident.region(), absl::StrCat(field, ".region")));
  GOV_RETURN_IF_ERROR(
      ValidateText(incident.summary(), absl::StrCat(field, ".summary"), kMaxSummary));
  return ValidateText(incident.address(), absl::StrCat(field, ".address"), kMaxAddress);
}

}  // namespace gov::policing
