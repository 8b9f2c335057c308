#ifndef GOV_TESTS_SUPPORT_TRACK_TOKENS_H_
#define GOV_TESTS_SUPPORT_TRACK_TOKENS_H_

#include <string>
#include <vector>

namespace gov::testing {

// A token of a track's token file, as the test harnesses write it.
struct TestToken {
  std::string token;
  std::string principal;
  std::string role;
  std::vector<std::string> streets;  // empty = the whole district
};

// A token file (governance.config.v1.TokenFile JSON) granting each of `tokens` its role on its
// streets, until 2099.
std::string TokenFileJson(const std::vector<TestToken>& tokens);

}  // namespace gov::testing

#endif  // GOV_TESTS_SUPPORT_TRACK_TOKENS_H_
