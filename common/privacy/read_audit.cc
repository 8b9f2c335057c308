#include "common/privacy/read_audit.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "common/log/log.h"
#include "common/privacy/personal_fields.h"
#include "common/util/call_deadline.h"

namespace gov::privacy {

ReadAudit::ReadAudit(store::Repository* repo, std::string track, const Clock* clock)
    : repo_(repo), track_(std::move(track)), clock_(clock) {
  writer_ = std::thread([this] { Run(); });
}

ReadAudit::~ReadAudit() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  writer_.join();
}

absl::Status ReadAudit::Check(const server::Call& call, std::string_view method,
                              const google::protobuf::Message& response) {
  PersonalData found = FindPersonalData(response);
  if (!found.any) return absl::OkStatus();

  auto pending = std::make_shared<Pending>();
  store::PersonalDataRead& read = pending->read;
  read.track = track_;
  read.time = clock_->Now();
  read.principal = call.principal.id;
  read.roles.assign(call.principal.roles.begin(), call.principal.roles.end());
  std::sort(read.roles.begin(), read.roles.end());
  read.method = std::string(method);
  read.records = std::move(found.records);
  read.purpose = call.purpose;
  read.trace_id = call.trace_id;

  const absl::Time deadline = CallDeadline();
  absl::MutexLock lock(&mu_);
  if (stopping_) return absl::UnavailableError("the server is stopping: call again");
  queue_.push_back(pending);
  auto done = [p = pending.get()] { return p->done; };
  if (deadline == absl::InfiniteFuture()) {
    mu_.Await(absl::Condition(&done));
  } else if (!mu_.AwaitWithDeadline(absl::Condition(&done), deadline)) {
    // The read may still be recorded: a record of an answer never given errs on the safe side.
    return absl::DeadlineExceededError(
        "the deadline passed while the read of personal data was being recorded");
  }
  if (!pending->status.ok()) {
    return absl::UnavailableError(
        absl::StrCat("the read of personal data could not be recorded, so it is not answered: ",
                     pending->status.message()));
  }
  return absl::OkStatus();
}

void ReadAudit::Run() {
  while (true) {
    std::vector<std::shared_ptr<Pending>> batch;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]()
                       ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || !queue_.empty(); };
      mu_.Await(absl::Condition(&ready));
      if (queue_.empty()) return;  // stopping, nothing left
      while (!queue_.empty() && static_cast<int>(batch.size()) < kMaxBatch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    std::vector<store::PersonalDataRead> reads;
    reads.reserve(batch.size());
    for (const auto& p : batch) reads.push_back(p->read);
    const absl::Status written = repo_->AppendPersonalDataReads(reads);
    if (!written.ok()) {
      log::Error("reads of personal data not recorded",
                 {{"reads", absl::StrCat(reads.size())}, {"error", written.ToString()}});
    }
    absl::MutexLock lock(&mu_);
    for (const auto& p : batch) {
      p->done = true;
      p->status = written;
    }
  }
}

}  // namespace gov::privacy
