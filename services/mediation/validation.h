#ifndef GOV_SERVICES_MEDIATION_VALIDATION_H_
#define GOV_SERVICES_MEDIATION_VALIDATION_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/regions/regions.h"
#include "common/util/validate.h"
#include "governance/mediation/v1/mediation.pb.h"

// Input checks of the mediation API that need nothing but the request (and the region
// registry and the time). Every error is INVALID_ARGUMENT naming the field (gov::InvalidField),
// and every check runs before anything is read or written for the call.
namespace gov::mediation {

namespace mv1 = ::governance::mediation::v1;

// Limits, in characters (Unicode code points), of free-text fields.
inline constexpr size_t kMaxSummary = 2000;
inline constexpr size_t kMaxNote = 2000;
inline constexpr size_t kMaxName = 100;
inline constexpr size_t kMaxBodyName = 200;
inline constexpr size_t kMaxTopic = 200;
inline constexpr size_t kMaxLocation = 200;
inline constexpr int kMaxParties = 50;
// Years a year filter may name: those a time in a request may fall in (gov::ValidatePastTime:
// 2000-01-01 up to 2100-01-01), so that a filter names no year nothing can be filed under.
inline constexpr int kMinYear = 2000;
inline constexpr int kMaxYear = 2099;

// A dispute to take in (CreateDisputeRequest.dispute): category, channel, region (street
// required), at least one applicant, each party with a role and name and a phone by the shared
// rule (gov::ValidatePhone; optional), summary within limits, amount not negative. Output fields
// are ignored.
absl::Status ValidateNewDispute(const mv1::Dispute& dispute,
                                const regions::RegionRegistry& regions);

// A session to record: hold_time by the shared rule for when something happened
// (gov::ValidatePastTime at `now`); location and note within limits.
absl::Status ValidateSession(const mv1::MediationSession& session, absl::Time now,
                             const std::string& field);

// A body to register: kind, name, and the place the kind needs (see validation.cc).
absl::Status ValidateNewBody(const mv1::MediatingBody& body,
                             const regions::RegionRegistry& regions);

// A mediator to register: body_id and name.
absl::Status ValidateNewMediator(const mv1::Mediator& mediator);

// A training to record: level with the street it needs, hold_time by the shared rule for when
// something happened (gov::ValidatePastTime at `now`), topic, attendees not negative.
absl::Status ValidateNewTraining(const mv1::TrainingSession& training, absl::Time now,
                                 const regions::RegionRegistry& regions);

}  // namespace gov::mediation

#endif  // GOV_SERVICES_MEDIATION_VALIDATION_H_
