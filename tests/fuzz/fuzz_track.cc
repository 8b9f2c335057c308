// Hostile requests to one track (fuzz_<track>; CMake builds this file once a track, naming it by
// GOV_FUZZ_TRACK, GOV_FUZZ_TRACK_HEADER and GOV_FUZZ_TRACK_CLASS): the input's first byte picks
// a method of the track's services (its own, IndicatorsService, MeetingsService and
// CaseChangesService where served), the second the caller (district_admin mostly, else one of
// the roles the track names), and the rest are the request's bytes, sent raw to the track in
// process (track_fuzzer.h): read by server::ParseRequest, checked by ValidateMessageText and
// served by the track's handlers on its SQLite store.
//
// Findings besides crashes and sanitizer reports: a refused call (any status but OK) that wrote
// to the store; INTERNAL or UNKNOWN for a request (hostile input is the caller's fault, never
// the server's); a unary call that does not end within 20 seconds. GOV_FUZZ_VERBOSE=1 prints
// every call's outcome (replaying an input: what it did); GOV_FUZZ_KNOWN_WRITES (below) names
// methods whose refused writes are a finding known already.
//
// Before fuzzing, the harness sends every method valid-looking requests in rounds (RequestFiller),
// checked alike (what they reach is found on every run, not by chance): the store then holds
// records whose ids the seeds name, and GOV_FUZZ_SEEDS=<dir> writes those requests (and an empty
// one a method) as the seed corpus.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "common/clock/clock.h"
#include "common/track/track_base.h"
#include "google/protobuf/message.h"
#include "tests/fuzz/fuzz_support.h"
#include "tests/fuzz/track_fuzzer.h"
#include GOV_FUZZ_TRACK_HEADER

namespace {

namespace pb = ::google::protobuf;
using gov::fuzz::CallOutcome;
using gov::fuzz::FuzzMethod;
using gov::fuzz::InProcessTrack;

// 2026-04-01 09:00 in the district (Asia/Shanghai): a working day in the demo's year.
const absl::Time kNow = absl::FromUnixSeconds(1775005200);

InProcessTrack* track = nullptr;
// GOV_FUZZ_VERBOSE=1: every call's outcome on stderr (to replay an input and see what it did).
bool verbose = false;
// GOV_FUZZ_KNOWN_WRITES=Method,...: methods whose refused calls are known to write (a finding
// reported and not yet fixed); their writes are noted, not fatal, so that fuzzing can go on past
// them. Unset by default, and then every such write is a finding.
std::set<std::string>* known_writes = nullptr;
// Findings of the requests sent while seeds are written (not fatal then: see WarmUp).
int seed_findings = 0;

std::unique_ptr<pb::Message> NewMessage(const pb::Descriptor* type) {
  return std::unique_ptr<pb::Message>(
      pb::MessageFactory::generated_factory()->GetPrototype(type)->New());
}

// Sends `request` to `method` as caller `caller` (an index of tokens()) and checks the outcome:
// a broken rule is a finding, fatal unless `fatal` is false: then it is printed and counted.
CallOutcome Send(const FuzzMethod& method, size_t caller, const std::string& request,
                 absl::Duration stream_deadline, bool fatal) {
  const int64_t before = track->DataVersion();
  const CallOutcome out = track->Call(method, track->tokens()[caller].token, request,
                                      absl::Seconds(20), stream_deadline);
  const grpc::StatusCode code = out.status.error_code();
  const std::string what =
      absl::StrCat(method.path, " as ", track->tokens()[caller].role, ": code ",
                   static_cast<int>(code), " \"", out.status.error_message(), "\"");
  if (verbose) gov::fuzz::Note(what);
  std::string finding;
  if (code == grpc::StatusCode::INTERNAL || code == grpc::StatusCode::UNKNOWN) {
    finding = absl::StrCat("a request answered as the server's fault: ", what);
  } else if (code == grpc::StatusCode::DEADLINE_EXCEEDED &&
             !method.descriptor->server_streaming()) {
    finding = absl::StrCat("a call did not end in time: ", what);
  } else if (!out.status.ok() && track->DataVersion() != before) {
    if (known_writes->contains(method.descriptor->name())) {
      if (verbose) gov::fuzz::Note("  (known) a refused call wrote to the store");
    } else {
      finding = absl::StrCat("a refused call wrote to the store: ", what);
    }
  }
  if (!finding.empty()) {
    if (fatal) gov::fuzz::Finding(finding);
    gov::fuzz::Note(absl::StrCat("==FINDING== ", finding));
    ++seed_findings;
  }
  return out;
}

std::string Input(size_t method, uint8_t caller, const std::string& request) {
  return absl::StrCat(std::string(1, static_cast<char>(method)),
                      std::string(1, static_cast<char>(caller)), request);
}

// Rounds of valid-looking requests to every method: the first creates records, the next ones
// name them (and move them on). Returns the inputs that send them, for the seed corpus. Their
// outcomes are checked as the fuzzer's are (so a finding these requests reach is found every
// time, before fuzzing): fatal at the fuzz run's start-up; while seeds are written, reported
// (==FINDING== lines and a count) without stopping the seeds.
std::vector<std::string> WarmUp() {
  const bool fatal = gov::fuzz::SeedsDir().empty();
  gov::fuzz::RequestFiller filler(kNow);
  std::vector<std::string> inputs;
  // The methods that served a request of the last round: what the seeds reach beyond the
  // validation (printed when the seeds are written).
  std::vector<std::string> served;
  std::vector<std::string> refused;
  const std::vector<FuzzMethod>& methods = track->methods();
  for (size_t i = 0; i < methods.size(); ++i) {
    inputs.push_back(Input(i, 0, ""));
  }
  constexpr int kRounds = 4;
  for (int round = 0; round < kRounds; ++round) {
    for (size_t i = 0; i < methods.size(); ++i) {
      const FuzzMethod& method = methods[i];
      const std::string& name = method.descriptor->name();
      const int variants = round == 0 ? 1 : filler.Variants(name);
      for (int variant = 0; variant < variants; ++variant) {
        std::unique_ptr<pb::Message> request = NewMessage(method.descriptor->input_type());
        filler.Fill(name, request.get(), round, variant);
        const std::string bytes = request->SerializeAsString();
        const CallOutcome out = Send(method, 0, bytes, absl::Seconds(1), fatal);
        if (out.status.ok()) {
          std::unique_ptr<pb::Message> response = NewMessage(method.descriptor->output_type());
          if (response->ParseFromString(out.response)) filler.Learn(*response);
        }
        if (round == kRounds - 1 && variant == 0) {
          (out.status.ok() ? served : refused)
              .push_back(absl::StrCat(name, out.status.ok() ? "" : ": ",
                                      out.status.ok() ? "" : out.status.error_message()));
        }
        inputs.push_back(Input(i, 0, bytes));
        // The same request from each other caller once.
        if (round == 1 && variant == 0) {
          for (size_t t = 1; t < track->tokens().size(); ++t) {
            inputs.push_back(Input(i, static_cast<uint8_t>(0xC0 + t - 1), bytes));
          }
        }
      }
    }
  }
  if (!gov::fuzz::SeedsDir().empty()) {
    std::fprintf(stderr, "%zu of %zu methods served a filled request:\n", served.size(),
                 methods.size());
    for (const std::string& line : refused) std::fprintf(stderr, "  refused %s\n", line.c_str());
    // Reported, and the seeds still written: the fuzz run's start-up checks the same requests
    // and stops on the first of them.
    if (seed_findings > 0) {
      std::fprintf(stderr, "%d findings among these requests (==FINDING== lines above)\n",
                   seed_findings);
    }
  }
  return inputs;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  gov::fuzz::QuietLogs();
  verbose = std::getenv("GOV_FUZZ_VERBOSE") != nullptr;
  known_writes = new std::set<std::string>();
  if (const char* known = std::getenv("GOV_FUZZ_KNOWN_WRITES"); known != nullptr) {
    for (absl::string_view name : absl::StrSplit(known, ',', absl::SkipEmpty())) {
      known_writes->emplace(name);
    }
  }
  auto* clock = new gov::FakeClock(kNow);
  absl::StatusOr<std::unique_ptr<InProcessTrack>> started = InProcessTrack::Start(
      GOV_FUZZ_TRACK, gov::track::Factory<GOV_FUZZ_TRACK_CLASS>(GOV_FUZZ_TRACK), clock);
  if (!started.ok()) {
    gov::fuzz::Finding(absl::StrCat("the track did not start: ", started.status().ToString()));
  }
  track = started->release();
  const std::vector<std::string> inputs = WarmUp();
  if (!gov::fuzz::SeedsDir().empty()) {
    for (const std::string& input : inputs) gov::fuzz::WriteSeed(input);
    gov::fuzz::SeedsWritten("fuzz_" GOV_FUZZ_TRACK);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const std::vector<FuzzMethod>& methods = track->methods();
  const FuzzMethod& method = methods[data[0] % methods.size()];
  const std::vector<gov::testing::TestToken>& tokens = track->tokens();
  const size_t caller = data[1] < 0xC0 ? 0 : 1 + (data[1] - 0xC0) % (tokens.size() - 1);
  const std::string request(gov::fuzz::Bytes(data + 2, size - 2));

  Send(method, caller, request, absl::Milliseconds(20), /*fatal=*/true);
  return 0;
}
