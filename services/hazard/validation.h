#ifndef GOV_SERVICES_HAZARD_VALIDATION_H_
#define GOV_SERVICES_HAZARD_VALIDATION_H_

#include <cstddef>

// Limits of the hazard API's texts, in characters; every check is INVALID_ARGUMENT naming the
// field (gov::InvalidField) and runs before anything is read or written for the call.
namespace gov::hazard {

inline constexpr size_t kMaxName = 200;   // names, titles, addresses
inline constexpr size_t kMaxShort = 100;  // people, units, references, codes
inline constexpr size_t kMaxText = 2000;  // descriptions, notes

}  // namespace gov::hazard

#endif  // GOV_SERVICES_HAZARD_VALIDATION_H_
