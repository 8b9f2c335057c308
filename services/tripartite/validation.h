#ifndef GOV_SERVICES_TRIPARTITE_VALIDATION_H_
#define GOV_SERVICES_TRIPARTITE_VALIDATION_H_

#include <cstddef>

// Limits of the tripartite API's texts, in characters; every check is INVALID_ARGUMENT naming
// the field (gov::InvalidField) and runs before anything is read or written for the call.
namespace gov::tripartite {

inline constexpr size_t kMaxName = 200;   // names, titles, addresses, companies
inline constexpr size_t kMaxShort = 100;  // units, references, parties
inline constexpr size_t kMaxPerson = 50;  // a person's name
inline constexpr size_t kMaxText = 2000;  // descriptions, notes, reasons

}  // namespace gov::tripartite

#endif  // GOV_SERVICES_TRIPARTITE_VALIDATION_H_
