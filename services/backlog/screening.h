#ifndef GOV_SERVICES_BACKLOG_SCREENING_H_
#define GOV_SERVICES_BACKLOG_SCREENING_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/regions/regions.h"
#include "common/registry/registry.h"
#include "services/backlog/cases.h"
#include "services/backlog/model.h"
#include "services/backlog/rules.h"

// 滚动排查 — the rolling re-screening: rounds opened for a street (or the whole district) over a
// span of days, in which the communities report the problems they newly found; each entry is
// taken onto the backlog as a case (origin ORIGIN_KIND_SCREENING, the entry's id its reference)
// or dismissed with the reason, and a round closes once every entry is decided.
//
// clang-format off
// | what             | kept as                            | id     | key / category         |
// |------------------|------------------------------------|--------|------------------------|
// | screening rounds | registry rows, kind "screening_round" | SR-... | status ("OPEN", ...) |
// | screening entries| cases of store track "backlog_screening" | SE-... | category: the round |
// clang-format on
namespace gov::backlog {

const registry::Layout& ScreeningRoundLayout();

class Screening {
 public:
  // Nothing is owned; everything outlives the part.
  Screening(const registry::Registry* rounds, cases::CaseEngine* entries,
            cases::CaseEngine* backlog_cases, const BacklogCases* presenter, const Rules* rules,
            const regions::RegionRegistry* regions, const Clock* clock);

  // The RPCs (after the declared access).
  absl::Status OpenRound(const auth::Principal& who, const bv1::OpenScreeningRoundRequest& in,
                         bv1::OpenScreeningRoundResponse* out);
  absl::Status GetRound(const auth::Principal& who, const bv1::GetScreeningRoundRequest& in,
                        bv1::GetScreeningRoundResponse* out);
  absl::Status ListRounds(const auth::Principal& who, const bv1::ListScreeningRoundsRequest& in,
                          bv1::ListScreeningRoundsResponse* out);
  absl::Status CloseRound(const auth::Principal& who, const bv1::CloseScreeningRoundRequest& in,
                          bv1::CloseScreeningRoundResponse* out);
  absl::Status Report(const auth::Principal& who, const bv1::ReportScreeningEntryRequest& in,
                      bv1::ReportScreeningEntryResponse* out);
  absl::Status GetEntry(const auth::Principal& who, const bv1::GetScreeningEntryRequest& in,
                        bv1::GetScreeningEntryResponse* out);
  absl::Status ListEntries(const auth::Principal& who, const bv1::ListScreeningEntriesRequest& in,
                           bv1::ListScreeningEntriesResponse* out);
  absl::Status Accept(const auth::Principal& who, const bv1::AcceptScreeningEntryRequest& in,
                      bv1::AcceptScreeningEntryResponse* out);
  absl::Status Dismiss(const auth::Principal& who, const bv1::DismissScreeningEntryRequest& in,
                       bv1::DismissScreeningEntryResponse* out);

  // The request id under which an entry's backlog case is registered: a retried acceptance
  // registers the same case.
  static std::string CaseRequestId(const std::string& entry_id);

 private:
  // The round with its entries counted.
  absl::StatusOr<bv1::ScreeningRound> WithCounts(const store::EntityRecord& row) const;

  const registry::Registry* const rounds_;
  cases::CaseEngine* const entries_;
  cases::CaseEngine* const cases_;
  const BacklogCases* const presenter_;
  const Rules* const rules_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
};

}  // namespace gov::backlog

#endif  // GOV_SERVICES_BACKLOG_SCREENING_H_
