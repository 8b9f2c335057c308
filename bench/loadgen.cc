// The benchmarks' load generator: drives one workload against a gRPC service (one server, or
// several replicas of it) with the callback client API over several channels, closed loop (a
// fixed number of calls outstanding) or open loop (a fixed arrival rate), and prints one JSON
// object with the throughput, the latency percentiles, the errors by code and the CPU spent on
// both sides.
//
//   loadgen --target=HOST:PORT[,HOST:PORT...] --token=TOKEN --workload=W [--mode=closed|open]
//           [--concurrency=N] [--channels=4] [--rate=R] [--duration=10] [--warmup=2]
//           [--server_pid=P[,P...]] [--ids=1000] [--id_prefix=D --id_count=N] [--seed=S]
//           [--regions_file=PATH] [--pool=4] [--deadline=30] [--connect_timeout=5]
//           [--service=S --create_method=M --create_request=JSON
//            --get_method=M --get_request=JSON --item_field=F]
//           [--service=S --method=M --request=JSON [--check=FIELD.PATH]]
//
// Workloads: empty (ListIndicators on bench_server), get_hit, get_miss, create, transition,
// list (MediationService), indicators, ranking (IndicatorsService), and for any track
// track_create and track_get_hit: its create and its get, named by the flags (bench/tracks.json
// holds them for every track) and checked against the schema linked in, their requests made
// from proto JSON templates and sent with the generic stub, so that no track needs code here.
// track_get_hit creates --ids items at set-up (default 64) and reads each once, then reads them
// in turn: every measured read is a cache hit. call sends one request, the same every time, to
// any unary method (--service, --method, --request; bench/tracks.json's cockpit section holds
// the digital track's GetCockpit and the ListIndicators it is measured beside); with --check, a
// reply whose boolean field at that path is false counts as CHECK_FAILED, not as a success (a
// cockpit that came back incomplete).
//
// Several targets (replicas sharing one store): each of the --channels channels is made to
// "ipv4:A,B,..." with the round_robin load-balancing policy, so it holds a connection to every
// target and sends its calls to them in turn; the calls are spread evenly whatever the number
// of channels. Every target must be an IPv4 address with a port, and every target must accept
// a connection at set-up (the balancer alone would route around one that is down). With several
// --server_pid values the server figures (CPU, RSS, peak RSS) are sums over the processes.
//
// Latency is measured from the INTENDED send time of a call: in the closed loop that is when
// the call is started; in the open loop it is the call's slot in the fixed schedule, so a
// send delayed behind a slow server (or a busy client) is charged with the delay and
// coordinated omission cannot hide queueing. A call is measured when its intended send time
// falls in the measured window [warm-up end, warm-up end + duration); calls of the window
// still running at its end are waited for, so a slow tail is never cut off; throughput (qps)
// is the window's successful calls over the time from the window's start until the last of
// them ended (elapsed_s, never less than the window), so an overloaded open loop reports what
// was served, not what was offered.
//
// Exit codes: 0 when the run completed (even with RPC errors: they are in the output),
// 1 when the target is unreachable or the set-up calls fail, 2 on a usage error.

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/debugging/failure_signal_handler.h"
#include "absl/debugging/symbolize.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "common/regions/regions.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/wire_format_lite.h"
#include "governance/mediation/v1/mediation.grpc.pb.h"
#include "governance/v1/indicators.grpc.pb.h"
#include "grpcpp/generic/generic_stub.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/support/byte_buffer.h"

namespace gov::bench {
namespace {

namespace v1 = governance::v1;
namespace mv1 = governance::mediation::v1;

constexpr char kUsage[] =
    "usage: loadgen --target=HOST:PORT[,HOST:PORT...] --token=TOKEN --workload=WORKLOAD [flags]\n"
    "  --target=A[,B...]        the server, or several replicas (IPv4 HOST:PORT each), which\n"
    "                           every channel calls in turn (round_robin)\n"
    "  --workload=empty|get_hit|get_miss|create|transition|list|indicators|ranking|\n"
    "            track_create|track_get_hit|call\n"
    "  --mode=closed|open       closed: --concurrency calls outstanding; open: --rate calls/s\n"
    "  --concurrency=N          closed: calls outstanding; open: outstanding calls above\n"
    "                           which a send counts in over_concurrency (default 16)\n"
    "  --channels=N             gRPC channels, each its own connection (default 4)\n"
    "  --rate=R                 open loop: calls per second\n"
    "  --duration=S             measured window in seconds (default 10)\n"
    "  --warmup=S               seconds run before the window, not measured (default 2)\n"
    "  --server_pid=P[,P...]    sample the server's CPU and memory from /proc/P (summed over\n"
    "                           several processes)\n"
    "  --ids=N                  get_hit: size of the hot id set (default 1000); track_get_hit:\n"
    "                           items created at set-up and read in turn (default 64)\n"
    "  --id_prefix=D --id_count=N  get_miss: read <D>-000001..<D>-<N> from a random start\n"
    "  --seed=S                 random seed (default: random; printed in the output)\n"
    "  --regions_file=PATH      region registry for create/list/transition\n"
    "  --pool=N                 transition: disputes per concurrency slot (default 4)\n"
    "  --deadline=S             per-call deadline in seconds (default 30)\n"
    "  --connect_timeout=S      how long to wait for the target at set-up (default 5)\n"
    "  track_create, track_get_hit (bench/tracks.json has these for every track):\n"
    "  --service=NAME           the gRPC service by its full name\n"
    "                           (governance.backlog.v1.BacklogService)\n"
    "  --create_method=M        its method that creates an item (CreateBacklogCase)\n"
    "  --create_request=JSON    the create's request in proto JSON, where every \"$N\" becomes a\n"
    "                           number unique to the call (the request id must hold it)\n"
    "  --get_method=M           track_get_hit: its method that reads an item (GetBacklogCase)\n"
    "  --get_request=JSON       track_get_hit: the read's request, \"$ID\" the item's id\n"
    "  --item_field=F           track_get_hit: the create response's field holding the item\n"
    "                           (backlog_case), whose id is read\n"
    "  call (any unary method, the same request every time):\n"
    "  --service=NAME           the gRPC service by its full name\n"
    "                           (governance.digital.v1.DigitalService)\n"
    "  --method=M               its method (GetCockpit)\n"
    "  --request=JSON           the request in proto JSON ({\"id\": \"district\"}; default {})\n"
    "  --check=PATH             a boolean field of the reply by proto names (cockpit.complete):\n"
    "                           a reply where it is false counts as CHECK_FAILED\n";

constexpr int64_t kNanosPerSecond = 1'000'000'000;
// An open-loop send this long after its intended time counts as late.
constexpr int64_t kLateNanos = 1'000'000;
// get_hit: ids fetched with ListDisputes pages of this size.
constexpr int kListPage = 500;
// Set-up calls (priming, preparing disputes) in flight at once.
constexpr int kSetUpInFlight = 32;
// track_get_hit: items created at set-up unless --ids says otherwise.
constexpr int kTrackItems = 64;

int64_t NowNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void SleepUntil(int64_t when_nanos) {
  const int64_t left = when_nanos - NowNanos();
  if (left > 0) std::this_thread::sleep_for(std::chrono::nanoseconds(left));
}

// ---------------------------------------------------------------------------------------------
// Flags.

enum class Mode { kClosed, kOpen };

struct TrackCalls;
struct FixedCall;

struct Flags {
  std::string target;                // as given: one address, or a comma-separated list
  std::vector<std::string> targets;  // its addresses
  std::string token;
  std::string workload;
  Mode mode = Mode::kClosed;
  int concurrency = 16;
  int channels = 4;
  double rate = 0;
  double duration_s = 10;
  double warmup_s = 2;
  std::vector<int> server_pids;  // empty = none
  int ids = 1000;
  std::string id_prefix = "D";
  int64_t id_count = 0;
  std::optional<uint64_t> seed;
  std::string regions_file = GOV_SOURCE_DIR "/data/regions.json";
  int pool = 4;
  double deadline_s = 30;
  double connect_timeout_s = 5;
  // track_create, track_get_hit: the calls as named, and as found in the schema.
  std::string service;
  std::string create_method;
  std::string create_request;
  std::string get_method;
  std::string get_request;
  std::string item_field;
  std::shared_ptr<const TrackCalls> track;  // set for the track_* workloads
  // call: the method, its request and the reply's check, as named and as found in the schema.
  std::string method;
  std::string request = "{}";
  std::string check;
  std::shared_ptr<const FixedCall> call;  // set for the call workload
};

constexpr absl::string_view kWorkloads[] = {
    "empty",      "get_hit", "get_miss",     "create",        "transition", "list",
    "indicators", "ranking", "track_create", "track_get_hit", "call"};

// A decimal number of 1 to `max_digits` digits (no sign, no spaces) no greater than `max`.
bool IsDecimal(absl::string_view text, size_t max_digits, int max) {
  if (text.empty() || text.size() > max_digits) return false;
  for (char c : text) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c))) return false;
  }
  int n = 0;
  return absl::SimpleAtoi(text, &n) && n <= max;
}

// "a.b.c.d:port" with each part in range: what the "ipv4:" resolver of a channel takes.
bool IsIpv4HostPort(absl::string_view address) {
  const size_t colon = address.rfind(':');
  if (colon == absl::string_view::npos) return false;
  const absl::string_view port = address.substr(colon + 1);
  if (!IsDecimal(port, 5, 65535) || port == "0") return false;
  std::vector<absl::string_view> octets = absl::StrSplit(address.substr(0, colon), '.');
  if (octets.size() != 4) return false;
  for (absl::string_view octet : octets) {
    if (!IsDecimal(octet, 3, 255)) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Requests from the schema (the track_* workloads).

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::MethodDescriptor;

// Stands in for a placeholder while a template is parsed: letters and digits, which a string
// field keeps as they are.
constexpr char kMarker[] = "LoadgenPlaceholder7f3a";
// $N: a run's numbers start at a random multiple of kNumberWindow in [10^16, 10^17) and a
// call's number is that plus the call's sequence number, so the numbers of one run are unique
// and another run against the same store (another loadgen) is all but certain to use others.
constexpr uint64_t kNumberWindow = 10'000'000;
// The largest number of a run of fewer than kNumberWindow calls: what a template is checked with.
constexpr uint64_t kLargestNumber = 99'999'999'999'999'999;

uint64_t RunNumberBase() {
  std::random_device device;
  const uint64_t r = (static_cast<uint64_t>(device()) << 32) | device();
  return (1'000'000'000 + r % 9'000'000'000) * kNumberWindow;
}

// Replaces kMarker with `value` in every string (not bytes) field of `message`, nested
// messages and map entries included.
void ReplaceMarker(Message* message, absl::string_view value) {
  const google::protobuf::Reflection* reflection = message->GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(*message, &fields);
  for (const FieldDescriptor* field : fields) {
    if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      if (!field->is_repeated()) {
        ReplaceMarker(reflection->MutableMessage(message, field), value);
        continue;
      }
      for (int i = 0; i < reflection->FieldSize(*message, field); ++i) {
        ReplaceMarker(reflection->MutableRepeatedMessage(message, field, i), value);
      }
    } else if (field->type() == FieldDescriptor::TYPE_STRING) {
      if (!field->is_repeated()) {
        const std::string text = reflection->GetString(*message, field);
        if (absl::StrContains(text, kMarker)) {
          reflection->SetString(message, field, absl::StrReplaceAll(text, {{kMarker, value}}));
        }
        continue;
      }
      for (int i = 0; i < reflection->FieldSize(*message, field); ++i) {
        const std::string text = reflection->GetRepeatedString(*message, field, i);
        if (absl::StrContains(text, kMarker)) {
          reflection->SetRepeatedString(message, field, i,
                                        absl::StrReplaceAll(text, {{kMarker, value}}));
        }
      }
    }
  }
}

// A method's request made from a proto JSON template holding a placeholder ("$N", "$ID").
// Where the placeholder stands only in string fields, the template is parsed once (kMarker in
// its place) and a request is a copy with the marker replaced, so that making a request costs
// the client little beside the call; elsewhere (a number field) each request is parsed from
// the filled-in text.
class RequestTemplate {
 public:
  // INVALID_ARGUMENT naming --`flag` when the template lacks the placeholder or, filled in with
  // `sample`, is not a request of `type` in proto JSON.
  static absl::StatusOr<RequestTemplate> Make(const Descriptor* type, std::string json,
                                              std::string placeholder, absl::string_view sample,
                                              absl::string_view flag) {
    if (!absl::StrContains(json, placeholder)) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", flag, " has no \"", placeholder, "\" (see the usage)"));
    }
    RequestTemplate t;
    t.prototype_ = google::protobuf::MessageFactory::generated_factory()->GetPrototype(type);
    t.json_ = std::move(json);
    t.placeholder_ = std::move(placeholder);
    std::string error;
    std::unique_ptr<Message> sampled = t.Parse(sample, &error);
    if (sampled == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("--", flag, " is not a ", type->full_name(), " in proto JSON: ", error));
    }
    std::shared_ptr<Message> marked = t.Parse(kMarker, &error);
    if (marked != nullptr) {
      // The copy path must give what parsing gives: it does unless the placeholder also stood
      // where the JSON parser changes the text (bytes, well-known types).
      std::unique_ptr<Message> copy(marked->New());
      copy->CopyFrom(*marked);
      ReplaceMarker(copy.get(), sample);
      if (google::protobuf::util::MessageDifferencer::Equals(*copy, *sampled)) {
        t.marked_ = std::move(marked);
      }
    }
    return t;
  }

  // The request with `value` in the placeholder's place, serialized. INVALID_ARGUMENT when the
  // text so filled in is not a request (never for values like the sample).
  absl::StatusOr<std::string> Fill(absl::string_view value) const {
    std::unique_ptr<Message> request;
    if (marked_ != nullptr) {
      request.reset(marked_->New());
      request->CopyFrom(*marked_);
      ReplaceMarker(request.get(), value);
    } else {
      std::string error;
      request = Parse(value, &error);
      if (request == nullptr) {
        return absl::InvalidArgumentError(absl::StrCat("with ", placeholder_, " = \"", value,
                                                       "\" the request is not its JSON: ", error));
      }
    }
    std::string bytes;
    if (!request->SerializeToString(&bytes)) {
      return absl::InternalError(
          absl::StrCat(request->GetDescriptor()->full_name(), " cannot be serialized"));
    }
    return bytes;
  }

 private:
  // The template with `value` in the placeholder's place, parsed; null (and why in *error) when
  // that is not a request.
  std::unique_ptr<Message> Parse(absl::string_view value, std::string* error) const {
    std::unique_ptr<Message> request(prototype_->New());
    const auto parsed = google::protobuf::util::JsonStringToMessage(
        absl::StrReplaceAll(json_, {{placeholder_, value}}), request.get());
    if (!parsed.ok()) {
      *error = parsed.ToString();
      return nullptr;
    }
    return request;
  }

  const Message* prototype_ = nullptr;
  std::string json_;
  std::string placeholder_;
  std::shared_ptr<const Message> marked_;  // the template with kMarker; null: parse each time
};

// The calls of the track_* workloads as found in the schema linked in (protos/governance).
struct TrackCalls {
  std::string create_name;  // "governance.backlog.v1.BacklogService/CreateBacklogCase"
  std::string create_path;  // the same with a leading "/": the call's path
  const Descriptor* create_response = nullptr;
  std::optional<RequestTemplate> create;
  const FieldDescriptor* item = nullptr;  // of create_response; null without --item_field
  std::string get_name;                   // "" without --get_method
  std::string get_path;
  std::optional<RequestTemplate> get;
};

// `service`'s unary method `name` (--`flag`); INVALID_ARGUMENT saying why not.
absl::StatusOr<const MethodDescriptor*> FindUnary(
    const google::protobuf::ServiceDescriptor& service, const std::string& name,
    absl::string_view flag) {
  const MethodDescriptor* method = service.FindMethodByName(name);
  if (method == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", flag, ": ", service.full_name(), " has no method \"", name, "\""));
  }
  if (method->client_streaming() || method->server_streaming()) {
    return absl::InvalidArgumentError(absl::StrCat("--", flag, ": ", method->full_name(),
                                                   " streams; only unary methods are driven"));
  }
  return method;
}

// Checks the track_* flags against the schema. INVALID_ARGUMENT says what is wrong.
absl::StatusOr<std::shared_ptr<const TrackCalls>> ResolveTrackCalls(const Flags& flags) {
  const bool get = flags.workload == "track_get_hit";
  for (const auto& [name, value] : std::vector<std::pair<absl::string_view, const std::string*>>{
           {"service", &flags.service},
           {"create_method", &flags.create_method},
           {"create_request", &flags.create_request},
           {"get_method", &flags.get_method},
           {"get_request", &flags.get_request},
           {"item_field", &flags.item_field}}) {
    const bool needed = name == "service" || absl::StartsWith(name, "create_") || get;
    if (needed && value->empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--workload=", flags.workload, " needs --", name));
    }
  }
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(flags.service);
  if (service == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("--service: \"", flags.service,
                     "\" is not a service of the schema (a full name, as "
                     "governance.backlog.v1.BacklogService)"));
  }
  auto calls = std::make_shared<TrackCalls>();
  absl::StatusOr<const MethodDescriptor*> create =
      FindUnary(*service, flags.create_method, "create_method");
  if (!create.ok()) return create.status();
  calls->create_name = absl::StrCat(service->full_name(), "/", (*create)->name());
  calls->create_path = absl::StrCat("/", calls->create_name);
  calls->create_response = (*create)->output_type();
  absl::StatusOr<RequestTemplate> create_request =
      RequestTemplate::Make((*create)->input_type(), flags.create_request, "$N",
                            absl::StrCat(kLargestNumber), "create_request");
  if (!create_request.ok()) return create_request.status();
  calls->create = *std::move(create_request);

  if (!flags.item_field.empty()) {
    calls->item = calls->create_response->FindFieldByName(flags.item_field);
    const FieldDescriptor* id = nullptr;
    if (calls->item != nullptr && !calls->item->is_repeated() &&
        calls->item->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      id = calls->item->message_type()->FindFieldByName("id");
    }
    if (id == nullptr || id->is_repeated() || id->type() != FieldDescriptor::TYPE_STRING) {
      return absl::InvalidArgumentError(
          absl::StrCat("--item_field: ", calls->create_response->full_name(), " has no field \"",
                       flags.item_field,
                       "\" holding one item with a string id (the proto name, as "
                       "backlog_case)"));
    }
  }
  if (!flags.get_method.empty()) {
    absl::StatusOr<const MethodDescriptor*> read =
        FindUnary(*service, flags.get_method, "get_method");
    if (!read.ok()) return read.status();
    calls->get_name = absl::StrCat(service->full_name(), "/", (*read)->name());
    calls->get_path = absl::StrCat("/", calls->get_name);
    absl::StatusOr<RequestTemplate> get_request = RequestTemplate::Make(
        (*read)->input_type(), flags.get_request, "$ID", "X-000001", "get_request");
    if (!get_request.ok()) return get_request.status();
    calls->get = *std::move(get_request);
  }
  return calls;
}

// The call workload's method as found in the schema linked in: its request, serialized once,
// and the path of the boolean field --check reads in its reply.
struct FixedCall {
  std::string name;  // "governance.digital.v1.DigitalService/GetCockpit"
  std::string path;  // the same with a leading "/": the call's path
  std::string request;
  const Descriptor* response = nullptr;
  std::vector<const FieldDescriptor*> check;  // empty without --check
};

// Checks the call flags against the schema. INVALID_ARGUMENT says what is wrong.
absl::StatusOr<std::shared_ptr<const FixedCall>> ResolveFixedCall(const Flags& flags) {
  if (flags.service.empty() || flags.method.empty()) {
    return absl::InvalidArgumentError("--workload=call needs --service and --method");
  }
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(flags.service);
  if (service == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("--service: \"", flags.service,
                     "\" is not a service of the schema (a full name, as "
                     "governance.digital.v1.DigitalService)"));
  }
  absl::StatusOr<const MethodDescriptor*> method = FindUnary(*service, flags.method, "method");
  if (!method.ok()) return method.status();
  auto call = std::make_shared<FixedCall>();
  call->name = absl::StrCat(service->full_name(), "/", (*method)->name());
  call->path = absl::StrCat("/", call->name);
  call->response = (*method)->output_type();
  std::unique_ptr<Message> request(google::protobuf::MessageFactory::generated_factory()
                                       ->GetPrototype((*method)->input_type())
                                       ->New());
  const auto parsed = google::protobuf::util::JsonStringToMessage(flags.request, request.get());
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("--request is not a ",
                                                   (*method)->input_type()->full_name(),
                                                   " in proto JSON: ", parsed.ToString()));
  }
  if (!request->SerializeToString(&call->request)) {
    return absl::InternalError(
        absl::StrCat((*method)->input_type()->full_name(), " cannot be serialized"));
  }
  if (!flags.check.empty()) {
    const Descriptor* type = call->response;
    std::vector<absl::string_view> names = absl::StrSplit(flags.check, '.');
    for (size_t i = 0; i < names.size(); ++i) {
      const FieldDescriptor* field =
          type == nullptr ? nullptr : type->FindFieldByName(std::string(names[i]));
      const bool last = i + 1 == names.size();
      const bool fits = field != nullptr && !field->is_repeated() &&
                        (last ? field->type() == FieldDescriptor::TYPE_BOOL
                              : field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE);
      if (!fits) {
        return absl::InvalidArgumentError(absl::StrCat(
            "--check: \"", flags.check, "\" is not a path of single messages to a bool in ",
            call->response->full_name(), " (proto names, as cockpit.complete)"));
      }
      call->check.push_back(field);
      type = last ? nullptr : field->message_type();
    }
  }
  return call;
}

// Parses --name=value flags. INVALID_ARGUMENT says what is wrong.
absl::StatusOr<Flags> ParseFlags(int argc, char** argv) {
  Flags flags;
  bool ids_given = false;
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    const size_t eq = arg.find('=');
    if (!absl::StartsWith(arg, "--") || eq == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("expected --name=value, got \"", arg, "\""));
    }
    const std::string name(arg.substr(2, eq - 2));
    const std::string value(arg.substr(eq + 1));
    bool ok = true;
    if (name == "target") {
      flags.target = value;
    } else if (name == "token") {
      flags.token = value;
    } else if (name == "workload") {
      flags.workload = value;
    } else if (name == "mode") {
      ok = value == "closed" || value == "open";
      flags.mode = value == "open" ? Mode::kOpen : Mode::kClosed;
    } else if (name == "concurrency") {
      ok = absl::SimpleAtoi(value, &flags.concurrency) && flags.concurrency > 0;
    } else if (name == "channels") {
      ok = absl::SimpleAtoi(value, &flags.channels) && flags.channels > 0;
    } else if (name == "rate") {
      ok = absl::SimpleAtod(value, &flags.rate) && flags.rate > 0 && std::isfinite(flags.rate);
    } else if (name == "duration") {
      ok = absl::SimpleAtod(value, &flags.duration_s) && flags.duration_s > 0 &&
           flags.duration_s < 1e6;
    } else if (name == "warmup") {
      ok = absl::SimpleAtod(value, &flags.warmup_s) && flags.warmup_s >= 0 && flags.warmup_s < 1e6;
    } else if (name == "server_pid") {
      flags.server_pids.clear();
      for (absl::string_view piece : absl::StrSplit(value, ',')) {
        int pid = 0;
        ok = ok && absl::SimpleAtoi(piece, &pid) && pid > 0;
        flags.server_pids.push_back(pid);
      }
    } else if (name == "ids") {
      ok = absl::SimpleAtoi(value, &flags.ids) && flags.ids > 0;
      ids_given = true;
    } else if (name == "id_prefix") {
      ok = !value.empty();
      flags.id_prefix = value;
    } else if (name == "id_count") {
      ok = absl::SimpleAtoi(value, &flags.id_count) && flags.id_count > 0;
    } else if (name == "seed") {
      uint64_t seed = 0;
      ok = absl::SimpleAtoi(value, &seed);
      flags.seed = seed;
    } else if (name == "regions_file") {
      flags.regions_file = value;
    } else if (name == "pool") {
      ok = absl::SimpleAtoi(value, &flags.pool) && flags.pool > 0;
    } else if (name == "deadline") {
      ok = absl::SimpleAtod(value, &flags.deadline_s) && flags.deadline_s > 0 &&
           flags.deadline_s < 1e6;
    } else if (name == "connect_timeout") {
      ok = absl::SimpleAtod(value, &flags.connect_timeout_s) && flags.connect_timeout_s > 0 &&
           flags.connect_timeout_s < 1e6;
    } else if (name == "service") {
      flags.service = value;
    } else if (name == "create_method") {
      flags.create_method = value;
    } else if (name == "create_request") {
      flags.create_request = value;
    } else if (name == "get_method") {
      flags.get_method = value;
    } else if (name == "get_request") {
      flags.get_request = value;
    } else if (name == "item_field") {
      flags.item_field = value;
    } else if (name == "method") {
      flags.method = value;
    } else if (name == "request") {
      flags.request = value;
    } else if (name == "check") {
      flags.check = value;
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown flag --", name));
    }
    if (!ok) {
      return absl::InvalidArgumentError(
          absl::StrCat("bad value for --", name, ": \"", value, "\""));
    }
  }
  if (flags.target.empty()) return absl::InvalidArgumentError("--target is required");
  flags.targets = absl::StrSplit(flags.target, ',');
  for (const std::string& t : flags.targets) {
    if (t.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("--target has an empty address: \"", flags.target, "\""));
    }
    if (flags.targets.size() > 1 && !IsIpv4HostPort(t)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "--target with several addresses takes IPv4 HOST:PORT each, got \"", t, "\""));
    }
  }
  if (flags.token.empty()) return absl::InvalidArgumentError("--token is required");
  bool known = false;
  for (absl::string_view w : kWorkloads) known = known || flags.workload == w;
  if (!known) {
    return absl::InvalidArgumentError(
        absl::StrCat("--workload must be one of ", absl::StrJoin(kWorkloads, ", ")));
  }
  if (flags.mode == Mode::kOpen && flags.rate <= 0) {
    return absl::InvalidArgumentError("--mode=open needs --rate");
  }
  if (flags.mode == Mode::kClosed) flags.rate = 0;
  if (flags.workload == "get_miss" && flags.id_count <= 0) {
    return absl::InvalidArgumentError("--workload=get_miss needs --id_count");
  }
  if (absl::StartsWith(flags.workload, "track_")) {
    absl::StatusOr<std::shared_ptr<const TrackCalls>> track = ResolveTrackCalls(flags);
    if (!track.ok()) return track.status();
    flags.track = *std::move(track);
  }
  if (flags.workload == "call") {
    absl::StatusOr<std::shared_ptr<const FixedCall>> call = ResolveFixedCall(flags);
    if (!call.ok()) return call.status();
    flags.call = *std::move(call);
  }
  if (!ids_given && flags.workload == "track_get_hit") flags.ids = kTrackItems;
  return flags;
}

// ---------------------------------------------------------------------------------------------
// Latency histogram.

// Log-linear buckets over nanoseconds, in the manner of HdrHistogram: values below 256 ns
// each have their own bucket; above, every power of two is split into 128 equal buckets, so a
// bucket's midpoint is within 1/256 (0.4%) of any value in it — from 10 µs to the 68 s cap.
// Recording is lock-free (relaxed atomics), so the gRPC threads record concurrently.
class LatencyHistogram {
 public:
  void Record(int64_t nanos) {
    const uint64_t v = static_cast<uint64_t>(std::clamp<int64_t>(nanos, 0, kMaxValue));
    counts_[BucketOf(v)].fetch_add(1, std::memory_order_relaxed);
    total_.fetch_add(1, std::memory_order_relaxed);
    int64_t seen = max_.load(std::memory_order_relaxed);
    while (static_cast<int64_t>(v) > seen &&
           !max_.compare_exchange_weak(seen, static_cast<int64_t>(v), std::memory_order_relaxed)) {
    }
  }

  uint64_t count() const { return total_.load(std::memory_order_relaxed); }
  int64_t max() const { return max_.load(std::memory_order_relaxed); }

  // The value at quantile `q` (0..1]: the midpoint of the bucket holding the ceil(q*count)-th
  // smallest value, never above the exact maximum. 0 when empty.
  int64_t ValueAtQuantile(double q) const {
    const uint64_t total = count();
    if (total == 0) return 0;
    const uint64_t rank =
        std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * static_cast<double>(total))));
    uint64_t seen = 0;
    for (int b = 0; b < kBuckets; ++b) {
      seen += counts_[b].load(std::memory_order_relaxed);
      if (seen >= rank) return std::min(MidpointOf(b), max());
    }
    return max();
  }

 private:
  static constexpr int kSubBits = 7;  // 128 buckets per power of two
  static constexpr int kLinear = 256;
  static constexpr int kTopExponent = 35;  // values up to 2^36 - 1 ns
  static constexpr int64_t kMaxValue = (int64_t{1} << (kTopExponent + 1)) - 1;
  static constexpr int kBuckets = kLinear + (kTopExponent - 7) * (1 << kSubBits);

  static int BucketOf(uint64_t v) {
    if (v < kLinear) return static_cast<int>(v);
    const int exponent = 63 - __builtin_clzll(v);  // >= 8
    const int shift = exponent - kSubBits;
    const int mantissa = static_cast<int>(v >> shift) - (1 << kSubBits);  // 0..127
    return kLinear + (exponent - 8) * (1 << kSubBits) + mantissa;
  }

  static int64_t MidpointOf(int bucket) {
    if (bucket < kLinear) return bucket;
    const int octave = (bucket - kLinear) >> kSubBits;
    const int mantissa = (bucket - kLinear) & ((1 << kSubBits) - 1);
    const int shift = octave + 8 - kSubBits;
    const int64_t low = static_cast<int64_t>((1 << kSubBits) + mantissa) << shift;
    return low + ((int64_t{1} << shift) >> 1);
  }

  std::array<std::atomic<uint64_t>, kBuckets> counts_{};
  std::atomic<uint64_t> total_{0};
  std::atomic<int64_t> max_{0};
};

// The outcome of a call that ended OK but whose reply failed --check: counted beside the gRPC
// codes (which end at UNAUTHENTICATED, 16), never as a success.
constexpr grpc::StatusCode kCheckFailed = static_cast<grpc::StatusCode>(17);

// What the measured window saw.
struct Stats {
  static constexpr int kCodes = 18;  // grpc::StatusCode OK .. UNAUTHENTICATED, then kCheckFailed

  void Record(grpc::StatusCode code, int64_t latency_nanos) {
    int index = static_cast<int>(code);
    if (index < 0 || index >= kCodes) index = grpc::StatusCode::UNKNOWN;
    by_code[index].fetch_add(1, std::memory_order_relaxed);
    latency.Record(latency_nanos);
  }

  LatencyHistogram latency;
  std::array<std::atomic<uint64_t>, kCodes> by_code{};
  std::atomic<uint64_t> late{0};
  std::atomic<uint64_t> over_concurrency{0};
  // When the last measured call ended (steady clock, ns).
  std::atomic<int64_t> last_completion{0};
};

const char* CodeName(int code) {
  static constexpr const char* kNames[Stats::kCodes] = {"OK",
                                                        "CANCELLED",
                                                        "UNKNOWN",
                                                        "INVALID_ARGUMENT",
                                                        "DEADLINE_EXCEEDED",
                                                        "NOT_FOUND",
                                                        "ALREADY_EXISTS",
                                                        "PERMISSION_DENIED",
                                                        "RESOURCE_EXHAUSTED",
                                                        "FAILED_PRECONDITION",
                                                        "ABORTED",
                                                        "OUT_OF_RANGE",
                                                        "UNIMPLEMENTED",
                                                        "INTERNAL",
                                                        "UNAVAILABLE",
                                                        "DATA_LOSS",
                                                        "UNAUTHENTICATED",
                                                        "CHECK_FAILED"};
  return code >= 0 && code < Stats::kCodes ? kNames[code] : "UNKNOWN";
}

// ---------------------------------------------------------------------------------------------
// Calls.

// What every call carries: the bearer token and a deadline.
struct CallSettings {
  std::string authorization;
  std::chrono::nanoseconds deadline;

  void Apply(grpc::ClientContext* context) const {
    context->AddMetadata("authorization", authorization);
    context->set_deadline(std::chrono::system_clock::now() + deadline);
  }
};

// One call in flight: the context and messages must live until its callback has run.
template <typename Request, typename Response>
struct PendingCall {
  grpc::ClientContext context;
  Request request;
  Response response;
};

// Starts one unary call with the callback API. `start(context, request, response, callback)`
// calls the stub's async() method; `done(status, response)` runs on a gRPC thread when the call
// ends, after which the call's state is freed.
template <typename Request, typename Response, typename StartFn, typename DoneFn>
void StartCall(const CallSettings& settings, Request request, StartFn start, DoneFn done) {
  auto* call = new PendingCall<Request, Response>;
  call->request = std::move(request);
  settings.Apply(&call->context);
  start(&call->context, &call->request, &call->response,
        [call, done = std::move(done)](grpc::Status status) mutable {
          // gRPC keeps its own reference to the call, so the context may go right away. It goes
          // before `done` runs: the last `done` of a run lets the driver finish, and the process
          // may tear down its channels while this thread would still be freeing the call.
          Response response = std::move(call->response);
          delete call;
          done(status, response);
        });
}

// Waits for a number of asynchronous operations to finish; keeps the first error.
class Latch {
 public:
  Latch() = default;
  // The thread whose Done let Wait return may still be inside the mutex's unlock.
  ~Latch() { absl::MutexLock lock(&mu_); }
  Latch(const Latch&) = delete;
  Latch& operator=(const Latch&) = delete;

  void Add(int n = 1) {
    absl::MutexLock lock(&mu_);
    pending_ += n;
  }
  void Done(const absl::Status& status = absl::OkStatus()) {
    absl::MutexLock lock(&mu_);
    --pending_;
    if (!status.ok() && first_error_.ok()) first_error_ = status;
  }
  // False when `timeout` passed first.
  bool Wait(absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    return mu_.AwaitWithTimeout(absl::Condition(this, &Latch::IdleLocked), timeout);
  }
  absl::Status first_error() {
    absl::MutexLock lock(&mu_);
    return first_error_;
  }

 private:
  bool IdleLocked() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return pending_ == 0; }

  absl::Mutex mu_;
  int64_t pending_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status first_error_ ABSL_GUARDED_BY(mu_);
};

absl::Status FromGrpc(const grpc::Status& status, absl::string_view what) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      absl::StrCat(what, ": ", status.error_message()));
}

// Runs `count` set-up operations, at most kSetUpInFlight at once: `one(i, finished)` starts
// operation i and calls `finished(status)` exactly once when it is over (every call has a
// deadline, so they all end). Returns the first error.
absl::Status RunSetUp(int count,
                      const std::function<void(int, std::function<void(absl::Status)>)>& one) {
  Latch latch;
  std::atomic<int> next{0};
  // Each finished operation starts the next one, so kSetUpInFlight chains run side by side.
  std::function<void()> chain;
  chain = [&]() {
    const int i = next.fetch_add(1);
    if (i >= count) return;
    latch.Add();
    one(i, [&](absl::Status status) {
      chain();
      latch.Done(status);
    });
  };
  latch.Add();  // holds the latch open while the chains start
  for (int k = 0; k < kSetUpInFlight; ++k) chain();
  latch.Done();
  latch.Wait(absl::InfiniteDuration());
  return latch.first_error();
}

// ---------------------------------------------------------------------------------------------
// Workloads.

// Everything a workload is built from.
struct Env {
  const Flags* flags = nullptr;
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  CallSettings settings;
  std::mt19937_64* rng = nullptr;
  std::vector<std::string>* warnings = nullptr;
};

// One kind of call the load is made of. Start may be called from any thread.
class Workload {
 public:
  using Done = std::function<void(grpc::StatusCode)>;
  virtual ~Workload() = default;
  // Prepares what the calls need (ids, disputes) with calls that are not measured.
  virtual absl::Status SetUp() { return absl::OkStatus(); }
  // Starts call number `seq` on channel `channel`; `done` runs once, on a gRPC thread, with
  // the code of the measured call.
  virtual void Start(uint64_t seq, int channel, Done done) = 0;
};

template <typename Service>
std::vector<std::unique_ptr<typename Service::Stub>> MakeStubs(const Env& env) {
  std::vector<std::unique_ptr<typename Service::Stub>> stubs;
  for (const auto& channel : env.channels) stubs.push_back(Service::NewStub(channel));
  return stubs;
}

// IndicatorsService.ListIndicators with an empty request (current month, the caller's
// scope): "indicators" on a track, "empty" on bench_server.
class IndicatorsWorkload final : public Workload {
 public:
  explicit IndicatorsWorkload(const Env& env)
      : env_(env), stubs_(MakeStubs<v1::IndicatorsService>(env)) {}

  void Start(uint64_t, int channel, Done done) override {
    v1::IndicatorsService::Stub* stub = stubs_[channel].get();
    StartCall<v1::ListIndicatorsRequest, v1::ListIndicatorsResponse>(
        env_.settings, v1::ListIndicatorsRequest(),
        [stub](auto* context, auto* request, auto* response, auto callback) {
          stub->async()->ListIndicators(context, request, response, std::move(callback));
        },
        [done = std::move(done)](const grpc::Status& status, const auto&) {
          done(status.error_code());
        });
  }

 private:
  const Env& env_;
  std::vector<std::unique_ptr<v1::IndicatorsService::Stub>> stubs_;
};

// IndicatorsService.ListRankings by street for the current month.
class RankingWorkload final : public Workload {
 public:
  explicit RankingWorkload(const Env& env)
      : env_(env), stubs_(MakeStubs<v1::IndicatorsService>(env)) {}

  void Start(uint64_t, int channel, Done done) override {
    v1::IndicatorsService::Stub* stub = stubs_[channel].get();
    v1::ListRankingsRequest request;
    request.set_dimension(v1::RANKING_DIMENSION_STREET);
    StartCall<v1::ListRankingsRequest, v1::ListRankingsResponse>(
        env_.settings, std::move(request),
        [stub](auto* context, auto* request, auto* response, auto callback) {
          stub->async()->ListRankings(context, request, response, std::move(callback));
        },
        [done = std::move(done)](const grpc::Status& status, const auto&) {
          done(status.error_code());
        });
  }

 private:
  const Env& env_;
  std::vector<std::unique_ptr<v1::IndicatorsService::Stub>> stubs_;
};

// Base of the MediationService workloads: the stubs and an async GetDispute.
class MediationWorkload : public Workload {
 protected:
  explicit MediationWorkload(const Env& env)
      : env_(env), stubs_(MakeStubs<mv1::MediationService>(env)) {}

  mv1::MediationService::Stub* stub(int channel) { return stubs_[channel].get(); }

  template <typename DoneFn>
  void GetDispute(int channel, const std::string& id, DoneFn done) {
    mv1::MediationService::Stub* s = stub(channel);
    mv1::GetDisputeRequest request;
    request.set_id(id);
    StartCall<mv1::GetDisputeRequest, mv1::GetDisputeResponse>(
        env_.settings, std::move(request),
        [s](auto* context, auto* request, auto* response, auto callback) {
          s->async()->GetDispute(context, request, response, std::move(callback));
        },
        std::move(done));
  }

  absl::StatusOr<std::unique_ptr<regions::RegionRegistry>> LoadRegions() {
    auto loaded = regions::RegionRegistry::LoadFile(env_.flags->regions_file);
    if (!loaded.ok()) {
      return absl::Status(
          loaded.status().code(),
          absl::StrCat("regions file ", env_.flags->regions_file, ": ", loaded.status().message()));
    }
    if ((*loaded)->streets().empty()) {
      return absl::FailedPreconditionError("the region registry has no streets");
    }
    return loaded;
  }

  const Env& env_;

 private:
  std::vector<std::unique_ptr<mv1::MediationService::Stub>> stubs_;
};

// GetDispute over a hot set of ids that set-up lists and reads once, so that every measured
// read is a cache hit. Ids are taken in a shuffled order, cycling.
class GetHitWorkload final : public MediationWorkload {
 public:
  explicit GetHitWorkload(const Env& env) : MediationWorkload(env) {}

  absl::Status SetUp() override {
    const int want = env_.flags->ids;
    mv1::ListDisputesRequest request;
    request.set_page_size(kListPage);
    while (static_cast<int>(ids_.size()) < want) {
      grpc::ClientContext context;
      env_.settings.Apply(&context);
      mv1::ListDisputesResponse response;
      grpc::Status status = stub(0)->ListDisputes(&context, request, &response);
      if (!status.ok()) return FromGrpc(status, "ListDisputes");
      for (const mv1::Dispute& d : response.disputes()) {
        if (static_cast<int>(ids_.size()) < want) ids_.push_back(d.id());
      }
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    if (ids_.empty()) return absl::FailedPreconditionError("the target has no disputes to read");
    if (static_cast<int>(ids_.size()) < want) {
      env_.warnings->push_back(
          absl::StrFormat("get_hit: only %d disputes exist; hot set is %d, not %d", ids_.size(),
                          ids_.size(), want));
    }
    std::shuffle(ids_.begin(), ids_.end(), *env_.rng);
    // One read of each id puts it in the cache before the run starts.
    return RunSetUp(
        static_cast<int>(ids_.size()), [this](int i, std::function<void(absl::Status)> finished) {
          GetDispute(i % env_.flags->channels, ids_[i],
                     [finished = std::move(finished)](const grpc::Status& status, const auto&) {
                       finished(status.ok() ? absl::OkStatus() : FromGrpc(status, "GetDispute"));
                     });
        });
  }

  void Start(uint64_t seq, int channel, Done done) override {
    GetDispute(channel, ids_[seq % ids_.size()],
               [done = std::move(done)](const grpc::Status& status, const auto&) {
                 done(status.error_code());
               });
  }

 private:
  std::vector<std::string> ids_;
};

// GetDispute walking <prefix>-000001..<prefix>-<count> from a random start, each id once, so
// every read misses the cache (unless the run makes more calls than there are ids).
class GetMissWorkload final : public MediationWorkload {
 public:
  explicit GetMissWorkload(const Env& env) : MediationWorkload(env) {
    start_ = static_cast<int64_t>((*env.rng)() % static_cast<uint64_t>(env.flags->id_count));
  }

  void Start(uint64_t seq, int channel, Done done) override {
    const int64_t count = env_.flags->id_count;
    if (static_cast<int64_t>(seq) >= count) wrapped_.store(true, std::memory_order_relaxed);
    const int64_t n = (start_ + static_cast<int64_t>(seq % static_cast<uint64_t>(count))) % count;
    GetDispute(channel, absl::StrFormat("%s-%06d", env_.flags->id_prefix, n + 1),
               [done = std::move(done)](const grpc::Status& status, const auto&) {
                 done(status.error_code());
               });
  }

  // True once more calls were made than there are ids (later reads may hit the cache).
  bool wrapped() const { return wrapped_.load(std::memory_order_relaxed); }

 private:
  int64_t start_ = 0;
  std::atomic<bool> wrapped_{false};
};

// A valid new neighbourhood dispute in a street and community of the registry.
mv1::Dispute NewDispute(const governance::v1::RegionRef& region) {
  mv1::Dispute dispute;
  dispute.set_category(mv1::DISPUTE_CATEGORY_NEIGHBOURHOOD);
  dispute.set_channel(mv1::INTAKE_CHANNEL_WALK_IN);
  *dispute.mutable_region() = region;
  dispute.set_summary("load test dispute");
  mv1::Party* party = dispute.add_parties();
  party->set_role(mv1::PARTY_ROLE_APPLICANT);
  party->set_name("张某");
  return dispute;
}

// A request id no earlier run can have used: creates must create, not replay.
std::string RunId() {
  std::random_device device;
  return absl::StrFormat("lg-%08x%08x-%x", device(), device(), getpid());
}

// The registry's (street, community) pairs, community by community across the streets.
std::vector<governance::v1::RegionRef> Places(const regions::RegionRegistry& registry) {
  std::vector<governance::v1::RegionRef> places;
  for (const auto* street : registry.streets()) {
    const auto communities = registry.CommunitiesOf(street->id());
    if (communities.empty()) {
      governance::v1::RegionRef ref;
      ref.set_street_id(street->id());
      places.push_back(std::move(ref));
    }
    for (const auto* community : communities) {
      governance::v1::RegionRef ref;
      ref.set_street_id(street->id());
      ref.set_community_id(community->id());
      places.push_back(std::move(ref));
    }
  }
  return places;
}

// CreateDispute with a fresh request id each, spread over the district's communities.
class CreateWorkload final : public MediationWorkload {
 public:
  explicit CreateWorkload(const Env& env) : MediationWorkload(env), run_id_(RunId()) {}

  absl::Status SetUp() override {
    auto registry = LoadRegions();
    if (!registry.ok()) return registry.status();
    places_ = Places(**registry);
    return absl::OkStatus();
  }

  void Start(uint64_t seq, int channel, Done done) override {
    mv1::MediationService::Stub* s = stub(channel);
    mv1::CreateDisputeRequest request;
    request.set_request_id(absl::StrCat(run_id_, "-", seq));
    *request.mutable_dispute() = NewDispute(places_[seq % places_.size()]);
    StartCall<mv1::CreateDisputeRequest, mv1::CreateDisputeResponse>(
        env_.settings, std::move(request),
        [s](auto* context, auto* request, auto* response, auto callback) {
          s->async()->CreateDispute(context, request, response, std::move(callback));
        },
        [done = std::move(done)](const grpc::Status& status, const auto&) {
          done(status.error_code());
        });
  }

 private:
  const std::string run_id_;
  std::vector<governance::v1::RegionRef> places_;
};

// ListDisputes, one page of 50, filtered by street, cycling over the streets.
class ListWorkload final : public MediationWorkload {
 public:
  explicit ListWorkload(const Env& env) : MediationWorkload(env) {}

  absl::Status SetUp() override {
    auto registry = LoadRegions();
    if (!registry.ok()) return registry.status();
    for (const auto* street : (*registry)->streets()) streets_.push_back(street->id());
    return absl::OkStatus();
  }

  void Start(uint64_t seq, int channel, Done done) override {
    mv1::MediationService::Stub* s = stub(channel);
    mv1::ListDisputesRequest request;
    request.set_page_size(50);
    request.mutable_region()->set_street_id(streets_[seq % streets_.size()]);
    StartCall<mv1::ListDisputesRequest, mv1::ListDisputesResponse>(
        env_.settings, std::move(request),
        [s](auto* context, auto* request, auto* response, auto callback) {
          s->async()->ListDisputes(context, request, response, std::move(callback));
        },
        [done = std::move(done)](const grpc::Status& status, const auto&) {
          done(status.error_code());
        });
  }

 private:
  std::vector<std::string> streets_;
};

// RecordSession — a move that writes history and bumps the version — on disputes prepared in
// IN_MEDIATION at set-up, --pool of them per concurrency slot (spreading the history each one
// grows). A dispute is used by one call at a time and its etag is kept from the previous
// response, so no call is ABORTED for a stale etag; a call that finds no free dispute waits
// for one (its latency still counts from its intended send time).
class TransitionWorkload final : public MediationWorkload {
 public:
  explicit TransitionWorkload(const Env& env) : MediationWorkload(env), run_id_(RunId()) {}
  // Etag refreshes outlive the calls they follow: wait for them before going away.
  ~TransitionWorkload() override { refreshes_.Wait(absl::InfiniteDuration()); }

  absl::Status SetUp() override {
    auto registry = LoadRegions();
    if (!registry.ok()) return registry.status();
    absl::StatusOr<std::vector<Target>> targets = FindTargets(**registry);
    if (!targets.ok()) return targets.status();

    const int count = env_.flags->concurrency * env_.flags->pool;
    disputes_.resize(count);
    absl::Status prepared =
        RunSetUp(count, [this, &targets](int i, std::function<void(absl::Status)> finished) {
          Prepare(i, (*targets)[i % targets->size()], std::move(finished));
        });
    if (!prepared.ok()) return prepared;
    absl::MutexLock lock(&mu_);
    for (int i = count - 1; i >= 0; --i) free_.push_back(i);
    return absl::OkStatus();
  }

  void Start(uint64_t, int channel, Done done) override {
    int index;
    {
      absl::MutexLock lock(&mu_);
      if (free_.empty()) {
        waiting_.push_back({channel, std::move(done)});
        return;
      }
      index = free_.back();
      free_.pop_back();
    }
    Send(index, channel, std::move(done));
  }

 private:
  // A body with a mediator, and where its disputes may be placed.
  struct Target {
    std::string mediator_id;
    std::string body_id;
    governance::v1::RegionRef region;
  };
  struct Prepared {
    std::string id;
    std::string etag;  // touched only by the call holding the dispute
  };
  struct Waiter {
    int channel;
    Done done;
  };

  // Bodies that have a mediator (any page of ListMediators), each with a place its disputes
  // can be in: the body's own street and community, or any place for district-level bodies.
  absl::StatusOr<std::vector<Target>> FindTargets(const regions::RegionRegistry& registry) {
    constexpr int kMaxTargets = 16;
    absl::flat_hash_map<std::string, std::string> mediator_of_body;
    std::vector<std::string> bodies;
    mv1::ListMediatorsRequest request;
    request.set_page_size(kListPage);
    while (static_cast<int>(bodies.size()) < kMaxTargets) {
      grpc::ClientContext context;
      env_.settings.Apply(&context);
      mv1::ListMediatorsResponse response;
      grpc::Status status = stub(0)->ListMediators(&context, request, &response);
      if (!status.ok()) return FromGrpc(status, "ListMediators");
      for (const mv1::Mediator& m : response.mediators()) {
        if (mediator_of_body.emplace(m.body_id(), m.id()).second) bodies.push_back(m.body_id());
      }
      if (response.next_page_token().empty()) break;
      request.set_page_token(response.next_page_token());
    }
    const std::vector<governance::v1::RegionRef> places = Places(registry);
    std::vector<Target> targets;
    for (const std::string& body_id : bodies) {
      if (static_cast<int>(targets.size()) >= kMaxTargets) break;
      grpc::ClientContext context;
      env_.settings.Apply(&context);
      mv1::GetMediatingBodyRequest get;
      get.set_id(body_id);
      mv1::GetMediatingBodyResponse response;
      grpc::Status status = stub(0)->GetMediatingBody(&context, get, &response);
      if (!status.ok()) return FromGrpc(status, "GetMediatingBody");
      Target target{mediator_of_body[body_id], body_id, response.body().region()};
      if (target.region.street_id().empty()) {
        target.region = places[targets.size() % places.size()];
      } else if (target.region.community_id().empty()) {
        const auto communities = registry.CommunitiesOf(target.region.street_id());
        if (!communities.empty()) target.region.set_community_id(communities.front()->id());
      }
      targets.push_back(std::move(target));
    }
    if (targets.empty()) {
      return absl::FailedPreconditionError("the target has no mediators to assign disputes to");
    }
    return targets;
  }

  // Create -> Triage (to the target's body) -> AssignMediator, one after the other.
  void Prepare(int i, const Target& target, std::function<void(absl::Status)> finished) {
    const int channel = i % env_.flags->channels;
    mv1::MediationService::Stub* s = stub(channel);
    mv1::CreateDisputeRequest create;
    create.set_request_id(absl::StrCat(run_id_, "-", i));
    *create.mutable_dispute() = NewDispute(target.region);
    StartCall<mv1::CreateDisputeRequest, mv1::CreateDisputeResponse>(
        env_.settings, std::move(create),
        [s](auto* c, auto* req, auto* resp, auto cb) {
          s->async()->CreateDispute(c, req, resp, std::move(cb));
        },
        [this, s, i, target, finished = std::move(finished)](
            const grpc::Status& status, const mv1::CreateDisputeResponse& created) mutable {
          if (!status.ok()) return finished(FromGrpc(status, "CreateDispute"));
          mv1::TriageDisputeRequest triage;
          triage.set_id(created.dispute().id());
          triage.set_etag(created.dispute().etag());
          triage.set_body_id(target.body_id);
          StartCall<mv1::TriageDisputeRequest, mv1::TriageDisputeResponse>(
              env_.settings, std::move(triage),
              [s](auto* c, auto* req, auto* resp, auto cb) {
                s->async()->TriageDispute(c, req, resp, std::move(cb));
              },
              [this, s, i, target, finished = std::move(finished)](
                  const grpc::Status& status, const mv1::TriageDisputeResponse& triaged) mutable {
                if (!status.ok()) return finished(FromGrpc(status, "TriageDispute"));
                mv1::AssignMediatorRequest assign;
                assign.set_id(triaged.dispute().id());
                assign.set_etag(triaged.dispute().etag());
                assign.set_mediator_id(target.mediator_id);
                StartCall<mv1::AssignMediatorRequest, mv1::AssignMediatorResponse>(
                    env_.settings, std::move(assign),
                    [s](auto* c, auto* req, auto* resp, auto cb) {
                      s->async()->AssignMediator(c, req, resp, std::move(cb));
                    },
                    [this, i, finished = std::move(finished)](
                        const grpc::Status& status, const mv1::AssignMediatorResponse& assigned) {
                      if (!status.ok()) return finished(FromGrpc(status, "AssignMediator"));
                      disputes_[i] = {assigned.dispute().id(), assigned.dispute().etag()};
                      finished(absl::OkStatus());
                    });
              });
        });
  }

  void Send(int index, int channel, Done done) {
    mv1::MediationService::Stub* s = stub(channel);
    mv1::RecordSessionRequest request;
    request.set_id(disputes_[index].id);
    request.set_etag(disputes_[index].etag);
    // Now: after the dispute was taken in (set-up finished before), and not in the future on
    // the server's clock when it checks (same machine, later).
    const absl::Time now = absl::Now();
    google::protobuf::Timestamp* hold = request.mutable_session()->mutable_hold_time();
    hold->set_seconds(absl::ToUnixSeconds(now));
    hold->set_nanos(static_cast<int32_t>((now - absl::FromUnixSeconds(hold->seconds())) /
                                         absl::Nanoseconds(1)));
    request.mutable_session()->set_location("community mediation room");
    request.mutable_session()->set_note("load test session");
    StartCall<mv1::RecordSessionRequest, mv1::RecordSessionResponse>(
        env_.settings, std::move(request),
        [s](auto* c, auto* req, auto* resp, auto cb) {
          s->async()->RecordSession(c, req, resp, std::move(cb));
        },
        [this, index, channel, done = std::move(done)](const grpc::Status& status,
                                                       const mv1::RecordSessionResponse& response) {
          // The dispute is handed on before `done`: once the last `done` has run, the driver
          // may end the run and only the refreshes (counted) may still use this object.
          if (status.ok()) {
            disputes_[index].etag = response.dispute().etag();
            Release(index);
          } else {
            refreshes_.Add();
            Refresh(index, channel);
          }
          done(status.error_code());
        });
  }

  // After a failed move the etag may be stale: read it again before the next call uses it.
  void Refresh(int index, int channel) {
    GetDispute(channel, disputes_[index].id,
               [this, index](const grpc::Status& status, const mv1::GetDisputeResponse& got) {
                 if (status.ok()) disputes_[index].etag = got.dispute().etag();
                 Release(index);
                 refreshes_.Done();
               });
  }

  void Release(int index) {
    Waiter next;
    {
      absl::MutexLock lock(&mu_);
      if (waiting_.empty()) {
        free_.push_back(index);
        return;
      }
      next = std::move(waiting_.front());
      waiting_.pop_front();
    }
    Send(index, next.channel, std::move(next.done));
  }

  const std::string run_id_;
  std::vector<Prepared> disputes_;  // sized at set-up, then fixed
  absl::Mutex mu_;
  std::vector<int> free_ ABSL_GUARDED_BY(mu_);
  std::deque<Waiter> waiting_ ABSL_GUARDED_BY(mu_);
  Latch refreshes_;
};

// A reply's bytes.
std::string BytesOf(const grpc::ByteBuffer& buffer) {
  std::vector<grpc::Slice> slices;
  std::string bytes;
  if (buffer.Dump(&slices).ok()) {
    for (const grpc::Slice& s : slices) {
      bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
    }
  }
  return bytes;
}

// Base of the track_* workloads: a service's create and get as the flags name them, called
// with the generic stub on serialized requests.
class TrackWorkload : public Workload {
 protected:
  explicit TrackWorkload(const Env& env)
      : env_(env), calls_(*env.flags->track), number_base_(RunNumberBase()) {
    for (const auto& channel : env.channels) {
      stubs_.push_back(std::make_unique<grpc::GenericStub>(channel));
    }
  }

  // Calls `path` with the serialized `request`; `done(status, response)` as for StartCall.
  template <typename DoneFn>
  void Call(const std::string& path, const std::string& request, int channel, DoneFn done) {
    grpc::GenericStub* stub = stubs_[channel].get();
    grpc::Slice slice(request);
    StartCall<grpc::ByteBuffer, grpc::ByteBuffer>(
        env_.settings, grpc::ByteBuffer(&slice, 1),
        [stub, &path](auto* context, auto* request, auto* response, auto callback) {
          stub->UnaryCall(context, path, grpc::StubOptions(), request, response,
                          std::move(callback));
        },
        std::move(done));
  }

  // The create with the run's n-th number in $N.
  template <typename DoneFn>
  void Create(uint64_t n, int channel, DoneFn done) {
    absl::StatusOr<std::string> request = calls_.create->Fill(absl::StrCat(number_base_ + n));
    if (!request.ok()) {
      // The template was checked with a number as long as any of the run's.
      std::fprintf(stderr, "loadgen: --create_request: %s\n", request.status().ToString().c_str());
      std::_Exit(1);
    }
    Call(calls_.create_path, *request, channel, std::move(done));
  }

  // The id of the item in a create's response (--item_field).
  absl::StatusOr<std::string> ItemId(const grpc::ByteBuffer& response) const {
    std::unique_ptr<Message> reply(google::protobuf::MessageFactory::generated_factory()
                                       ->GetPrototype(calls_.create_response)
                                       ->New());
    if (!reply->ParseFromString(BytesOf(response))) {
      return absl::InternalError(absl::StrCat(calls_.create_name, ": the reply is not a ",
                                              calls_.create_response->full_name()));
    }
    const Message& item = reply->GetReflection()->GetMessage(*reply, calls_.item);
    std::string id =
        item.GetReflection()->GetString(item, item.GetDescriptor()->FindFieldByName("id"));
    if (id.empty()) {
      return absl::FailedPreconditionError(
          absl::StrCat(calls_.create_name, ": the reply's ", calls_.item->name(), " has no id"));
    }
    return id;
  }

  const Env& env_;
  const TrackCalls& calls_;

 private:
  const uint64_t number_base_;
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs_;
};

// The track's create, each call with a number of its own in $N: every call creates an item.
class TrackCreateWorkload final : public TrackWorkload {
 public:
  explicit TrackCreateWorkload(const Env& env) : TrackWorkload(env) {}

  void Start(uint64_t seq, int channel, Done done) override {
    Create(seq, channel, [done = std::move(done)](const grpc::Status& status, const auto&) {
      done(status.error_code());
    });
  }
};

// The track's get over --ids items created at set-up and read once there (so that they are in
// the cache), then read in turn.
class TrackGetHitWorkload final : public TrackWorkload {
 public:
  explicit TrackGetHitWorkload(const Env& env) : TrackWorkload(env) {}

  absl::Status SetUp() override {
    const int count = env_.flags->ids;
    std::vector<std::string> ids(count);
    absl::Status created =
        RunSetUp(count, [this, &ids](int i, std::function<void(absl::Status)> finished) {
          Create(static_cast<uint64_t>(i), i % env_.flags->channels,
                 [this, &ids, i, finished = std::move(finished)](const grpc::Status& status,
                                                                 const grpc::ByteBuffer& response) {
                   if (!status.ok()) return finished(FromGrpc(status, calls_.create_name));
                   absl::StatusOr<std::string> id = ItemId(response);
                   if (id.ok()) ids[i] = *std::move(id);
                   finished(id.status());
                 });
        });
    if (!created.ok()) return created;
    for (const std::string& id : ids) {
      absl::StatusOr<std::string> request = calls_.get->Fill(id);
      if (!request.ok()) return request.status();
      requests_.push_back(*std::move(request));
    }
    // One read of each item puts it in the cache before the run starts.
    return RunSetUp(count, [this](int i, std::function<void(absl::Status)> finished) {
      Call(calls_.get_path, requests_[i], i % env_.flags->channels,
           [this, finished = std::move(finished)](const grpc::Status& status, const auto&) {
             finished(status.ok() ? absl::OkStatus() : FromGrpc(status, calls_.get_name));
           });
    });
  }

  void Start(uint64_t seq, int channel, Done done) override {
    Call(calls_.get_path, requests_[seq % requests_.size()], channel,
         [done = std::move(done)](const grpc::Status& status, const auto&) {
           done(status.error_code());
         });
  }

 private:
  std::vector<std::string> requests_;  // serialized, one per item; fixed after set-up
};

// Reads the bool at `path` (single message fields, then a bool) from the message `in` is
// positioned at, up to its end or limit, into *value, which keeps its value when the field is
// absent (a bool's default is false). False when the bytes are not a message.
bool ReadBool(google::protobuf::io::CodedInputStream* in,
              absl::Span<const FieldDescriptor* const> path, bool* value) {
  using google::protobuf::internal::WireFormatLite;
  for (uint32_t tag = in->ReadTag(); tag != 0; tag = in->ReadTag()) {
    const bool wanted = WireFormatLite::GetTagFieldNumber(tag) == path.front()->number();
    const WireFormatLite::WireType type = WireFormatLite::GetTagWireType(tag);
    if (wanted && path.size() == 1 && type == WireFormatLite::WIRETYPE_VARINT) {
      uint64_t v = 0;
      if (!in->ReadVarint64(&v)) return false;
      *value = v != 0;
    } else if (wanted && path.size() > 1 && type == WireFormatLite::WIRETYPE_LENGTH_DELIMITED) {
      int length = 0;
      if (!in->ReadVarintSizeAsInt(&length)) return false;
      const google::protobuf::io::CodedInputStream::Limit limit = in->PushLimit(length);
      if (!ReadBool(in, path.subspan(1), value) || !in->ConsumedEntireMessage()) return false;
      in->PopLimit(limit);
    } else if (!WireFormatLite::SkipField(in, tag)) {
      return false;
    }
  }
  // Tag 0: the end of the bytes or of the limit, or bytes that are not a tag.
  return in->ConsumedEntireMessage();
}

// One unary method with one request, the same every call (--service, --method, --request),
// sent with the generic stub; with --check, an OK reply whose boolean field at the path is
// false counts as kCheckFailed.
class CallWorkload final : public Workload {
 public:
  explicit CallWorkload(const Env& env) : env_(env), call_(*env.flags->call) {
    for (const auto& channel : env.channels) {
      stubs_.push_back(std::make_unique<grpc::GenericStub>(channel));
    }
  }

  // One call on every channel, not measured, which must succeed and pass the check: a method
  // the target does not serve, or a reply failing the check from the start (a cockpit whose
  // tracks cannot be reached), ends the run before any load.
  absl::Status SetUp() override {
    return RunSetUp(
        env_.flags->channels, [this](int i, std::function<void(absl::Status)> finished) {
          Send(i, [this, finished = std::move(finished)](const grpc::Status& status,
                                                         const grpc::ByteBuffer& reply) {
            if (!status.ok()) return finished(FromGrpc(status, call_.name));
            if (Outcome(status, reply) == kCheckFailed) {
              return finished(absl::FailedPreconditionError(absl::StrCat(
                  call_.name, ": the reply's ", env_.flags->check, " is false (or unreadable)")));
            }
            finished(absl::OkStatus());
          });
        });
  }

  void Start(uint64_t, int channel, Done done) override {
    Send(channel,
         [this, done = std::move(done)](const grpc::Status& status, const grpc::ByteBuffer& reply) {
           done(Outcome(status, reply));
         });
  }

 private:
  template <typename DoneFn>
  void Send(int channel, DoneFn done) {
    grpc::GenericStub* stub = stubs_[channel].get();
    const std::string* path = &call_.path;
    grpc::Slice slice(call_.request);
    StartCall<grpc::ByteBuffer, grpc::ByteBuffer>(
        env_.settings, grpc::ByteBuffer(&slice, 1),
        [stub, path](auto* context, auto* request, auto* response, auto callback) {
          stub->UnaryCall(context, *path, grpc::StubOptions(), request, response,
                          std::move(callback));
        },
        std::move(done));
  }

  // The call's code; kCheckFailed for an OK reply whose checked field is false or that cannot
  // be read. Runs before the call's latency is taken, so it reads the one field off the wire
  // instead of parsing the reply (a few microseconds for a cockpit).
  grpc::StatusCode Outcome(const grpc::Status& status, const grpc::ByteBuffer& reply) const {
    if (!status.ok() || call_.check.empty()) return status.error_code();
    const std::string bytes = BytesOf(reply);
    google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(bytes.data()),
                                              static_cast<int>(bytes.size()));
    bool value = false;
    return ReadBool(&in, call_.check, &value) && value ? grpc::StatusCode::OK : kCheckFailed;
  }

  const Env& env_;
  const FixedCall& call_;
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs_;
};

std::unique_ptr<Workload> MakeWorkload(const Env& env) {
  const std::string& w = env.flags->workload;
  if (w == "empty" || w == "indicators") return std::make_unique<IndicatorsWorkload>(env);
  if (w == "ranking") return std::make_unique<RankingWorkload>(env);
  if (w == "get_hit") return std::make_unique<GetHitWorkload>(env);
  if (w == "get_miss") return std::make_unique<GetMissWorkload>(env);
  if (w == "create") return std::make_unique<CreateWorkload>(env);
  if (w == "list") return std::make_unique<ListWorkload>(env);
  if (w == "track_create") return std::make_unique<TrackCreateWorkload>(env);
  if (w == "track_get_hit") return std::make_unique<TrackGetHitWorkload>(env);
  if (w == "call") return std::make_unique<CallWorkload>(env);
  return std::make_unique<TransitionWorkload>(env);
}

// ---------------------------------------------------------------------------------------------
// Drivers.

// Runs the load from `start` until `t1`, recording the calls whose intended send time is in
// [t0, t1).
class Driver {
 public:
  Driver(const Flags& flags, Workload* workload, Stats* stats, int64_t start, int64_t t0,
         int64_t t1)
      : flags_(flags), workload_(workload), stats_(stats), start_(start), t0_(t0), t1_(t1) {}

  // Closed loop: --concurrency slots, each starting its next call when the previous ends.
  void StartClosed() {
    for (int slot = 0; slot < flags_.concurrency; ++slot) {
      in_flight_.Add();
      IssueClosed(slot);
    }
  }

  // Open loop: calls at start + i/rate, made on time whatever is outstanding. Returns when
  // the last call of the window has been started.
  void RunOpen() {
    const double interval = kNanosPerSecond / flags_.rate;
    for (uint64_t i = 0;; ++i) {
      const int64_t intended = start_ + std::llround(static_cast<double>(i) * interval);
      if (intended >= t1_) break;
      SleepUntil(intended);
      const bool measured = intended >= t0_;
      if (measured && NowNanos() - intended > kLateNanos) {
        stats_->late.fetch_add(1, std::memory_order_relaxed);
      }
      const int64_t outstanding = outstanding_.fetch_add(1, std::memory_order_relaxed);
      if (measured && outstanding >= flags_.concurrency) {
        stats_->over_concurrency.fetch_add(1, std::memory_order_relaxed);
      }
      in_flight_.Add();
      workload_->Start(i, static_cast<int>(i % flags_.channels),
                       [this, intended](grpc::StatusCode code) {
                         Complete(intended, code);
                         outstanding_.fetch_sub(1, std::memory_order_relaxed);
                         in_flight_.Done();
                       });
    }
  }

  // Waits until every call started has ended; false when `timeout` passed first.
  bool WaitIdle(absl::Duration timeout) { return in_flight_.Wait(timeout); }

 private:
  void IssueClosed(int slot) {
    const int64_t intended = NowNanos();
    if (intended >= t1_) {
      in_flight_.Done();
      return;
    }
    const uint64_t seq = next_seq_.fetch_add(1, std::memory_order_relaxed);
    workload_->Start(seq, slot % flags_.channels, [this, slot, intended](grpc::StatusCode code) {
      Complete(intended, code);
      IssueClosed(slot);
    });
  }

  void Complete(int64_t intended, grpc::StatusCode code) {
    if (intended < t0_ || intended >= t1_) return;
    const int64_t now = NowNanos();
    stats_->Record(code, now - intended);
    int64_t last = stats_->last_completion.load(std::memory_order_relaxed);
    while (now > last &&
           !stats_->last_completion.compare_exchange_weak(last, now, std::memory_order_relaxed)) {
    }
  }

  const Flags& flags_;
  Workload* const workload_;
  Stats* const stats_;
  const int64_t start_, t0_, t1_;
  std::atomic<uint64_t> next_seq_{0};
  std::atomic<int64_t> outstanding_{0};
  Latch in_flight_;
};

// ---------------------------------------------------------------------------------------------
// Process sampling.

double CpuSecondsOfSelf() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// utime + stime of a process from /proc/<pid>/stat; nullopt when it cannot be read.
std::optional<double> CpuSecondsOf(int pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  // The command name (field 2) may hold spaces; the fields after it are plain numbers.
  const size_t paren = line.rfind(')');
  if (paren == std::string::npos) return std::nullopt;
  std::vector<std::string> fields =
      absl::StrSplit(line.substr(paren + 1), ' ', absl::SkipWhitespace());
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  int64_t utime = 0, stime = 0;
  if (fields.size() < 13 || !absl::SimpleAtoi(fields[11], &utime) ||
      !absl::SimpleAtoi(fields[12], &stime)) {
    return std::nullopt;
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// A "VmRSS:"-style line of /proc/<pid>/status in kB; nullopt when missing.
std::optional<int64_t> StatusKb(int pid, absl::string_view key) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  std::string line;
  while (std::getline(in, line)) {
    if (!absl::StartsWith(line, key)) continue;
    std::vector<std::string> parts =
        absl::StrSplit(line.substr(key.size()), ' ', absl::SkipWhitespace());
    int64_t kb = 0;
    if (!parts.empty() && absl::SimpleAtoi(parts[0], &kb)) return kb;
  }
  return std::nullopt;
}

// `sample(pid)` summed over `pids`; nullopt when `pids` is empty or any of them has none.
template <typename T, typename SampleFn>
std::optional<T> SumOver(const std::vector<int>& pids, SampleFn sample) {
  if (pids.empty()) return std::nullopt;
  T sum{};
  for (int pid : pids) {
    std::optional<T> value = sample(pid);
    if (!value.has_value()) return std::nullopt;
    sum += *value;
  }
  return sum;
}

std::optional<double> CpuSecondsOf(const std::vector<int>& pids) {
  return SumOver<double>(pids, [](int pid) { return CpuSecondsOf(pid); });
}

std::optional<int64_t> StatusKb(const std::vector<int>& pids, absl::string_view key) {
  return SumOver<int64_t>(pids, [key](int pid) { return StatusKb(pid, key); });
}

// ---------------------------------------------------------------------------------------------
// Output.

std::string JsonString(absl::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += absl::StrFormat("\\u%04x", static_cast<int>(c));
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string JsonOrNull(const std::optional<double>& value) {
  return value.has_value() ? absl::StrFormat("%.3f", *value) : "null";
}

std::string JsonOrNull(const std::optional<int64_t>& value) {
  return value.has_value() ? absl::StrCat(*value) : "null";
}

struct Measured {
  double duration_s = 0;  // the measured window
  // From the window's start until the last measured call ended (at least duration_s): what
  // throughput is computed over, so an overloaded open loop whose calls end long after the
  // window does not report its arrival rate as throughput.
  double elapsed_s = 0;
  double client_cpu_s = 0;
  std::optional<double> server_cpu_s;
  std::optional<int64_t> server_rss_kb;
  std::optional<int64_t> server_hwm_kb;
  uint64_t seed = 0;
  std::vector<std::string> warnings;
};

std::string ResultJson(const Flags& flags, const Stats& stats, const Measured& m) {
  uint64_t requests = 0;
  std::vector<std::string> errors;
  for (int code = 0; code < Stats::kCodes; ++code) {
    const uint64_t n = stats.by_code[code].load();
    requests += n;
    if (code != 0 && n > 0) errors.push_back(absl::StrCat(JsonString(CodeName(code)), ": ", n));
  }
  const uint64_t ok = stats.by_code[0].load();
  auto ms = [&](double q) {
    return absl::StrFormat("%.3f", static_cast<double>(stats.latency.ValueAtQuantile(q)) / 1e6);
  };
  std::vector<std::string> warnings;
  for (const std::string& w : m.warnings) warnings.push_back(JsonString(w));
  std::vector<std::string> fields = {
      absl::StrCat("\"workload\": ", JsonString(flags.workload)),
      absl::StrCat("\"mode\": ", JsonString(flags.mode == Mode::kOpen ? "open" : "closed")),
      absl::StrCat("\"target\": ", JsonString(flags.target)),
      absl::StrCat("\"concurrency\": ", flags.concurrency),
      absl::StrCat("\"channels\": ", flags.channels),
      absl::StrCat("\"rate\": ", absl::StrFormat("%g", flags.rate)),
      absl::StrCat("\"duration_s\": ", absl::StrFormat("%.3f", m.duration_s)),
      absl::StrCat("\"requests\": ", requests),
      absl::StrCat("\"ok\": ", ok),
      absl::StrCat("\"elapsed_s\": ", absl::StrFormat("%.3f", m.elapsed_s)),
      absl::StrCat("\"qps\": ", absl::StrFormat("%.1f", static_cast<double>(ok) / m.elapsed_s)),
      absl::StrCat("\"p50_ms\": ", ms(0.50)),
      absl::StrCat("\"p90_ms\": ", ms(0.90)),
      absl::StrCat("\"p99_ms\": ", ms(0.99)),
      absl::StrCat("\"p999_ms\": ", ms(0.999)),
      absl::StrCat("\"max_ms\": ",
                   absl::StrFormat("%.3f", static_cast<double>(stats.latency.max()) / 1e6)),
      absl::StrCat("\"errors\": {", absl::StrJoin(errors, ", "), "}"),
      absl::StrCat("\"late\": ", stats.late.load()),
      absl::StrCat("\"over_concurrency\": ", stats.over_concurrency.load()),
      absl::StrCat("\"client_cpu_s\": ", absl::StrFormat("%.3f", m.client_cpu_s)),
      absl::StrCat("\"server_cpu_s\": ", JsonOrNull(m.server_cpu_s)),
      absl::StrCat("\"server_rss_kb\": ", JsonOrNull(m.server_rss_kb)),
      absl::StrCat("\"server_hwm_kb\": ", JsonOrNull(m.server_hwm_kb)),
      absl::StrCat("\"seed\": ", m.seed),
      absl::StrCat("\"warnings\": [", absl::StrJoin(warnings, ", "), "]"),
  };
  if (flags.track != nullptr) {
    // The method measured: the create, or the get.
    const std::string& method =
        flags.workload == "track_create" ? flags.track->create_name : flags.track->get_name;
    fields.insert(fields.begin() + 1, absl::StrCat("\"method\": ", JsonString(method)));
  }
  if (flags.call != nullptr) {
    fields.insert(fields.begin() + 1, absl::StrCat("\"method\": ", JsonString(flags.call->name)));
    if (!flags.check.empty())
      fields.push_back(absl::StrCat("\"check\": ", JsonString(flags.check)));
  }
  return absl::StrCat("{", absl::StrJoin(fields, ", "), "}");
}

// ---------------------------------------------------------------------------------------------

// The load's channels: to the target, or with several targets to all of them, round robin.
std::vector<std::shared_ptr<grpc::Channel>> MakeChannels(const Flags& flags) {
  const bool several = flags.targets.size() > 1;
  const std::string address =
      several ? absl::StrCat("ipv4:", absl::StrJoin(flags.targets, ",")) : flags.targets[0];
  std::vector<std::shared_ptr<grpc::Channel>> channels;
  for (int i = 0; i < flags.channels; ++i) {
    grpc::ChannelArguments args;
    // A distinct argument and a private subchannel pool: each channel opens its own
    // connection (one per target) instead of sharing subchannels with the others.
    args.SetInt("gov.loadgen.channel", i);
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    if (several) {
      args.SetServiceConfigJSON(R"({"loadBalancingConfig": [{"round_robin": {}}]})");
    }
    channels.push_back(
        grpc::CreateCustomChannel(address, grpc::InsecureChannelCredentials(), args));
  }
  return channels;
}

// Whether every target accepts a connection by `deadline`; prints the first that does not. A
// round_robin channel is connected as soon as one of its targets is, so each target is tried
// on a channel of its own.
bool TargetsReachable(const Flags& flags, std::chrono::system_clock::time_point deadline) {
  for (const std::string& target : flags.targets) {
    grpc::ChannelArguments args;
    args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
    auto probe = grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
    if (!probe->WaitForConnected(deadline)) {
      std::fprintf(stderr, "loadgen: %s unreachable (no connection within %gs)\n", target.c_str(),
                   flags.connect_timeout_s);
      return false;
    }
  }
  return true;
}

int Run(int argc, char** argv) {
  absl::StatusOr<Flags> parsed = ParseFlags(argc, argv);
  if (!parsed.ok()) {
    std::fprintf(stderr, "loadgen: %s\n%s", std::string(parsed.status().message()).c_str(), kUsage);
    return 2;
  }
  const Flags flags = *std::move(parsed);

  Measured measured;
  measured.seed = flags.seed.value_or(std::random_device()());
  std::mt19937_64 rng(measured.seed);

  Env env;
  env.flags = &flags;
  env.channels = MakeChannels(flags);
  env.settings.authorization = absl::StrCat("Bearer ", flags.token);
  env.settings.deadline = std::chrono::nanoseconds(
      static_cast<int64_t>(flags.deadline_s * static_cast<double>(kNanosPerSecond)));
  env.rng = &rng;
  env.warnings = &measured.warnings;

  const auto connect_deadline =
      std::chrono::system_clock::now() +
      std::chrono::nanoseconds(
          static_cast<int64_t>(flags.connect_timeout_s * static_cast<double>(kNanosPerSecond)));
  if (!TargetsReachable(flags, connect_deadline)) return 1;
  for (const auto& channel : env.channels) {
    if (!channel->WaitForConnected(connect_deadline)) {
      std::fprintf(stderr, "loadgen: %s unreachable (no connection within %gs)\n",
                   flags.target.c_str(), flags.connect_timeout_s);
      return 1;
    }
  }

  std::unique_ptr<Workload> workload = MakeWorkload(env);
  std::fprintf(stderr, "loadgen: %s set-up...\n", flags.workload.c_str());
  if (absl::Status set_up = workload->SetUp(); !set_up.ok()) {
    std::fprintf(stderr, "loadgen: set-up failed: %s\n", set_up.ToString().c_str());
    return 1;
  }

  Stats stats;
  const int64_t start = NowNanos();
  const int64_t t0 = start + std::llround(flags.warmup_s * kNanosPerSecond);
  const int64_t t1 = t0 + std::llround(flags.duration_s * kNanosPerSecond);
  Driver driver(flags, workload.get(), &stats, start, t0, t1);
  std::fprintf(stderr, "loadgen: %s %s, %gs warm-up, %gs measured\n", flags.workload.c_str(),
               flags.mode == Mode::kOpen ? "open" : "closed", flags.warmup_s, flags.duration_s);

  // The open loop's schedule runs on its own thread; this one samples the CPU counters at
  // the window's edges.
  std::thread scheduler;
  if (flags.mode == Mode::kOpen) {
    scheduler = std::thread([&driver] { driver.RunOpen(); });
  } else {
    driver.StartClosed();
  }
  SleepUntil(t0);
  const double client_cpu0 = CpuSecondsOfSelf();
  std::optional<double> server_cpu0;
  if (!flags.server_pids.empty()) server_cpu0 = CpuSecondsOf(flags.server_pids);
  SleepUntil(t1);
  measured.client_cpu_s = CpuSecondsOfSelf() - client_cpu0;
  if (server_cpu0.has_value()) {
    std::optional<double> server_cpu1 = CpuSecondsOf(flags.server_pids);
    if (server_cpu1.has_value()) measured.server_cpu_s = *server_cpu1 - *server_cpu0;
  }
  measured.duration_s = static_cast<double>(t1 - t0) / kNanosPerSecond;
  if (scheduler.joinable()) scheduler.join();

  // Calls of the window still running are waited for; each has a deadline, so this ends.
  const bool idle = driver.WaitIdle(absl::Seconds(flags.deadline_s + 10));
  measured.elapsed_s =
      static_cast<double>(std::max(t1, stats.last_completion.load()) - t0) / kNanosPerSecond;
  if (!flags.server_pids.empty()) {
    measured.server_rss_kb = StatusKb(flags.server_pids, "VmRSS:");
    measured.server_hwm_kb = StatusKb(flags.server_pids, "VmHWM:");
  }
  if (auto* miss = dynamic_cast<GetMissWorkload*>(workload.get()); miss && miss->wrapped()) {
    measured.warnings.push_back(
        "get_miss: more calls than --id_count ids; ids were read twice and may have hit the "
        "cache");
  }
  if (!idle) measured.warnings.push_back("calls still running after their deadline");
  for (const std::string& w : measured.warnings) std::fprintf(stderr, "loadgen: %s\n", w.c_str());

  std::printf("%s\n", ResultJson(flags, stats, measured).c_str());
  std::fflush(stdout);
  if (!idle) {
    // Callbacks still pending reference the driver and workload: leave without unwinding.
    std::_Exit(0);
  }
  return 0;
}

}  // namespace
}  // namespace gov::bench

int main(int argc, char** argv) {
  // A crash writes its signal and stack to stderr, so a failed bench run says where.
  absl::InitializeSymbolizer(argv[0]);
  absl::InstallFailureSignalHandler(absl::FailureSignalHandlerOptions());
  const int code = gov::bench::Run(argc, argv);
  // gRPC's callback threads may still be returning from the last calls' callbacks: leave
  // without running the static destructors under them (the report is written and flushed).
  std::fflush(nullptr);
  std::_Exit(code);
}
