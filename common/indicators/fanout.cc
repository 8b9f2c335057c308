#include "common/indicators/fanout.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "common/auth/auth.h"
#include "common/cache/cache.h"
#include "common/indicators/indicators.h"
#include "common/peers/peers.h"

namespace gov::indicators {
namespace {

constexpr char kListIndicators[] = "governance.v1.IndicatorsService.ListIndicators";

}  // namespace

FanOut::FanOut(std::string own_track, IndicatorEngine* own, const peers::Peers* peers,
               cache::Cache* cache)
    : own_track_(std::move(own_track)), own_(own), peers_(peers), cache_(cache) {}

std::vector<TrackAnswer> FanOut::Ask(const std::vector<TrackAsk>& asks, absl::Time deadline) const {
  std::vector<TrackAnswer> answers(asks.size());
  std::vector<peers::PeerCall> calls;
  std::vector<size_t> called;  // index in `asks` of each call
  for (size_t i = 0; i < asks.size(); ++i) {
    answers[i].track = asks[i].track;
    if (asks[i].track == own_track_) continue;
    if (peers_ == nullptr) {
      answers[i].code = absl::StatusCode::kUnavailable;
      answers[i].message = "this service makes no peer calls";
      continue;
    }
    calls.push_back({.track = asks[i].track,
                     .method = kListIndicators,
                     .request = &asks[i].request,
                     .response = &answers[i].response});
    called.push_back(i);
  }
  // The own track is evaluated while the calls are on their way.
  const auto own = [&] {
    for (size_t i = 0; i < asks.size(); ++i) {
      if (asks[i].track != own_track_) continue;
      if (own_ == nullptr) {
        answers[i].code = absl::StatusCode::kInternal;
        answers[i].message = "no indicators declared";
        continue;
      }
      absl::StatusOr<governance::v1::ListIndicatorsResponse> listed =
          own_->List(auth::SystemPrincipal(own_track_), asks[i].request);
      if (listed.ok()) {
        answers[i].response = *std::move(listed);
      } else {
        answers[i].code = listed.status().code();
        answers[i].message = std::string(listed.status().message());
      }
    }
  };
  if (calls.empty()) {
    own();
  } else {
    peers_->CallAll(absl::MakeSpan(calls), deadline, own);
  }
  for (size_t c = 0; c < calls.size(); ++c) {
    TrackAnswer& answer = answers[called[c]];
    if (calls[c].status.ok()) continue;
    // A track that did not answer says so by its own code (DEADLINE_EXCEEDED for a slow one),
    // a refusal by the track's answer; the message is Peers' (naming the track and address).
    answer.code =
        calls[c].answered == absl::StatusCode::kOk ? calls[c].status.code() : calls[c].answered;
    answer.message = std::string(calls[c].status.message());
    answer.response.Clear();
  }
  return answers;
}

std::string FanOut::CacheKey(std::string_view key) const {
  return absl::StrCat("fanout:", absl::string_view(key.data(), key.size()));
}

bool FanOut::Cached(std::string_view key, google::protobuf::Message* out) const {
  if (cache_ == nullptr) return false;
  const std::optional<std::string> kept = cache_->Get(CacheKey(key));
  if (!kept.has_value()) return false;
  if (out->ParseFromString(*kept)) return true;
  out->Clear();
  return false;
}

void FanOut::Keep(std::string_view key, const google::protobuf::Message& value,
                  absl::Duration ttl) const {
  if (cache_ == nullptr || ttl <= absl::ZeroDuration()) return;
  cache_->Set(CacheKey(key), value.SerializeAsString(), ttl);
}

}  // namespace gov::indicators
