#ifndef GOV_COMMON_PRIVACY_PERSONAL_FIELDS_H_
#define GOV_COMMON_PRIVACY_PERSONAL_FIELDS_H_

#include <string>
#include <vector>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

// The fields of the schema marked (governance.v1.personal) (privacy.proto), found and cleared by
// reflection, in nested and repeated messages too.
namespace gov::privacy {

// Whether a message of this type can hold personal data: a field of it, or of a message type
// reachable from it, is marked. Computed once a type.
bool CanHoldPersonalData(const google::protobuf::Descriptor* type);

// The personal data a message carries: whether any marked field holds something, and the ids of
// the records that hold it (the string field `id` of the nearest message, itself or one around
// it, that has one set), in the order found, each once.
struct PersonalData {
  bool any = false;
  std::vector<std::string> records;
};
PersonalData FindPersonalData(const google::protobuf::Message& message);

// Clears every marked field; returns how many held something.
int ClearPersonalFields(google::protobuf::Message& message);

}  // namespace gov::privacy

#endif  // GOV_COMMON_PRIVACY_PERSONAL_FIELDS_H_
