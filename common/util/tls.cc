#include "common/util/tls.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/util/file.h"
#include "grpcpp/security/tls_certificate_provider.h"
#include "grpcpp/security/tls_certificate_verifier.h"
#include "grpcpp/security/tls_credentials_options.h"

namespace gov::tls {
namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using KeyPtr = std::unique_ptr<EVP_PKEY, KeyFree>;

// How a file is named in messages: the setting that names it, e.g. "--tls_key (GOV_TLS_KEY)".
std::string Setting(const char* flag) {
  return absl::StrCat("--", flag, " (GOV_", absl::AsciiStrToUpper(flag), ")");
}

// The reason OpenSSL gave for the last failure, and its error queue emptied.
std::string OpenSslReason() {
  const unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0) return "no PEM block found";
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

absl::StatusOr<std::string> Read(const char* flag, const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path, Setting(flag));
  if (!text.ok()) return absl::FailedPreconditionError(text.status().message());
  return text;
}

// Every certificate of a PEM file, at least one.
absl::StatusOr<std::vector<X509Ptr>> ReadCertificates(const char* flag, const std::string& path) {
  absl::StatusOr<std::string> text = Read(flag, path);
  if (!text.ok()) return text.status();
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(text->data(), static_cast<int>(text->size())));
  std::vector<X509Ptr> certs;
  ERR_clear_error();
  while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    certs.emplace_back(cert);
  }
  // The loop ends at the end of the data (no further PEM start line) or at a broken block.
  const unsigned long last = ERR_peek_last_error();
  const bool at_end =
      ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE;
  if (certs.empty() || (last != 0 && !at_end)) {
    return absl::FailedPreconditionError(
        absl::StrCat(Setting(flag), " ", path, ": not PEM certificates: ", OpenSslReason()));
  }
  ERR_clear_error();
  return certs;
}

// No passphrase: gRPC cannot use an encrypted key, and a service must never wait for a prompt.
int NoPassphrase(char*, int, int, void*) { return 0; }

absl::StatusOr<KeyPtr> ReadKey(const char* flag, const std::string& path) {
  absl::StatusOr<std::string> text = Read(flag, path);
  if (!text.ok()) return text.status();
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(text->data(), static_cast<int>(text->size())));
  ERR_clear_error();
  KeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, NoPassphrase, nullptr));
  if (key == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        Setting(flag), " ", path, ": not an unencrypted PEM private key: ", OpenSslReason()));
  }
  return key;
}

// The certificate chain and its key: both set, both readable, the key that of the first
// certificate.
absl::Status CheckPair(const std::string& cert_path, const std::string& key_path) {
  if (cert_path.empty() != key_path.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(cert_path.empty() ? Setting("tls_key") : Setting("tls_cert"), " is set but ",
                     cert_path.empty() ? Setting("tls_cert") : Setting("tls_key"),
                     " is not: a certificate and its private key go together"));
  }
  if (cert_path.empty()) return absl::OkStatus();
  absl::StatusOr<std::vector<X509Ptr>> certs = ReadCertificates("tls_cert", cert_path);
  if (!certs.ok()) return certs.status();
  absl::StatusOr<KeyPtr> key = ReadKey("tls_key", key_path);
  if (!key.ok()) return key.status();
  ERR_clear_error();
  if (X509_check_private_key(certs->front().get(), key->get()) != 1) {
    ERR_clear_error();
    return absl::FailedPreconditionError(absl::StrCat(Setting("tls_key"), " ", key_path,
                                                      " is not the private key of the certificate ",
                                                      Setting("tls_cert"), " ", cert_path));
  }
  return absl::OkStatus();
}

unsigned int ReloadSeconds(absl::Duration reload) {
  const int64_t seconds = absl::ToInt64Seconds(reload);
  return static_cast<unsigned int>(std::clamp<int64_t>(seconds, 1, 24 * 3600));
}

}  // namespace

bool Enabled(const ServerFiles& files) {
  return !files.cert.empty() || !files.key.empty() || !files.client_ca.empty();
}

absl::Status CheckServerFiles(const ServerFiles& files) {
  if (!Enabled(files)) return absl::OkStatus();
  if (files.cert.empty() && files.key.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        Setting("tls_client_ca"), " is set but ", Setting("tls_cert"), " and ", Setting("tls_key"),
        " are not: mutual TLS needs the server's own certificate"));
  }
  if (absl::Status pair = CheckPair(files.cert, files.key); !pair.ok()) return pair;
  if (!files.client_ca.empty()) {
    absl::StatusOr<std::vector<X509Ptr>> cas = ReadCertificates("tls_client_ca", files.client_ca);
    if (!cas.ok()) return cas.status();
  }
  return absl::OkStatus();
}

absl::Status CheckClientFiles(const ClientFiles& files) {
  if (files.ca.empty()) {
    if (!files.cert.empty() || !files.key.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "a client certificate (", Setting("tls_cert"), ", ", Setting("tls_key"),
          ") is presented only over TLS: set ", Setting("tls_ca"), " to verify the server with"));
    }
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<X509Ptr>> cas = ReadCertificates("tls_ca", files.ca);
  if (!cas.ok()) return cas.status();
  return CheckPair(files.cert, files.key);
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerFiles& files, absl::Duration reload) {
  if (!Enabled(files)) return grpc::InsecureServerCredentials();
  if (absl::Status ok = CheckServerFiles(files); !ok.ok()) return ok;
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      files.key, files.cert, files.client_ca, ReloadSeconds(reload));
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_identity_key_cert_pairs();
  if (files.client_ca.empty()) {
    options.set_cert_request_type(GRPC_SSL_DONT_REQUEST_CLIENT_CERTIFICATE);
  } else {
    options.watch_root_certs();
    options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  }
  std::shared_ptr<grpc::ServerCredentials> credentials =
      grpc::experimental::TlsServerCredentials(options);
  if (credentials == nullptr) {
    return absl::InternalError("gRPC refused the TLS server options");
  }
  return credentials;
}

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const ClientFiles& files, absl::Duration reload) {
  if (absl::Status ok = CheckClientFiles(files); !ok.ok()) return ok;
  if (files.ca.empty()) return grpc::InsecureChannelCredentials();
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      files.key, files.cert, files.ca, ReloadSeconds(reload));
  grpc::experimental::TlsChannelCredentialsOptions options;
  options.set_certificate_provider(provider);
  options.watch_root_certs();
  if (!files.cert.empty()) options.watch_identity_key_cert_pairs();
  options.set_verify_server_certs(true);
  // The chain alone would accept any server holding a certificate of the CA: the name checked
  // is the target's host (or grpc.ssl_target_name_override).
  options.set_certificate_verifier(
      std::make_shared<grpc::experimental::HostNameCertificateVerifier>());
  std::shared_ptr<grpc::ChannelCredentials> credentials =
      grpc::experimental::TlsCredentials(options);
  if (credentials == nullptr) {
    return absl::InternalError("gRPC refused the TLS channel options");
  }
  return credentials;
}

}  // namespace gov::tls
