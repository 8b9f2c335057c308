#ifndef GOV_SERVICES_POLICING_VALIDATION_H_
#define GOV_SERVICES_POLICING_VALIDATION_H_

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/regions/regions.h"
#include "governance/policing/v1/policing.pb.h"

// Input checks of the policing API that need nothing but the request, the region registry and
// the time. Every error is INVALID_ARGUMENT naming the field (gov::InvalidField), and every
// check runs before anything is read or written for the call (or, in a batch, the record).
namespace gov::policing {

namespace pv1 = ::governance::policing::v1;

inline constexpr size_t kMaxIncidentNumber = 64;
// Limits of the free texts, in characters (Unicode code points).
inline constexpr size_t kMaxSummary = 2000;
inline constexpr size_t kMaxAddress = 200;
inline constexpr int kMaxBatch = 500;
// The first year an occurrence may fall in (district time).
inline constexpr int kMinYear = 2000;

// An incident number: 1 to kMaxIncidentNumber characters of ASCII letters, digits, '-' and '_'.
absl::Status ValidateIncidentNumber(const std::string& number, const std::string& field);

// An incident to ingest, its fields named under `field` ("incident", "incidents[3]"): number,
// type, occur_time (set, a valid timestamp, from kMinYear on, not after `now`), region (street
// required; community and grid checked against the registry), summary and address within their
// limits. Output fields are ignored. The number is checked first, so a record refused for
// anything else still has a number to report.
absl::Status ValidateIncident(const pv1::Incident& incident, const std::string& field,
                              absl::Time now, const regions::RegionRegistry& regions);

}  // namespace gov::policing

#endif  // GOV_SERVICES_POLICING_VALIDATION_H_
