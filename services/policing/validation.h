#ifndef GOV_SERVICES_POLICING_VALIDATION_H_
#define GOV_SERVICES_POLICING_VALIDATION_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "common/regions/regions.h"
#include "governance/policing/v1/policing.pb.h"

// The policing API's input rules beyond the shared ones (common/util/validate.h) that need
// nothing but the request, the region registry and the time. Every error is INVALID_ARGUMENT
// naming the field (gov::InvalidField), and every check runs before anything is read or written
// for the call (or, in a batch, the record).
namespace gov::policing {

namespace pv1 = ::governance::policing::v1;

// ---- Incidents ----

inline constexpr size_t kMaxIncidentNumber = 64;
// Limits of the free texts, in characters (Unicode code points).
inline constexpr size_t kMaxSummary = 2000;
inline constexpr size_t kMaxAddress = 200;
inline constexpr int kMaxBatch = 500;

// An incident number: 1 to kMaxIncidentNumber characters of ASCII letters, digits, '-' and '_'.
absl::Status ValidateIncidentNumber(const std::string& number, const std::string& field);

// An incident to ingest, its fields named under `field` ("incident", "incidents[3]"): number,
// type, occur_time (the shared rule, gov::ValidatePastTime at `now`), region (street required;
// community and grid checked against the registry), summary and address within their limits.
// Output fields are ignored. The number is checked first, so a record refused for anything else
// still has a number to report.
absl::Status ValidateIncident(const pv1::Incident& incident, const std::string& field,
                              absl::Time now, const regions::RegionRegistry& regions);

// GetIncidentStatistics: a valid period (or none), a grouping, known classes.
absl::Status ValidateStatisticsRequest(const pv1::GetIncidentStatisticsRequest& in);

// ---- Bulletins ----

// A period a bulletin may be for: a valid week, month or quarter.
absl::Status ValidateBulletinPeriod(const governance::v1::Period& p, const std::string& field);

// ---- Key areas ----

inline constexpr size_t kMaxReason = 500;
inline constexpr size_t kMaxPlanSummary = 2000;
inline constexpr size_t kMaxOwnerUnit = 100;
inline constexpr size_t kMaxOwnerName = 50;

// A region a listing may be for: a community, or a grid within it, with its street.
absl::Status ValidateKeyArea(const governance::v1::RegionRef& region,
                             const regions::RegionRegistry& regions);
// A remediation plan, its fields named under `field`: summary, owner unit and name within their
// limits, an optional target day (any real day, future ones included).
absl::Status ValidatePlan(const pv1::RemediationPlan& plan, const std::string& field);

// ---- Assets ----

inline constexpr size_t kMaxAssetName = 100;
inline constexpr int32_t kMaxMembers = 10000;

// An asset as registered or replaced (fields named "asset.<name>"; output fields — id, etag,
// times — are not looked at): kind, name, region (a community where the kind needs one, a grid
// for a grid's staff), status, the in-service day (required in service, optional once retired,
// refused before; not after `today`), and the fields of its kind.
absl::Status ValidateAsset(const pv1::Asset& asset, const regions::RegionRegistry& regions,
                           absl::CivilDay today);
// ListAssets' filters: a known kind and status, a street or community.
absl::Status ValidateAssetList(const pv1::ListAssetsRequest& in,
                               const regions::RegionRegistry& regions);

}  // namespace gov::policing

#endif  // GOV_SERVICES_POLICING_VALIDATION_H_
