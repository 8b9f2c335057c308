#ifndef GOV_COMMON_CASES_PAGE_TOKEN_H_
#define GOV_COMMON_CASES_PAGE_TOKEN_H_

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace gov::cases {

// Opaque page tokens (AIP-158) for keyset pagination.
//
// A token carries the cursor of the last row served (e.g. its create time and id) and is bound
// to the query it came from by a digest of `binding` (the filters, canonically encoded by the
// caller). It is sealed with an HMAC-SHA256 so that a token edited by hand, cut short, or
// replayed against another query is refused as INVALID_ARGUMENT naming `field`.
//
// The seal protects against mistakes and tampering, not against disclosure: the cursor is not
// secret, and the caller's scope is checked on every page anyway, so a forged cursor could at
// most move the position inside what the caller may already see.
std::string EncodePageToken(std::string_view binding, const std::vector<std::string>& cursor);

// The cursor of a token made by EncodePageToken with the same `binding`; INVALID_ARGUMENT
// naming `field` otherwise. Callers treat an empty token as "first page" before calling this.
absl::StatusOr<std::vector<std::string>> DecodePageToken(std::string_view token,
                                                         std::string_view binding,
                                                         std::string_view field = "page_token");

// A binding from a list's filters: each part length-prefixed, so that no two filter sets
// encode alike ("a|b" + "c" vs "a" + "b|c").
std::string PageBinding(std::initializer_list<std::string> parts);

// For lists keyed by one id (registries ordered by id): the id after which the page starts,
// "" for an empty token (the first page); INVALID_ARGUMENT "page_token" for a token that is not
// one of this query's.
absl::StatusOr<std::string> DecodeIdCursor(std::string_view token, std::string_view binding);

// Page size per AIP-158: negative is INVALID_ARGUMENT naming `field`, 0 means
// `default_size`, anything above `max_size` is lowered to it.
absl::StatusOr<int> PageSize(int requested, std::string_view field = "page_size",
                             int default_size = 50, int max_size = 500);

}  // namespace gov::cases

#endif  // GOV_COMMON_CASES_PAGE_TOKEN_H_
