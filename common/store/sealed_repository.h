#ifndef GOV_COMMON_STORE_SEALED_REPOSITORY_H_
#define GOV_COMMON_STORE_SEALED_REPOSITORY_H_

#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "common/store/data_keys.h"
#include "common/store/repository.h"

// Personal data at rest: a Repository that seals what people wrote and who they are on the way
// into another one and opens it on the way out (common/store/data_keys.h). Sealed: the payload of
// every case, registry entity and figure (the track's message: the fields marked
// (governance.v1.personal) are in it), the note of every history entry and figure, and the
// purpose of every read of personal data (what its caller said it was for). Left as
// they are: the columns the stores query, sort and count by (ids, streets, communities, units,
// categories, statuses, times, actions), none of which holds personal data, and request hashes.
//
// Without a key ring (keys == nullptr) values are written as they are; sealed values read back
// are FAILED_PRECONDITION. Values written before the ring existed are read as they are, so a
// store can be put under a ring and re-sealed (`govbackup rekey`) while it runs.
namespace gov::store {

std::unique_ptr<Repository> SealPersonalData(std::unique_ptr<Repository> inner,
                                             std::shared_ptr<const DataKeys> keys);

// The places values are sealed for: a sealed value opens only in its own place.
std::string CasePayloadPlace(absl::string_view track);
std::string HistoryNotePlace(absl::string_view track);
std::string EntityPayloadPlace(absl::string_view track);
std::string FigurePayloadPlace(absl::string_view track);
std::string FigureNotePlace(absl::string_view track);
std::string ReadPurposePlace(absl::string_view track);

}  // namespace gov::store

#endif  // GOV_COMMON_STORE_SEALED_REPOSITORY_H_
