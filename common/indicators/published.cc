#include "common/indicators/published.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/cases/calendar.h"
#include "common/cases/page_token.h"
#include "common/log/log.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"

namespace gov::indicators {
namespace {

namespace gv1 = ::governance::v1;

// Who the server's own publishing is recorded as.
constexpr char kPublisher[] = "rankings-publisher";
// The most entries a published table keeps (ListRankings' own limit).
constexpr int kTableLimit = 100;
constexpr int kDefaultPageSize = 12;
constexpr int kMaxPageSize = 100;

std::string MonthKey(absl::CivilMonth month) {
  return absl::StrFormat("%04d-%02d", month.year(), month.month());
}

gv1::Period PeriodOf(absl::CivilMonth month) {
  gv1::Period period;
  period.set_year(static_cast<int32_t>(month.year()));
  period.set_month(month.month());
  return period;
}

absl::CivilMonth MonthOf(const gv1::Period& period) {
  return absl::CivilMonth(period.year(), period.month());
}

// A month given in a request: a valid period with a month (`field` names it).
absl::StatusOr<absl::CivilMonth> RequestedMonth(const gv1::Period& period,
                                                const std::string& field) {
  if (period.part_case() != gv1::Period::kMonth) {
    return InvalidField(field, "a month (rankings are published monthly)");
  }
  GOV_RETURN_IF_ERROR(cal::ValidatePeriod(period, field));
  return MonthOf(period);
}

}  // namespace

registry::Layout RankingsLayout(const std::string& track) {
  return registry::Layout{track, "ranking", "RK", "published ranking"};
}

RankingsPublisher::RankingsPublisher(IndicatorEngine* engine, const registry::Registry* rankings,
                                     const Clock* clock)
    : engine_(engine), rankings_(rankings), clock_(clock) {}

absl::StatusOr<gv1::PublishedRankings> RankingsPublisher::Decode(
    const store::EntityRecord& row) const {
  return rankings_->Decode<gv1::PublishedRankings>(row);
}

absl::StatusOr<std::optional<gv1::PublishedRankings>> RankingsPublisher::Find(
    absl::CivilMonth month) const {
  store::EntityFilter filter;
  filter.key = MonthKey(month);
  filter.limit = 1;
  GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows,
                       rankings_->Rows(std::move(filter)));
  if (rows.empty()) return std::optional<gv1::PublishedRankings>();
  GOV_ASSIGN_OR_RETURN(gv1::PublishedRankings found, Decode(rows.front()));
  return std::optional<gv1::PublishedRankings>(std::move(found));
}

// Composes and stores a month once: the registry keeps one row per request id
// "rankings:<month>", so of publishers racing for a month one stores it and the others (whose
// record differs at least by its publish time) get ALREADY_EXISTS and read the stored one.
absl::StatusOr<RankingsPublisher::Published> RankingsPublisher::PublishMonth(
    const std::string& by, absl::CivilMonth month) {
  Published out;
  GOV_ASSIGN_OR_RETURN(std::optional<gv1::PublishedRankings> stored, Find(month));
  if (stored.has_value()) {
    out.rankings = std::move(*stored);
    out.already = true;
    return out;
  }
  gv1::PublishedRankings composed;
  *composed.mutable_period() = PeriodOf(month);
  composed.set_track(engine_->track());
  // The district's ranking, as a district-wide principal sees it.
  const auth::Principal district = auth::SystemPrincipal(kPublisher);
  for (gv1::RankingDimension dimension : engine_->ranking_dimensions()) {
    gv1::ListRankingsRequest request;
    *request.mutable_period() = composed.period();
    request.set_dimension(dimension);
    request.set_limit(kTableLimit);
    GOV_ASSIGN_OR_RETURN(gv1::ListRankingsResponse ranked, engine_->Rankings(district, request));
    gv1::RankingTable* table = composed.add_tables();
    table->set_dimension(dimension);
    table->set_total(ranked.total());
    *table->mutable_entries() = std::move(*ranked.mutable_entries());
  }
  *composed.mutable_publish_time() = ToTimestamp(clock_->Now());
  composed.set_published_by(by);

  const std::string key = MonthKey(month);
  store::EntityRecord row;
  row.key = key;
  row.payload = registry::Payload(composed);
  absl::StatusOr<store::EntityRecord> created =
      rankings_->Create(std::move(row), absl::StrCat("rankings:", key));
  if (absl::IsAlreadyExists(created.status())) {
    GOV_ASSIGN_OR_RETURN(stored, Find(month));
    if (!stored.has_value()) {
      return absl::InternalError(absl::StrCat("published rankings of ", key, " vanished"));
    }
    out.rankings = std::move(*stored);
    out.already = true;
    return out;
  }
  if (!created.ok()) return created.status();
  GOV_ASSIGN_OR_RETURN(out.rankings, Decode(*created));
  log::Info("rankings published",
            {{"track", engine_->track()}, {"month", key}, {"by", by}, {"id", created->id}});
  return out;
}

absl::StatusOr<gv1::PublishRankingsResponse> RankingsPublisher::Publish(
    const auth::Principal& who, const gv1::PublishRankingsRequest& request) {
  if (engine_->ranking_dimensions().empty()) {
    return absl::FailedPreconditionError(absl::StrCat(engine_->track(), " ranks nothing"));
  }
  GOV_ASSIGN_OR_RETURN(const absl::CivilMonth month, RequestedMonth(request.period(), "period"));
  const absl::CivilDay today = cal::LocalDay(clock_->Now());
  if (absl::CivilMonth(today) <= month) {
    return absl::FailedPreconditionError(absl::StrCat("month ", MonthKey(month),
                                                      " is not over yet (today is ",
                                                      absl::FormatCivilTime(today), ")"));
  }
  GOV_ASSIGN_OR_RETURN(Published published, PublishMonth(who.id, month));
  gv1::PublishRankingsResponse out;
  *out.mutable_rankings() = std::move(published.rankings);
  out.set_already_published(published.already);
  return out;
}

absl::StatusOr<gv1::GetPublishedRankingsResponse> RankingsPublisher::Get(
    const auth::Principal& /*who*/, const gv1::GetPublishedRankingsRequest& request) {
  gv1::GetPublishedRankingsResponse out;
  switch (request.key_case()) {
    case gv1::GetPublishedRankingsRequest::kId: {
      GOV_RETURN_IF_ERROR(ValidateId(request.id(), "id"));
      GOV_ASSIGN_OR_RETURN(const store::EntityRecord row, rankings_->Get(request.id()));
      GOV_ASSIGN_OR_RETURN(*out.mutable_rankings(), Decode(row));
      return out;
    }
    case gv1::GetPublishedRankingsRequest::kPeriod: {
      GOV_ASSIGN_OR_RETURN(const absl::CivilMonth month,
                           RequestedMonth(request.period(), "period"));
      GOV_ASSIGN_OR_RETURN(std::optional<gv1::PublishedRankings> found, Find(month));
      if (!found.has_value()) {
        return absl::NotFoundError(
            absl::StrCat("the rankings of ", MonthKey(month), " are not published"));
      }
      *out.mutable_rankings() = std::move(*found);
      return out;
    }
    default:
      return InvalidField("key", "an id or a period is required");
  }
}

// Newest month first. A track publishes twelve a year, so the matching rows are read whole and
// paged here by month (the key), the cursor being the last month served.
absl::StatusOr<gv1::ListPublishedRankingsResponse> RankingsPublisher::List(
    const auth::Principal& /*who*/, const gv1::ListPublishedRankingsRequest& request) {
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(request.page_size(), "page_size",
                                                       kDefaultPageSize, kMaxPageSize));
  if (request.year() != 0) GOV_RETURN_IF_ERROR(ValidateRange(request.year(), 2000, 2100, "year"));
  const std::string binding =
      cases::PageBinding({"published-rankings", engine_->track(), absl::StrCat(request.year())});
  std::string before;
  if (!request.page_token().empty()) {
    GOV_ASSIGN_OR_RETURN(const std::vector<std::string> cursor,
                         cases::DecodePageToken(request.page_token(), binding));
    if (cursor.size() != 1 || cursor[0].empty()) {
      return InvalidField("page_token", "invalid or from another query");
    }
    before = cursor[0];
  }
  store::EntityFilter filter;
  if (request.year() != 0) filter.key_prefix = absl::StrCat(request.year(), "-");
  GOV_ASSIGN_OR_RETURN(std::vector<store::EntityRecord> rows,
                       rankings_->AllRows(std::move(filter)));
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.key > b.key; });
  gv1::ListPublishedRankingsResponse out;
  for (const store::EntityRecord& row : rows) {
    if (!before.empty() && row.key >= before) continue;
    if (out.rankings_size() == size) {
      out.set_next_page_token(
          cases::EncodePageToken(binding, {MonthKey(MonthOf(out.rankings(size - 1).period()))}));
      break;
    }
    GOV_ASSIGN_OR_RETURN(*out.add_rankings(), Decode(row));
  }
  return out;
}

absl::StatusOr<bool> RankingsPublisher::PublishDue() {
  if (engine_->ranking_dimensions().empty()) return false;
  const absl::CivilMonth last = absl::CivilMonth(cal::LocalDay(clock_->Now())) - 1;
  GOV_ASSIGN_OR_RETURN(const Published published, PublishMonth(kPublisher, last));
  return !published.already;
}

absl::StatusOr<int> RankingsPublisher::PublishSince(absl::CivilDay first) {
  if (engine_->ranking_dimensions().empty()) return 0;
  const absl::CivilMonth now(cal::LocalDay(clock_->Now()));
  int stored = 0;
  for (absl::CivilMonth month(first); month < now; ++month) {
    GOV_ASSIGN_OR_RETURN(const Published published, PublishMonth(kPublisher, month));
    stored += published.already ? 0 : 1;
  }
  return stored;
}

}  // namespace gov::indicators
