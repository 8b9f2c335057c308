#ifndef GOV_SERVICES_MEDIATION_MODEL_H_
#define GOV_SERVICES_MEDIATION_MODEL_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "common/util/proto.h"
#include "google/protobuf/timestamp.pb.h"
#include "governance/mediation/v1/mediation.pb.h"

// The mediation track's vocabulary: the keys its enums are stored under, their Chinese names,
// and the conversion between a stored case and the Dispute message.
namespace gov::mediation {

namespace mv1 = ::governance::mediation::v1;

// Enums are stored under their keys (gov::EnumKey / gov::EnumFromKey in common/util/proto.h:
// "FAMILY" for DISPUTE_CATEGORY_FAMILY), so the store, the counts and the metrics stay readable
// and do not depend on the enum numbers.

// Chinese display name of a category key ("FAMILY" -> "婚姻家庭"); the key itself when unknown.
std::string CategoryNameZh(const std::string& key);

// The part of a Dispute the track stores as the case payload: everything the client gave and
// the mediation work (mediator, sessions, outcome), but none of the fields the engine owns
// (id, state, body, due time, breach flag, etag, times, history).
mv1::Dispute StoredPart(const mv1::Dispute& dispute);

// A Dispute from a case: the stored payload plus the engine's fields, and the history when the
// case carries it. DATA_LOSS when the payload cannot be read.
absl::StatusOr<mv1::Dispute> DisputeFromCase(const cases::Case& c);

// True when the principal handles disputes (district_admin, street_operator, mediator) and so
// may see the parties' personal data.
bool SeesPersonalData(const auth::Principal& who);

// Clears everything that may hold personal data (parties' names and phones, and the free
// texts, which are written by people and may name them) for callers without a handling role.
void RedactPersonalData(mv1::Dispute& dispute);

}  // namespace gov::mediation

#endif  // GOV_SERVICES_MEDIATION_MODEL_H_
