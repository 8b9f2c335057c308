#ifndef GOV_TESTS_SUPPORT_HEALTH_CLIENT_H_
#define GOV_TESTS_SUPPORT_HEALTH_CLIENT_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"

// Raw gRPC clients for services whose generated stubs Debian does not ship (grpc.health.v1,
// grpc.reflection.v1alpha): the few messages needed are encoded by hand.
namespace gov::testing {

// grpc.health.v1.HealthCheckResponse.ServingStatus values.
inline constexpr int kHealthUnknown = 0;
inline constexpr int kHealthServing = 1;
inline constexpr int kHealthNotServing = 2;
inline constexpr int kHealthServiceUnknown = 3;  // Watch only; Check answers NOT_FOUND

// A message's bytes as a gRPC byte buffer, and back (for calls through the generic stub).
grpc::ByteBuffer ToBuffer(const std::string& bytes);
std::string FromBuffer(const grpc::ByteBuffer& buffer);

// Calls grpc.health.v1.Health/Check for `service` ("" = the whole server). Returns the serving
// status, or -1 when the call itself failed (its status goes to `rpc_status` if given).
int HealthStatus(const std::shared_ptr<grpc::Channel>& channel, const std::string& service,
                 grpc::Status* rpc_status = nullptr, absl::Duration timeout = absl::Seconds(5));

// A grpc.health.v1.Health/Watch stream: collects every status the server pushes.
class HealthWatch {
 public:
  HealthWatch(const std::shared_ptr<grpc::Channel>& channel, const std::string& service);
  ~HealthWatch();  // cancels the stream and waits for it to end
  HealthWatch(const HealthWatch&) = delete;
  HealthWatch& operator=(const HealthWatch&) = delete;

  // True once the latest status pushed is `status`; false if that did not happen within
  // `timeout` or the stream ended first.
  bool WaitForStatus(int status, absl::Duration timeout);
  // Every status received so far, oldest first.
  std::vector<int> Statuses();

 private:
  class Reactor;
  std::unique_ptr<Reactor> reactor_;
};

// Sends `requests` (serialized messages) on a stream call to `method` ("/pkg.Service/Method";
// any kind of method), half-closes, and collects every response until the server ends the
// call. Returns the call's status.
grpc::Status CallStream(const std::shared_ptr<grpc::Channel>& channel, const std::string& method,
                        const std::vector<std::string>& requests,
                        std::vector<std::string>* responses,
                        absl::Duration timeout = absl::Seconds(10));

}  // namespace gov::testing

#endif  // GOV_TESTS_SUPPORT_HEALTH_CLIENT_H_
