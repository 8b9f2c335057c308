#ifndef GOV_COMMON_CASES_PAGE_TOKEN_H_
#define GOV_COMMON_CASES_PAGE_TOKEN_H_

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

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

// A page of a directory held in memory (a rules file's units): `items` ordered by their id(),
// the page after the token's id, at most the requested size; appends to `page` (the response's
// repeated field) and returns the next page's token ("" on the last page). `list` names the
// directory in the token's binding, so that a token of one directory is refused by another.
template <typename Item, typename Page>
absl::StatusOr<std::string> PageOfDirectory(std::vector<Item> items, const std::string& list,
                                            int requested_size, std::string_view token,
                                            Page* page) {
  absl::StatusOr<int> size = PageSize(requested_size);
  if (!size.ok()) return size.status();
  const std::string binding = PageBinding({list});
  absl::StatusOr<std::string> after = DecodeIdCursor(token, binding);
  if (!after.ok()) return after.status();
  std::sort(items.begin(), items.end(),
            [](const Item& a, const Item& b) { return a.id() < b.id(); });
  int served = 0;
  for (Item& item : items) {
    if (!after->empty() && item.id() <= *after) continue;
    if (served == *size) return EncodePageToken(binding, {page->rbegin()->id()});
    *page->Add() = std::move(item);
    ++served;
  }
  return std::string();
}

// For lists read whole and ordered here by a rank and then the id (a few rows: meetings,
// trainings), e.g. a time in nanoseconds, negated for newest first.
struct RankKey {
  int64_t rank = 0;
  std::string id;
  bool operator<(const RankKey& o) const { return rank != o.rank ? rank < o.rank : id < o.id; }
};

// The (rank, id) after which the page starts; nullopt for an empty token (the first page);
// INVALID_ARGUMENT "page_token" for a token that is not one of this query's.
absl::StatusOr<std::optional<RankKey>> DecodeRankCursor(std::string_view token,
                                                        std::string_view binding);

// The page of `items` after `after` (DecodeRankCursor) in (rank, id) order, at most `size`;
// appends them to `page` (the response's repeated field) and returns the next page's token ("" on
// the last page), bound to `binding`. Keyset paging: rows added meanwhile are neither served
// twice nor skipped.
template <typename Item, typename Page>
std::string PageOfRanked(std::vector<std::pair<RankKey, Item>> items,
                         const std::optional<RankKey>& after, std::string_view binding, int size,
                         Page* page) {
  std::sort(items.begin(), items.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  const RankKey* last = nullptr;
  int served = 0;
  for (auto& [key, item] : items) {
    if (after.has_value() && !(*after < key)) continue;
    if (served == size) return EncodePageToken(binding, {absl::StrCat(last->rank), last->id});
    *page->Add() = std::move(item);
    last = &key;
    ++served;
  }
  return std::string();
}

}  // namespace gov::cases

#endif  // GOV_COMMON_CASES_PAGE_TOKEN_H_
