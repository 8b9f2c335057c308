#ifndef GOV_COMMON_UTIL_DIGEST_H_
#define GOV_COMMON_UTIL_DIGEST_H_

#include <string>
#include <string_view>

namespace gov {

// SHA-256 of `data`: 32 raw bytes, or 64 lower-case hex digits. libcrypto computes it; a failure
// there means a broken library and aborts (nothing sensible can be keyed on a missing digest).
std::string Sha256(std::string_view data);
std::string Sha256Hex(std::string_view data);

}  // namespace gov

#endif  // GOV_COMMON_UTIL_DIGEST_H_
