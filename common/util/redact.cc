#include "common/util/redact.h"

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace gov {
namespace {

// key=value form: every `password = value` (value plain or single-quoted) -> password=***.
std::string RedactKeyValues(absl::string_view s) {
  std::string out;
  size_t i = 0;
  const size_t n = s.size();
  while (i < n) {
    if (absl::ascii_isspace(static_cast<unsigned char>(s[i]))) {
      out.push_back(s[i++]);
      continue;
    }
    const size_t key_start = i;
    while (i < n && s[i] != '=' && !absl::ascii_isspace(static_cast<unsigned char>(s[i]))) ++i;
    absl::string_view key = s.substr(key_start, i - key_start);
    size_t j = i;
    while (j < n && absl::ascii_isspace(static_cast<unsigned char>(s[j]))) ++j;
    if (j >= n || s[j] != '=') {
      // Not a key=value pair (the string will not parse anyway): keep the word.
      absl::StrAppend(&out, s.substr(key_start, j - key_start));
      i = j;
      continue;
    }
    ++j;
    while (j < n && absl::ascii_isspace(static_cast<unsigned char>(s[j]))) ++j;
    const size_t value_start = j;
    if (j < n && s[j] == '\'') {
      ++j;
      while (j < n && s[j] != '\'') j += (s[j] == '\\' && j + 1 < n) ? 2 : 1;
      if (j < n) ++j;  // the closing quote
    } else {
      while (j < n && !absl::ascii_isspace(static_cast<unsigned char>(s[j]))) {
        j += (s[j] == '\\' && j + 1 < n) ? 2 : 1;
      }
    }
    if (absl::AsciiStrToLower(key) == "password") {
      absl::StrAppend(&out, key, "=***");
    } else {
      absl::StrAppend(&out, s.substr(key_start, value_start - key_start),
                      s.substr(value_start, j - value_start));
    }
    i = j;
  }
  return out;
}

}  // namespace

std::string RedactDatabaseUrl(absl::string_view url) {
  size_t scheme = url.find("://");
  if (!(absl::StartsWith(url, "postgresql://") || absl::StartsWith(url, "postgres://"))) {
    return RedactKeyValues(url);
  }
  const size_t authority = scheme + 3;
  const size_t query = url.find('?', authority);
  absl::string_view before_query = url.substr(0, query);
  std::string out;
  // The userinfo ends at the last '@' (a password may hold unescaped '/' or '@'; erring this
  // way redacts more, never less).
  size_t at = before_query.rfind('@');
  size_t colon = before_query.find(':', authority);
  if (at != absl::string_view::npos && at >= authority && colon != absl::string_view::npos &&
      colon < at) {
    out = absl::StrCat(before_query.substr(0, colon + 1), "***", before_query.substr(at));
  } else {
    out = std::string(before_query);
  }
  if (query != absl::string_view::npos) {
    std::vector<std::string> params;
    for (absl::string_view p : absl::StrSplit(url.substr(query + 1), '&')) {
      if (absl::StartsWithIgnoreCase(p, "password=")) {
        params.push_back("password=***");
      } else {
        params.emplace_back(p);
      }
    }
    absl::StrAppend(&out, "?", absl::StrJoin(params, "&"));
  }
  return out;
}

}  // namespace gov
