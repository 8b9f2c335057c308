#include "common/util/digest.h"

#include <openssl/evp.h>

#include <array>
#include <cstdio>
#include <cstdlib>

#include "absl/strings/escaping.h"
#include "absl/strings/string_view.h"

namespace gov {

std::string Sha256(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
  unsigned int size = 0;
  if (EVP_Digest(data.data(), data.size(), md.data(), &size, EVP_sha256(), nullptr) != 1) {
    std::fputs("fatal: SHA-256 failed in libcrypto\n", stderr);
    std::abort();
  }
  return std::string(reinterpret_cast<const char*>(md.data()), size);
}

std::string Sha256Hex(std::string_view data) {
  const std::string raw = Sha256(data);
  return absl::BytesToHexString(absl::string_view(raw.data(), raw.size()));
}

}  // namespace gov
