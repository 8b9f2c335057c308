// Transport security with real processes and real certificates (made here with the openssl
// CLI: a CA, a server certificate for 127.0.0.1/localhost, a client certificate, and a second,
// unrelated CA with certificates of its own):
//  - a service serving TLS answers a client that trusts its CA, and no plaintext client, no
//    client trusting another CA, no client expecting another host name; the bearer token is
//    still required over TLS; its plaintext health port serves health and nothing else;
//  - with --tls_client_ca (mutual TLS) a client without a certificate, or with one of another
//    CA, is refused at the handshake, and one with a certificate of the CA is served; govctl's
//    TLS flags (and their GOV_TLS_* variables) reach it;
//  - peer calls over mutual TLS: the digital track's cockpit reads the disorder track, and does
//    not when it presents no client certificate;
//  - a service refuses to start on a certificate without its key, a key of another
//    certificate, a file that does not exist, or a client CA without a certificate of its own;
//  - a certificate rotated on disk is served without a restart;
//  - PostgreSQL over TLS: a service on a server that accepts TLS only, with sslmode=verify-full
//    and a client certificate in its URL, migrates and serves, its connections encrypted and
//    authenticated by that certificate; with a root CA that did not sign the server's
//    certificate it refuses to start.

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/config/config.h"
#include "gmock/gmock.h"
#include "governance/digital/v1/digital.grpc.pb.h"
#include "governance/mediation/v1/mediation.grpc.pb.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "tests/support/health_client.h"
#include "tests/support/postgres_server.h"
#include "tests/support/process.h"
#include "tests/support/test_support.h"
#include "tests/support/track_process.h"

namespace gov::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kOpenssl[] = "/usr/bin/openssl";
constexpr char kPeerToken[] = "tls-test-peer-token-41b9";
constexpr absl::Duration kStartTimeout = absl::Seconds(90);

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream content;
  content << in.rdbuf();
  return content.str();
}

// The certificates of the test, made once for the whole suite.
class Certificates {
 public:
  static absl::StatusOr<std::unique_ptr<Certificates>> Make() {
    auto certs = std::unique_ptr<Certificates>(new Certificates());
    const std::string san_local = "subjectAltName=IP:127.0.0.1,DNS:localhost";
    for (absl::Status s : {
             certs->MakeCa("ca"),
             certs->MakeCa("other-ca"),
             // The services' own: served, and presented as the client certificate of peer calls.
             certs->MakeLeaf("server", "ca", san_local, "serverAuth,clientAuth"),
             certs->MakeLeaf("client", "ca", "subjectAltName=DNS:operator", "clientAuth"),
             certs->MakeLeaf("stranger", "other-ca", "subjectAltName=DNS:stranger", "clientAuth"),
             // What the server is rotated to: the same host names, the other CA.
             certs->MakeLeaf("rotated", "other-ca", san_local, "serverAuth"),
         }) {
      if (!s.ok()) return s;
    }
    return certs;
  }

  std::string Crt(const std::string& name) const { return dir_.File(name + ".crt"); }
  std::string Key(const std::string& name) const { return dir_.File(name + ".key"); }
  std::string Pem(const std::string& name) const { return ReadAll(Crt(name)); }
  std::string KeyPem(const std::string& name) const { return ReadAll(Key(name)); }

 private:
  Certificates() = default;

  absl::Status Run(std::vector<std::string> args) {
    args.insert(args.begin(), kOpenssl);
    absl::StatusOr<CommandResult> run = RunCommand(args, absl::Seconds(60));
    if (!run.ok()) return run.status();
    if (!run->status.ok()) {
      return absl::InternalError(
          absl::StrCat(absl::StrJoin(args, " "), ": ", run->status.ToString(), ": ", run->err));
    }
    return absl::OkStatus();
  }

  absl::Status MakeCa(const std::string& name) {
    return Run({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                "-nodes", "-keyout", Key(name), "-out", Crt(name), "-days", "2", "-subj",
                absl::StrCat("/CN=", name), "-addext", "basicConstraints=critical,CA:TRUE",
                "-addext", "keyUsage=critical,keyCertSign,cRLSign"});
  }

  absl::Status MakeLeaf(const std::string& name, const std::string& ca, const std::string& san,
                        const std::string& usage) {
    const std::string csr = dir_.File(name + ".csr");
    const std::string ext = dir_.File(name + ".ext");
    WriteFile(ext, absl::StrCat("basicConstraints=CA:FALSE\n",
                                "keyUsage=critical,digitalSignature,keyEncipherment\n",
                                "extendedKeyUsage=", usage, "\n", san, "\n"));
    if (absl::Status s =
            Run({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                 "-nodes", "-keyout", Key(name), "-out", csr, "-subj", absl::StrCat("/CN=", name)});
        !s.ok()) {
      return s;
    }
    // libpq refuses a client key that others may read.
    chmod(Key(name).c_str(), 0600);
    return Run({"x509", "-req", "-in", csr, "-CA", Crt(ca), "-CAkey", Key(ca), "-set_serial",
                absl::StrCat(++serial_), "-days", "2", "-extfile", ext, "-out", Crt(name)});
  }

  TempDir dir_;
  int serial_ = 1000;
};

// Channel credentials of a test client: the CA it trusts and, for mutual TLS, its certificate.
std::shared_ptr<grpc::ChannelCredentials> Tls(const Certificates& certs, const std::string& ca,
                                              const std::string& identity = "") {
  grpc::SslCredentialsOptions options;
  options.pem_root_certs = certs.Pem(ca);
  if (!identity.empty()) {
    options.pem_cert_chain = certs.Pem(identity);
    options.pem_private_key = certs.KeyPem(identity);
  }
  return grpc::SslCredentials(options);
}

std::shared_ptr<grpc::Channel> Channel(const std::string& address,
                                       const std::shared_ptr<grpc::ChannelCredentials>& creds,
                                       const std::string& server_name = "") {
  grpc::ChannelArguments args;
  if (!server_name.empty()) args.SetSslTargetNameOverride(server_name);
  // A fresh connection per channel, so that each check makes its own handshake.
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(address, creds, args);
}

// ListDisputes with the admin token (or `token`): the status of an authenticated call.
grpc::Status ListDisputes(const std::shared_ptr<grpc::Channel>& channel,
                          const std::string& token = kProcessAdminToken) {
  auto stub = governance::mediation::v1::MediationService::NewStub(channel);
  grpc::ClientContext context;
  if (!token.empty()) context.AddMetadata("authorization", absl::StrCat("Bearer ", token));
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  governance::mediation::v1::ListDisputesRequest request;
  governance::mediation::v1::ListDisputesResponse response;
  return stub->ListDisputes(&context, request, &response);
}

class TlsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_TRUE(std::filesystem::exists(kOpenssl))
        << kOpenssl << " is missing: scripts/bootstrap.sh installs the package openssl";
    absl::StatusOr<std::unique_ptr<Certificates>> certs = Certificates::Make();
    ASSERT_TRUE(certs.ok()) << certs.status();
    certs_ = std::move(certs).value().release();
  }
  static void TearDownTestSuite() {
    delete certs_;
    certs_ = nullptr;
  }

  // The admin's token and the peer token (role system), as every track of a suite knows them.
  void SetUp() override {
    WriteAdminTokenFile(dir_.File("tokens.json"), {{kPeerToken, "peer-caller", "system"}});
  }

  // A track's binary with its store and log in `dir`, no Redis, `flags` after the usual ones,
  // and a plaintext health-only port, through which its start is awaited.
  TrackProcess::Options Service(const std::string& track, const std::string& dir,
                                const std::vector<std::string>& flags) const {
    TrackProcess::Options options;
    options.track = track;
    options.db_path = absl::StrCat(dir, "/", track, ".db");
    options.tokens_file = dir_.File("tokens.json");
    options.log_path = absl::StrCat(dir, "/", track, ".log");
    options.health_port = true;
    options.args = {"--drain_seconds=1"};
    options.args.insert(options.args.end(), flags.begin(), flags.end());
    return options;
  }

  static void Start(TrackProcess& service) {
    const absl::Status started = service.Start(kStartTimeout);
    ASSERT_TRUE(started.ok()) << started;
  }

  const Certificates& certs() const { return *certs_; }
  std::vector<std::string> ServerTls() const {
    return {absl::StrCat("--tls_cert=", certs().Crt("server")),
            absl::StrCat("--tls_key=", certs().Key("server"))};
  }
  std::vector<std::string> MutualTls() const {
    std::vector<std::string> flags = ServerTls();
    flags.push_back(absl::StrCat("--tls_client_ca=", certs().Crt("ca")));
    return flags;
  }

  static Certificates* certs_;
  TempDir dir_;
};

Certificates* TlsTest::certs_ = nullptr;

TEST_F(TlsTest, TlsPortServesOnlyClientsThatTrustItsCa) {
  TrackProcess mediation(Service("mediation", dir_.path(), ServerTls()));
  ASSERT_NO_FATAL_FAILURE(Start(mediation));

  // Trusting the CA: served, over the address's IP and over "localhost" (both in the SAN).
  EXPECT_EQ(HealthStatus(Channel(mediation.address(), Tls(certs(), "ca")), ""), kHealthServing);
  EXPECT_TRUE(ListDisputes(Channel(mediation.address(), Tls(certs(), "ca"))).ok());
  const std::string localhost =
      absl::StrCat("localhost:", mediation.address().substr(mediation.address().rfind(':') + 1));
  EXPECT_TRUE(ListDisputes(Channel(localhost, Tls(certs(), "ca"))).ok());
  // The bearer token is still what authenticates a caller.
  EXPECT_EQ(ListDisputes(Channel(mediation.address(), Tls(certs(), "ca")), "").error_code(),
            grpc::StatusCode::UNAUTHENTICATED);

  // Plaintext, another CA, a name the certificate does not carry: no connection.
  grpc::Status plain =
      ListDisputes(Channel(mediation.address(), grpc::InsecureChannelCredentials()));
  EXPECT_EQ(plain.error_code(), grpc::StatusCode::UNAVAILABLE) << plain.error_message();
  grpc::Status other = ListDisputes(Channel(mediation.address(), Tls(certs(), "other-ca")));
  EXPECT_EQ(other.error_code(), grpc::StatusCode::UNAVAILABLE) << other.error_message();
  grpc::Status name =
      ListDisputes(Channel(mediation.address(), Tls(certs(), "ca"), "mediation.example.org"));
  EXPECT_EQ(name.error_code(), grpc::StatusCode::UNAVAILABLE) << name.error_message();

  // The plaintext health port: health, and nothing else (no track service, no reflection).
  const auto health =
      grpc::CreateChannel(mediation.health_address(), grpc::InsecureChannelCredentials());
  EXPECT_EQ(HealthStatus(health, ""), kHealthServing);
  EXPECT_EQ(HealthStatus(health, "governance.mediation.v1.MediationService"), kHealthServing);
  EXPECT_EQ(ListDisputes(health).error_code(), grpc::StatusCode::UNIMPLEMENTED);
  std::vector<std::string> replies;
  EXPECT_EQ(CallStream(health, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo",
                       {std::string("\x3a\x00", 2)}, &replies)
                .error_code(),
            grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_THAT(mediation.Log(), HasSubstr(R"("transport":"tls")"));
}

TEST_F(TlsTest, MutualTlsServesOnlyClientCertificatesOfItsCa) {
  TrackProcess mediation(Service("mediation", dir_.path(), MutualTls()));
  ASSERT_NO_FATAL_FAILURE(Start(mediation));

  grpc::Status none = ListDisputes(Channel(mediation.address(), Tls(certs(), "ca")));
  EXPECT_EQ(none.error_code(), grpc::StatusCode::UNAVAILABLE) << none.error_message();
  grpc::Status stranger =
      ListDisputes(Channel(mediation.address(), Tls(certs(), "ca", "stranger")));
  EXPECT_EQ(stranger.error_code(), grpc::StatusCode::UNAVAILABLE) << stranger.error_message();
  grpc::Status good = ListDisputes(Channel(mediation.address(), Tls(certs(), "ca", "client")));
  EXPECT_TRUE(good.ok()) << good.error_message();
  EXPECT_THAT(mediation.Log(), HasSubstr(R"("transport":"mutual-tls")"));

  // govctl with its TLS flags, and with the same settings from the environment.
  const std::string govctl = BinaryPath("tools/govctl/govctl");
  const std::vector<std::string> clean_env = {
      "GOV_TOKEN=", "GOV_TOKEN_FILE=", "GOV_TLS_CA=", "GOV_TLS_CERT=", "GOV_TLS_KEY="};
  const std::vector<std::string> tls_flags = {absl::StrCat("--tls_ca=", certs().Crt("ca")),
                                              absl::StrCat("--tls_cert=", certs().Crt("client")),
                                              absl::StrCat("--tls_key=", certs().Key("client"))};
  auto run = [&](std::vector<std::string> args, std::vector<std::string> env) {
    args.insert(args.begin(), govctl);
    // What the test's own environment may hold is cleared, unless the call sets it.
    for (const std::string& clear : clean_env) {
      const std::string name = clear.substr(0, clear.find('=') + 1);
      if (std::none_of(env.begin(), env.end(),
                       [&](const std::string& e) { return e.rfind(name, 0) == 0; })) {
        env.push_back(clear);
      }
    }
    absl::StatusOr<CommandResult> result = RunCommand(args, absl::Seconds(30), env);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : CommandResult{};
  };
  std::vector<std::string> health = {"health", mediation.address()};
  health.insert(health.end(), tls_flags.begin(), tls_flags.end());
  CommandResult served = run(health, {});
  EXPECT_EQ(served.status.code, 0) << served.out << served.err;
  EXPECT_THAT(served.out, HasSubstr("SERVING"));

  std::vector<std::string> call = {"call",
                                   "mediation",
                                   "ListDisputes",
                                   "{}",
                                   absl::StrCat("--addr=", mediation.address()),
                                   absl::StrCat("--token=", kProcessAdminToken)};
  CommandResult listed = run(call, {absl::StrCat("GOV_TLS_CA=", certs().Crt("ca")),
                                    absl::StrCat("GOV_TLS_CERT=", certs().Crt("client")),
                                    absl::StrCat("GOV_TLS_KEY=", certs().Key("client"))});
  EXPECT_EQ(listed.status.code, 0) << listed.out << listed.err;

  // A pod's variables with GOV_TLS_CA cleared: plaintext, for the health-only port.
  CommandResult plain_health =
      run({"health", mediation.health_address()},
          {"GOV_TLS_CA=", absl::StrCat("GOV_TLS_CERT=", certs().Crt("client")),
           absl::StrCat("GOV_TLS_KEY=", certs().Key("client"))});
  EXPECT_EQ(plain_health.status.code, 0) << plain_health.out << plain_health.err;

  // Without its certificate govctl is refused (exit 1, the RPC failed) ...
  CommandResult refused =
      run({"health", mediation.address(), absl::StrCat("--tls_ca=", certs().Crt("ca"))}, {});
  EXPECT_EQ(refused.status.code, 1) << refused.out << refused.err;
  EXPECT_THAT(refused.err, HasSubstr("UNAVAILABLE"));
  // ... and a certificate without a CA to verify the server with is a usage error.
  CommandResult usage = run({"health", mediation.address(), tls_flags[1], tls_flags[2]}, {});
  EXPECT_EQ(usage.status.code, 2) << usage.out << usage.err;
  EXPECT_THAT(usage.err, HasSubstr("--tls_ca"));
  // A name the certificate does not carry, given with --tls_server_name, is refused.
  std::vector<std::string> wrong_name = health;
  wrong_name.push_back("--tls_server_name=mediation.example.org");
  CommandResult misnamed = run(wrong_name, {});
  EXPECT_EQ(misnamed.status.code, 1) << misnamed.out << misnamed.err;
}

TEST_F(TlsTest, PeerCallsOverMutualTls) {
  TrackProcess disorder(Service("disorder", dir_.path(), MutualTls()));
  ASSERT_NO_FATAL_FAILURE(Start(disorder));
  // Every other track at an address nothing listens on: only disorder answers the cockpit.
  std::vector<std::string> peers;
  for (const config::TrackPorts& t : config::KnownTracks()) {
    const std::string track = t.track;
    if (track == "digital") continue;
    peers.push_back(absl::StrCat(
        track, "=",
        track == "disorder" ? disorder.address() : absl::StrCat("127.0.0.1:", FreePort())));
  }
  const std::string peer_token = dir_.File("peer-token.txt");
  WriteFile(peer_token, absl::StrCat(kPeerToken, "\n"));
  const std::vector<std::string> peer_flags = {absl::StrCat("--peers=", absl::StrJoin(peers, ",")),
                                               absl::StrCat("--peer_token_file=", peer_token),
                                               "--peer_timeout_ms=3000",
                                               absl::StrCat("--tls_ca=", certs().Crt("ca"))};

  // The disorder part of the district cockpit, as the digital service at `address` shows it.
  auto disorder_part = [&](const std::string& address,
                           const std::shared_ptr<grpc::ChannelCredentials>& creds,
                           governance::digital::v1::CockpitTrack* part) {
    auto stub = governance::digital::v1::DigitalService::NewStub(Channel(address, creds));
    governance::digital::v1::GetCockpitRequest request;
    request.set_id("district");
    governance::digital::v1::GetCockpitResponse response;
    grpc::Status status =
        stub->GetCockpit(AdminContext(absl::Seconds(20)).get(), request, &response);
    if (!status.ok()) return status;
    for (const auto& track : response.cockpit().tracks()) {
      if (track.track() == "disorder") *part = track;
    }
    return status;
  };

  {
    // Digital with a certificate of the CA, itself serving mutual TLS.
    TempDir digital_dir;
    std::vector<std::string> flags = MutualTls();
    flags.insert(flags.end(), peer_flags.begin(), peer_flags.end());
    TrackProcess digital(Service("digital", digital_dir.path(), flags));
    ASSERT_NO_FATAL_FAILURE(Start(digital));
    governance::digital::v1::CockpitTrack part;
    grpc::Status status = disorder_part(digital.address(), Tls(certs(), "ca", "client"), &part);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(part.track(), "disorder");
    EXPECT_EQ(part.code(), 0) << part.message();
    EXPECT_GT(part.indicators_size(), 0);
    EXPECT_THAT(digital.Log(), HasSubstr(R"("peer_transport":"tls")"));
  }
  {
    // Digital verifying disorder over TLS but presenting no certificate: refused at the
    // handshake, so disorder's part is UNAVAILABLE.
    TempDir digital_dir;
    TrackProcess digital(Service("digital", digital_dir.path(), peer_flags));
    ASSERT_NO_FATAL_FAILURE(Start(digital));
    governance::digital::v1::CockpitTrack part;
    grpc::Status status =
        disorder_part(digital.address(), grpc::InsecureChannelCredentials(), &part);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(part.track(), "disorder");
    EXPECT_EQ(part.code(), static_cast<int>(grpc::StatusCode::UNAVAILABLE)) << part.message();
    EXPECT_EQ(part.indicators_size(), 0);
    // Refused by disorder's handshake, not lost on the way.
    EXPECT_THAT(disorder.Log(), HasSubstr("peer did not return a certificate"));
  }
}

TEST_F(TlsTest, RefusesToStartOnFilesItCannotUse) {
  struct Case {
    std::string what;
    std::vector<std::string> flags;
    int exit_code;
    std::string says;
  };
  const std::vector<Case> cases = {
      {"a certificate without its key",
       {absl::StrCat("--tls_cert=", certs().Crt("server"))},
       2,
       "--tls_key"},
      {"a key without its certificate",
       {absl::StrCat("--tls_key=", certs().Key("server"))},
       2,
       "--tls_cert"},
      {"a client CA without a certificate of its own",
       {absl::StrCat("--tls_client_ca=", certs().Crt("ca"))},
       2,
       "mutual TLS needs the server's own certificate"},
      {"the key of another certificate",
       {absl::StrCat("--tls_cert=", certs().Crt("server")),
        absl::StrCat("--tls_key=", certs().Key("client"))},
       1,
       "is not the private key of the certificate"},
      {"a certificate file that does not exist",
       {absl::StrCat("--tls_cert=", dir_.File("missing.crt")),
        absl::StrCat("--tls_key=", certs().Key("server"))},
       1,
       dir_.File("missing.crt")},
      {"a key file that is not a key",
       {absl::StrCat("--tls_cert=", certs().Crt("server")),
        absl::StrCat("--tls_key=", certs().Crt("server"))},
       1,
       "not an unencrypted PEM private key"},
      {"a client CA file that holds no certificate",
       {absl::StrCat("--tls_cert=", certs().Crt("server")),
        absl::StrCat("--tls_key=", certs().Key("server")),
        absl::StrCat("--tls_client_ca=", certs().Key("ca"))},
       1,
       "--tls_client_ca"},
      {"a peer CA that does not exist",
       {absl::StrCat("--tls_ca=", dir_.File("missing-ca.crt"))},
       1,
       dir_.File("missing-ca.crt")},
  };
  for (const Case& c : cases) {
    absl::StatusOr<CommandResult> run =
        TrackProcess(Service("mediation", dir_.path(), c.flags)).RunToExit();
    ASSERT_TRUE(run.ok()) << c.what << ": " << run.status();
    EXPECT_TRUE(run->status.exited) << c.what << ": " << run->status.ToString();
    EXPECT_EQ(run->status.code, c.exit_code) << c.what << ": " << run->err;
    EXPECT_THAT(run->err, HasSubstr(c.says)) << c.what;
  }
}

TEST_F(TlsTest, RotatedCertificateIsServedWithoutRestart) {
  // The service reads its files from a directory of its own, replaced as a rotation would.
  const std::string cert = dir_.File("tls.crt");
  const std::string key = dir_.File("tls.key");
  WriteFile(cert, certs().Pem("server"));
  WriteFile(key, certs().KeyPem("server"));
  TrackProcess mediation(Service("mediation", dir_.path(),
                                 {absl::StrCat("--tls_cert=", cert),
                                  absl::StrCat("--tls_key=", key), "--tls_reload_seconds=1"}));
  ASSERT_NO_FATAL_FAILURE(Start(mediation));
  EXPECT_TRUE(ListDisputes(Channel(mediation.address(), Tls(certs(), "ca"))).ok());
  EXPECT_FALSE(ListDisputes(Channel(mediation.address(), Tls(certs(), "other-ca"))).ok());

  // Each file replaced whole (a rename), the key first.
  for (const auto& [path, contents] :
       {std::pair(key, certs().KeyPem("rotated")), std::pair(cert, certs().Pem("rotated"))}) {
    WriteFile(path + ".new", contents);
    ASSERT_EQ(std::rename((path + ".new").c_str(), path.c_str()), 0);
  }
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  grpc::Status rotated;
  do {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    rotated = ListDisputes(Channel(mediation.address(), Tls(certs(), "other-ca")));
  } while (!rotated.ok() && absl::Now() < deadline);
  EXPECT_TRUE(rotated.ok()) << rotated.error_message();
  grpc::Status old = ListDisputes(Channel(mediation.address(), Tls(certs(), "ca")));
  EXPECT_EQ(old.error_code(), grpc::StatusCode::UNAVAILABLE) << old.error_message();
}

TEST_F(TlsTest, PostgresWithVerifyFull) {
  PostgresServer pg;
  PostgresServer::Options options;
  options.ssl_cert_file = certs().Crt("server");
  options.ssl_key_file = certs().Key("server");
  options.ssl_ca_file = certs().Crt("ca");
  ASSERT_TRUE(pg.Start(options).ok());
  absl::StatusOr<std::string> url = pg.CreateDatabase("tls_test");
  ASSERT_TRUE(url.ok()) << url.status();
  auto with = [&](const std::string& root) {
    return absl::StrCat(*url, "?sslmode=verify-full&sslrootcert=", certs().Crt(root),
                        "&sslcert=", certs().Crt("client"), "&sslkey=", certs().Key("client"));
  };

  {
    TrackProcess mediation(
        Service("mediation", dir_.path(), {absl::StrCat("--database_url=", with("ca"))}));
    ASSERT_NO_FATAL_FAILURE(Start(mediation));
    EXPECT_TRUE(
        ListDisputes(Channel(mediation.address(), grpc::InsecureChannelCredentials())).ok());
    // The schema is there, and the service's connections (the TCP ones: the harness uses the
    // Unix socket) are TLS with the client certificate.
    absl::StatusOr<std::vector<std::vector<std::string>>> tables = pg.Query(
        "tls_test", "SELECT count(*) FROM information_schema.tables WHERE table_schema='public'");
    ASSERT_TRUE(tables.ok()) << tables.status();
    EXPECT_GT(std::stoi(tables->at(0).at(0)), 0);
    absl::StatusOr<std::vector<std::vector<std::string>>> ssl =
        pg.Query("tls_test",
                 "SELECT s.ssl, s.client_dn FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid) "
                 "WHERE a.datname = 'tls_test' AND a.backend_type = 'client backend' "
                 "AND a.client_addr IS NOT NULL");
    ASSERT_TRUE(ssl.ok()) << ssl.status();
    ASSERT_FALSE(ssl->empty());
    for (const std::vector<std::string>& row : *ssl) {
      EXPECT_EQ(row.at(0), "t");
      EXPECT_THAT(row.at(1), HasSubstr("CN=client"));
    }
  }

  // A root CA that did not sign the server's certificate: the store cannot be opened.
  absl::StatusOr<CommandResult> refused =
      TrackProcess(
          Service("mediation", dir_.path(), {absl::StrCat("--database_url=", with("other-ca"))}))
          .RunToExit();
  ASSERT_TRUE(refused.ok()) << refused.status();
  EXPECT_FALSE(refused->status.ok()) << refused->err;
  EXPECT_THAT(refused->err, HasSubstr("certificate verify failed"));
}

}  // namespace
}  // namespace gov::testing
