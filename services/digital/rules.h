#ifndef GOV_SERVICES_DIGITAL_RULES_H_
#define GOV_SERVICES_DIGITAL_RULES_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "common/regions/regions.h"
#include "google/protobuf/message.h"
#include "governance/config/v1/digital.pb.h"
#include "governance/digital/v1/digital.pb.h"

// The digital track's rules file (data/digital.json, governance.config.v1.DigitalRules): flat
// command's dispatch table. Each event type's route names the owning track, its create RPC,
// the request's fields set to fixed values and those the event fills in, the response's field
// with the case's id, the statuses there that dispose of the event, and the event's disposal
// hours. Every route is checked against the schema at start (the method exists on the track's
// service, every path is a field of the right type, every constant fits its field, every status
// is a value of the case's status enum): a wrong file keeps the service from starting, naming
// the entry.
namespace gov::digital {

namespace cv1 = ::governance::config::v1;

class Rules {
 public:
  static absl::StatusOr<std::unique_ptr<Rules>> LoadFile(const std::string& path,
                                                         const regions::RegionRegistry& regions);
  static absl::StatusOr<std::unique_ptr<Rules>> FromProto(cv1::DigitalRules data,
                                                          const regions::RegionRegistry& regions);

  const cv1::DigitalRules& data() const { return data_; }
  const std::string& version() const { return data_.version(); }

  // The route of an event type (every valid type has one).
  const cv1::DispatchRoute& Route(governance::digital::v1::EventType type) const;
  // How long an event of `type` has to be disposed of.
  absl::Duration DisposalTime(governance::digital::v1::EventType type) const;

  // The owning track's create request for `event` (its id given) by its type's route: a new
  // message of the method's input type with request_id = the event's id, the constants, the
  // event's region, description (with its address, source and snapshot) and address. An empty
  // response message of the method's output type goes to `response`.
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> BuildRequest(
      const governance::digital::v1::Event& event,
      std::unique_ptr<google::protobuf::Message>* response) const;

  // Whether `status` (a key, e.g. "CLOSED") of the route's track disposes of an event of `type`.
  bool Disposes(governance::digital::v1::EventType type, const std::string& status) const;

 private:
  explicit Rules(cv1::DigitalRules data);
  cv1::DigitalRules data_;
  absl::flat_hash_map<int, int> routes_;  // event type -> index in data_.routes()
};

}  // namespace gov::digital

#endif  // GOV_SERVICES_DIGITAL_RULES_H_
