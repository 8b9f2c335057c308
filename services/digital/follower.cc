#include "services/digital/follower.h"

#include <algorithm>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/log/log.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "governance/v1/changes.grpc.pb.h"

// A stream's position is a row of the cursor registry (CursorLayout; model.h): its key the
// stream's "<track>/<kind>", its payload the last position handled.
namespace gov::digital {
namespace {

namespace gv1 = ::governance::v1;

std::string StreamKey(const std::string& track, const std::string& kind) {
  return absl::StrCat(track, "/", kind);
}

}  // namespace

Follower::Follower(Events* events, const registry::Registry* cursors, const Rules* rules,
                   const peers::Peers* peers)
    : events_(events), cursors_(cursors), rules_(rules), peers_(peers) {}

Follower::~Follower() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    for (grpc::ClientContext* context : open_) context->TryCancel();
  }
  for (std::thread& t : threads_) t.join();
}

bool Follower::Stopping() const {
  absl::MutexLock lock(&mu_);
  return stopping_;
}

void Follower::Start() {
  if (peers_ == nullptr || !peers_->enabled()) return;
  std::set<std::pair<std::string, std::string>> streams;
  for (const cv1::DispatchRoute& r : rules_->data().routes()) {
    streams.insert({r.track(), r.case_kind()});
  }
  for (const auto& [track, kind] : streams) {
    threads_.emplace_back([this, stream = Stream{track, kind}] { Run(stream); });
  }
}

absl::StatusOr<std::string> Follower::Position(const std::string& track,
                                               const std::string& kind) const {
  store::EntityFilter filter;
  filter.key = StreamKey(track, kind);
  GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows, cursors_->AllRows(filter));
  return rows.empty() ? std::string() : rows.front().payload;
}

absl::Status Follower::KeepPosition(const Stream& stream, const std::string& position) {
  store::EntityFilter filter;
  filter.key = StreamKey(stream.track, stream.kind);
  GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows, cursors_->AllRows(filter));
  if (rows.empty()) {
    store::EntityRecord row;
    row.key = filter.key;
    row.payload = position;
    // One row per stream: its request id is the stream's (a second start finds it).
    GOV_ASSIGN_OR_RETURN(const store::EntityRecord created,
                         cursors_->Create(row, absl::StrCat("cursor-", filter.key)));
    if (created.payload == position) return absl::OkStatus();
    return cursors_->Replace(created, registry::Etag(created.version), filter.key, position)
        .status();
  }
  return cursors_->Replace(rows.front(), registry::Etag(rows.front().version), filter.key, position)
      .status();
}

void Follower::Run(const Stream& stream) {
  while (!Stopping()) {
    const absl::Status ended = Follow(stream);
    if (Stopping()) return;
    log::Warn("change stream ended; opening it again",
              {{"track", stream.track}, {"kind", stream.kind}, {"error", ended.ToString()}});
    absl::MutexLock lock(&mu_);
    mu_.AwaitWithTimeout(absl::Condition(&stopping_), kRetry);
  }
}

absl::Status Follower::Follow(const Stream& stream) {
  GOV_ASSIGN_OR_RETURN(std::string position, Position(stream.track, stream.kind));
  grpc::ClientContext context;
  GOV_ASSIGN_OR_RETURN(std::shared_ptr<grpc::Channel> channel,
                       peers_->StreamTo(stream.track, &context));
  {
    absl::MutexLock lock(&mu_);
    if (stopping_) return absl::CancelledError("stopping");
    open_.push_back(&context);
  }
  gv1::WatchCaseChangesRequest request;
  request.set_kind(stream.kind);
  request.set_after(position);
  std::unique_ptr<gv1::CaseChangesService::Stub> stub = gv1::CaseChangesService::NewStub(channel);
  std::unique_ptr<grpc::ClientReader<gv1::WatchCaseChangesResponse>> reader =
      stub->WatchCaseChanges(&context, request);
  gv1::WatchCaseChangesResponse batch;
  absl::Status failed;
  while (failed.ok() && reader->Read(&batch)) {
    for (const gv1::CaseChange& change : batch.changes()) {
      // The owning track's own cases, and those of other creators, are not events'.
      if (absl::StartsWith(change.request_id(), "EV-")) {
        absl::StatusOr<dv1::Event> settled =
            events_->Settle(change.request_id(), change.to_status(), FromTimestamp(change.time()));
        if (!settled.ok() && !absl::IsNotFound(settled.status())) {
          failed = settled.status();
          break;
        }
      }
      position = change.position();
    }
    if (!batch.changes().empty()) {
      if (absl::Status kept = KeepPosition(stream, position); !kept.ok() && failed.ok()) {
        failed = kept;
      }
    }
  }
  if (!failed.ok()) context.TryCancel();
  const grpc::Status finished = reader->Finish();
  {
    absl::MutexLock lock(&mu_);
    open_.erase(std::find(open_.begin(), open_.end(), &context));
  }
  if (!failed.ok()) return failed;
  return absl::Status(static_cast<absl::StatusCode>(finished.error_code()),
                      finished.error_message());
}

}  // namespace gov::digital
