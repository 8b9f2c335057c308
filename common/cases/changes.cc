#include "common/cases/changes.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "governance/v1/changes.grpc.pb.h"

namespace gov::cases {
namespace {

namespace gv1 = ::governance::v1;

constexpr char kPositionVersion[] = "c1";

bool InScope(const auth::Principal& who, const store::ChangeRecord& c) {
  return who.district_wide() || who.streets.contains(c.street_id);
}

}  // namespace

std::string ChangeStream::EncodePosition(const std::string& store_track,
                                         const std::string& position) {
  return absl::WebSafeBase64Escape(absl::StrCat(kPositionVersion, "|", store_track, "|", position));
}

absl::StatusOr<std::string> ChangeStream::DecodePosition(const std::string& store_track,
                                                         const std::string& token) {
  std::string text;
  const std::string prefix = absl::StrCat(kPositionVersion, "|", store_track, "|");
  if (!absl::WebSafeBase64Unescape(token, &text) || !absl::StartsWith(text, prefix)) {
    return InvalidField("after", "not a position of this kind's change stream");
  }
  return text.substr(prefix.size());
}

absl::Status ChangeStream::Watch(const server::Call& call, const gv1::WatchCaseChangesRequest& in,
                                 server::StreamWriter& out) const {
  const CaseEngine* kind = nullptr;
  std::vector<std::string> names;
  for (const CaseEngine* engine : kinds_) {
    names.push_back(engine->spec().case_kind);
    if (kind == nullptr && (in.kind().empty() || in.kind() == engine->spec().case_kind)) {
      kind = engine;
    }
  }
  if (kind == nullptr) {
    return InvalidField("kind", absl::StrCat("\"", in.kind(), "\" is not a kind of this track's (",
                                             absl::StrJoin(names, ", "), ")"));
  }
  if (in.from_now() && !in.after().empty()) {
    return InvalidField("from_now", "a stream starts after a position or from now, not both");
  }
  const std::string& track = kind->spec().track;
  std::string position;
  if (in.from_now()) {
    GOV_ASSIGN_OR_RETURN(position, repo_->LastChange(track));
  } else if (!in.after().empty()) {
    GOV_ASSIGN_OR_RETURN(position, DecodePosition(track, in.after()));
  }
  bool first = true;
  while (true) {
    absl::StatusOr<std::vector<store::ChangeRecord>> read =
        repo_->ListChanges(track, position, kBatch);
    // The store refuses a position it did not give (another backend's, or made up).
    if (first && absl::IsInvalidArgument(read.status()) && !in.after().empty()) {
      return InvalidField("after", std::string(read.status().message()));
    }
    first = false;
    GOV_ASSIGN_OR_RETURN(const std::vector<store::ChangeRecord> changes, std::move(read));
    gv1::WatchCaseChangesResponse response;
    for (const store::ChangeRecord& c : changes) {
      position = c.position;
      if (!InScope(call.principal, c)) continue;
      gv1::CaseChange* change = response.add_changes();
      change->set_position(EncodePosition(track, c.position));
      change->set_kind(kind->spec().case_kind);
      change->set_case_id(c.case_id);
      change->set_sequence(c.sequence);
      *change->mutable_time() = ToTimestamp(c.time);
      change->set_action(c.action);
      change->set_from_status(c.from_status);
      change->set_to_status(c.to_status);
      change->mutable_region()->set_street_id(c.street_id);
      change->mutable_region()->set_community_id(c.community_id);
      change->set_category(c.category);
      change->set_request_id(c.request_id);
    }
    if (response.changes_size() > 0 && !out.Write(response)) return out.Over();
    if (static_cast<int>(changes.size()) < kBatch && !out.Wait(kPoll)) return out.Over();
  }
}

std::unique_ptr<server::RpcService> MakeChangesService(const ChangeStream* stream,
                                                       server::Handlers* handlers,
                                                       std::vector<std::string> roles) {
  auto service = std::make_unique<server::RpcService>(gv1::CaseChangesService::service_full_name(),
                                                      handlers, std::move(roles));
  service->BindStream<gv1::WatchCaseChangesRequest, gv1::WatchCaseChangesResponse>(
      "WatchCaseChanges",
      [stream](const server::Call& call, const gv1::WatchCaseChangesRequest& in,
               server::StreamWriter& out) { return stream->Watch(call, in, out); });
  return service;
}

}  // namespace gov::cases
