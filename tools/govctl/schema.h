#ifndef GOV_TOOLS_GOVCTL_SCHEMA_H_
#define GOV_TOOLS_GOVCTL_SCHEMA_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"

namespace gov::govctl {

// Full name of the service every track serves beside its own.
inline constexpr char kIndicatorsService[] = "governance.v1.IndicatorsService";
// The package of the kit's services, served on a track's port beside its own: IndicatorsService
// by every track, the others (MeetingsService) by the tracks that declare them.
inline constexpr char kKitPackage[] = "governance.v1";

// The kit's services, IndicatorsService first.
std::vector<const google::protobuf::ServiceDescriptor*> KitServices();

// Every service of the shared schema compiled into this binary, ordered by full name. The list
// of schema files is taken from protos/ at configure time, so a new track's proto shows up
// without a change here.
std::vector<const google::protobuf::ServiceDescriptor*> AllServices();

// The track's own service: the one in package "governance.<track>.v1". NOT_FOUND when the
// schema has none.
absl::StatusOr<const google::protobuf::ServiceDescriptor*> TrackService(absl::string_view track);

// A method callable on a track's port: `name` is a method name ("GetDispute"), a qualified one
// ("MediationService.GetDispute") or a full one ("governance.mediation.v1.MediationService.
// GetDispute"). The track's own service is searched first, then the kit's (KitServices).
// NOT_FOUND when none has it.
absl::StatusOr<const google::protobuf::MethodDescriptor*> FindTrackMethod(absl::string_view track,
                                                                          absl::string_view name);

// Text of `govctl services`: each service with its methods and their message types.
std::string ServicesText();

// Text of `govctl access <track>`: who may call each method the track serves (its own service,
// then the kit's), from the methods' (governance.v1.access) options: one row a method,
// one column a role (the shared ones, then those the track's methods name), "yes" where the
// role may call, and the scope ("streets": callers of some streets too, limited to them;
// "district": district-wide callers only). NOT_FOUND for a track without a service; INTERNAL
// when a method declares no access (its server would refuse to start).
absl::StatusOr<std::string> AccessText(absl::string_view track, bool json);

// Text of `govctl describe`: `name` is a method (short, qualified or full) or a message (short or
// full). Shows the request's fields with their types, nested messages expanded, enum values
// listed. NOT_FOUND when nothing matches; INVALID_ARGUMENT when a short name is ambiguous.
absl::StatusOr<std::string> DescribeText(absl::string_view name);

}  // namespace gov::govctl

#endif  // GOV_TOOLS_GOVCTL_SCHEMA_H_
