#ifndef GOV_COMMON_UTIL_TLS_H_
#define GOV_COMMON_UTIL_TLS_H_

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/security/server_credentials.h"

// Transport security of the suite's gRPC ports and calls, from PEM files named by the settings
// --tls_cert, --tls_key, --tls_client_ca and --tls_ca (services, govctl; README "Transport
// security"). The files are checked when the credentials are made, so that a service refuses to
// start on a file it cannot use instead of failing every handshake later; afterwards gRPC's
// file watcher reads them again every `reload` interval, so rotated certificates are taken up
// without a restart (a rotation must replace the key and the certificate together, as a
// Kubernetes Secret volume does; a read that fails keeps the last good files).
namespace gov::tls {

// What a gRPC port serves with.
struct ServerFiles {
  std::string cert;       // --tls_cert: certificate chain, leaf first
  std::string key;        // --tls_key: the leaf's private key, unencrypted
  std::string client_ca;  // --tls_client_ca: CAs of accepted client certificates; "" = none asked
};

// What a client (peer calls, govctl) connects with.
struct ClientFiles {
  std::string ca;    // --tls_ca: CAs the server's certificate must chain to
  std::string cert;  // --tls_cert: client certificate chain; "" = none presented
  std::string key;   // --tls_key: its private key
};

// Whether any of the server's files is set (the port serves TLS).
bool Enabled(const ServerFiles& files);

// Checks the files of a TLS port: --tls_cert and --tls_key both set (INVALID_ARGUMENT when one is
// missing, or when --tls_client_ca is set without them); each file readable
// (FAILED_PRECONDITION naming the setting and the path), the certificates and the bundle PEM
// certificates, the key a PEM private key that is not encrypted and matches the first
// certificate. OK when none is set (plaintext).
absl::Status CheckServerFiles(const ServerFiles& files);

// Checks the files of a TLS client as CheckServerFiles does: --tls_ca readable and PEM
// certificates; --tls_cert and --tls_key both or neither, and matching. INVALID_ARGUMENT when
// --tls_cert/--tls_key are set without --tls_ca.
absl::Status CheckClientFiles(const ClientFiles& files);

// Credentials of a gRPC port: plaintext when no file is set; TLS with the certificate and key;
// with --tls_client_ca, mutual TLS: the handshake requires a client certificate that chains to
// one of those CAs. The files are checked first (CheckServerFiles) and read again every `reload`
// (at least a second).
absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> MakeServerCredentials(
    const ServerFiles& files, absl::Duration reload);

// Credentials of a channel: plaintext when files.ca is empty; else TLS, the server's certificate
// verified against files.ca and against the host name of the target (or of the channel argument
// grpc.ssl_target_name_override), presenting files.cert/files.key when set. Checked first
// (CheckClientFiles); read again every `reload`.
absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> MakeChannelCredentials(
    const ClientFiles& files, absl::Duration reload);

}  // namespace gov::tls

#endif  // GOV_COMMON_UTIL_TLS_H_
