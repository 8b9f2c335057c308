// Bulletins published — by a caller, by the server's upkeep, by the demo loader — and read.

#include "services/policing/bulletins.h"

#include <algorithm>
#include <optional>
#include <string>
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
#include "services/policing/bulletin_periods.h"
#include "services/policing/taxonomy.h"
#include "services/policing/validation.h"

namespace gov::policing {
namespace {

namespace gv1 = ::governance::v1;

constexpr char kSystemId[] = "system";
// Rows read per store round trip when a whole set is read.
constexpr int kScanPage = 500;
constexpr int kDefaultPageSize = 20;
constexpr int kMaxPageSize = 100;
// The first year a period may lie in (cal::ValidatePeriod).
constexpr int kFirstYear = 2000;

constexpr cv1::BulletinPeriodKind kKinds[] = {cv1::BULLETIN_PERIOD_KIND_WEEK,
                                              cv1::BULLETIN_PERIOD_KIND_MONTH,
                                              cv1::BULLETIN_PERIOD_KIND_QUARTER};

// The key-letter prefix of a ListBulletins period_kind filter ("" for all).
absl::StatusOr<std::string> KindKeyLetter(const std::string& kind) {
  if (kind.empty()) return std::string();
  if (kind == "week") return std::string("W");
  if (kind == "month") return std::string("M");
  if (kind == "quarter") return std::string("Q");
  return InvalidField("period_kind", "one of \"week\", \"month\", \"quarter\", or empty for all");
}

// A stored bulletin: the payload is the bulletin as published but its id, which the row holds
// (bulletins have no versions: immutable once stored).
absl::StatusOr<pv1::Bulletin> BulletinOf(const store::EntityRecord& record) {
  pv1::Bulletin bulletin;
  if (!bulletin.ParseFromString(record.payload)) {
    return absl::DataLossError(
        absl::StrCat("bulletin ", record.id, ": stored payload is unreadable"));
  }
  bulletin.set_id(record.id);
  return bulletin;
}

// The bulletins' rows of `filter` (the registry's own read, not a caller's).
absl::StatusOr<std::vector<store::EntityRecord>> Rows(const registry::Registry& bulletins,
                                                      store::EntityFilter filter) {
  return bulletins.Rows(std::move(filter));
}

}  // namespace

const registry::Layout& BulletinLayout() {
  static const auto* layout = new registry::Layout{kTrack, "bulletin", "B", "bulletin"};
  return *layout;
}

absl::StatusOr<std::optional<pv1::Bulletin>> Bulletins::FindByKey(const std::string& key) const {
  store::EntityFilter filter;
  filter.key = key;
  filter.limit = 1;
  GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> records,
                       Rows(*bulletins_, std::move(filter)));
  if (records.empty()) return std::optional<pv1::Bulletin>();
  GOV_ASSIGN_OR_RETURN(pv1::Bulletin bulletin, BulletinOf(records.front()));
  return std::optional<pv1::Bulletin>(std::move(bulletin));
}

// Stores a composed bulletin, once per period: the registry keeps one bulletin per request_id
// "bulletin:<period key>", so of publishers racing for a period one stores it and the others
// (whose content differs at least by the publish time) get ALREADY_EXISTS and read the stored one.
absl::StatusOr<Bulletins::Published> Bulletins::Store(const pv1::Bulletin& bulletin) const {
  store::EntityRecord row;
  row.key = cal::PeriodKey(bulletin.period());
  row.payload = SerializeStable(bulletin);
  const std::string key = row.key;
  absl::StatusOr<store::EntityRecord> stored =
      bulletins_->Create(std::move(row), absl::StrCat("bulletin:", key));
  Published out;
  if (absl::IsAlreadyExists(stored.status())) {
    GOV_ASSIGN_OR_RETURN(std::optional<pv1::Bulletin> first, FindByKey(key));
    if (!first.has_value()) {
      return absl::InternalError(absl::StrCat("bulletin ", key, " vanished"));
    }
    out.bulletin = std::move(*first);
    out.already = true;
    return out;
  }
  if (!stored.ok()) return stored.status();
  GOV_ASSIGN_OR_RETURN(out.bulletin, BulletinOf(*stored));
  out.created = true;
  return out;
}

absl::StatusOr<Bulletins::Published> Bulletins::PublishPeriod(const auth::Principal& who,
                                                              const gv1::Period& period) {
  const std::string key = cal::PeriodKey(period);
  GOV_ASSIGN_OR_RETURN(std::optional<pv1::Bulletin> stored, FindByKey(key));
  Published out;
  if (stored.has_value()) {
    out.bulletin = std::move(*stored);
    out.already = true;
  } else {
    GOV_ASSIGN_OR_RETURN(pv1::Bulletin bulletin, grading_->Compose(who.id, period, clock_->Now()));
    GOV_RETURN_IF_ERROR(key_areas_->Decide(&bulletin, [this](const gv1::Period& before) {
      return FindByKey(cal::PeriodKey(before));
    }));
    GOV_ASSIGN_OR_RETURN(out, Store(bulletin));
    if (out.created) {
      log::Info("bulletin published",
                {{"period", key},
                 {"id", out.bulletin.id()},
                 {"listed", absl::StrCat(out.bulletin.communities_listed_size())},
                 {"delisted", absl::StrCat(out.bulletin.communities_delisted_size())}});
    }
  }
  // What the bulletin decided is carried out now, and again whenever its period is published
  // again: the key areas apply it idempotently, so a failure between storing the bulletin and
  // this heals on the next publication (the server's upkeep publishes the last periods again).
  GOV_RETURN_IF_ERROR(key_areas_->ApplyBulletin(out.bulletin));
  return out;
}

absl::StatusOr<int> Bulletins::PublishAll(std::vector<gv1::Period> periods, bool stop_at_error) {
  // Oldest first, by the day the period ends (of those ending the same day, the shorter first),
  // so that each bulletin of the key-area kind finds the ones before it.
  std::sort(periods.begin(), periods.end(),
            [](const gv1::Period& a, const gv1::Period& b) { return ListedBefore(b, a); });
  const auth::Principal system = auth::SystemPrincipal(kSystemId);
  int stored = 0;
  absl::Status first;
  for (const gv1::Period& period : periods) {
    absl::StatusOr<Published> published = PublishPeriod(system, period);
    if (published.ok()) {
      if (published->created) ++stored;
      continue;
    }
    if (stop_at_error) return published.status();
    if (first.ok()) first = published.status();
  }
  if (!first.ok()) return first;
  return stored;
}

absl::Status Bulletins::Publish(const auth::Principal& who, const pv1::PublishBulletinRequest& in,
                                pv1::PublishBulletinResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateBulletinPeriod(in.period(), "period"));
  const absl::CivilDay today = cal::LocalDay(clock_->Now());
  const absl::CivilDay last = PeriodDays(in.period()).last;
  if (last >= today) {
    return absl::FailedPreconditionError(absl::StrCat(cal::PeriodKey(in.period()),
                                                      " is not over yet (its last day is ",
                                                      absl::FormatCivilTime(last), ")"));
  }
  GOV_ASSIGN_OR_RETURN(Published published, PublishPeriod(who, in.period()));
  *out->mutable_bulletin() = std::move(published.bulletin);
  out->set_already_published(published.already);
  return absl::OkStatus();
}

absl::Status Bulletins::Get(const auth::Principal& who, const pv1::GetBulletinRequest& in,
                            pv1::GetBulletinResponse* out) {
  switch (in.key_case()) {
    case pv1::GetBulletinRequest::kId: {
      GOV_RETURN_IF_ERROR(ValidateId(in.id()));
      // Bulletins are district-wide aggregates every role reads.
      GOV_ASSIGN_OR_RETURN(const store::EntityRecord record,
                           bulletins_->LoadVisible(who, in.id(), /*district_rows_public=*/true));
      GOV_ASSIGN_OR_RETURN(*out->mutable_bulletin(), BulletinOf(record));
      return absl::OkStatus();
    }
    case pv1::GetBulletinRequest::kPeriod: {
      GOV_RETURN_IF_ERROR(ValidateBulletinPeriod(in.period(), "period"));
      const std::string key = cal::PeriodKey(in.period());
      GOV_ASSIGN_OR_RETURN(std::optional<pv1::Bulletin> found, FindByKey(key));
      if (!found.has_value()) {
        return absl::NotFoundError(absl::StrCat("no bulletin published for ", key));
      }
      *out->mutable_bulletin() = std::move(*found);
      return absl::OkStatus();
    }
    case pv1::GetBulletinRequest::KEY_NOT_SET:
      break;
  }
  return InvalidField("id", "required: an id or a period");
}

// Newest period first. Keys begin with the year (the ISO year for weeks), and every period of a
// key year ends after every period of the key years before (ISO week 1 holds 4 January, so a
// week of one year never ends before 4 January of it), so the bulletins are read one key year
// at a time, newest first, ordered within it; the page token holds the key of the last one
// served.
absl::Status Bulletins::List(const auth::Principal&, const pv1::ListBulletinsRequest& in,
                             pv1::ListBulletinsResponse* out) {
  GOV_ASSIGN_OR_RETURN(
      const int size, cases::PageSize(in.page_size(), "page_size", kDefaultPageSize, kMaxPageSize));
  GOV_ASSIGN_OR_RETURN(const std::string letter, KindKeyLetter(in.period_kind()));
  const std::string binding = absl::StrCat("bulletins|", in.period_kind());
  std::optional<gv1::Period> after;
  if (!in.page_token().empty()) {
    GOV_ASSIGN_OR_RETURN(const std::vector<std::string> cursor,
                         cases::DecodePageToken(in.page_token(), binding));
    if (cursor.size() == 1) after = PeriodFromKey(cursor[0]);
    if (!after.has_value()) return InvalidField("page_token", "invalid or from another query");
  }

  std::vector<std::pair<gv1::Period, store::EntityRecord>> page;
  const int newest = after.has_value() ? after->year() : cal::LocalDay(clock_->Now()).year();
  for (int year = newest; year >= kFirstYear && static_cast<int>(page.size()) <= size; --year) {
    store::EntityFilter filter;
    filter.key_prefix = absl::StrFormat("%04d-%s", year, letter);
    filter.limit = kScanPage;
    std::vector<std::pair<gv1::Period, store::EntityRecord>> rows;
    for (;;) {
      GOV_ASSIGN_OR_RETURN(std::vector<store::EntityRecord> records, Rows(*bulletins_, filter));
      const bool last = static_cast<int>(records.size()) < kScanPage;
      if (!records.empty()) filter.after_id = records.back().id;
      for (store::EntityRecord& record : records) {
        std::optional<gv1::Period> period = PeriodFromKey(record.key);
        if (!period.has_value()) continue;
        if (after.has_value() && !ListedBefore(*after, *period)) continue;
        rows.emplace_back(std::move(*period), std::move(record));
      }
      if (last) break;
    }
    std::sort(rows.begin(), rows.end(),
              [](const auto& a, const auto& b) { return ListedBefore(a.first, b.first); });
    for (auto& row : rows) {
      if (static_cast<int>(page.size()) > size) break;
      page.push_back(std::move(row));
    }
  }
  if (static_cast<int>(page.size()) > size) {
    page.resize(size);
    out->set_next_page_token(cases::EncodePageToken(binding, {cal::PeriodKey(page.back().first)}));
  }
  for (const auto& [period, record] : page) {
    GOV_ASSIGN_OR_RETURN(pv1::Bulletin bulletin, BulletinOf(record));
    bulletin.clear_streets();
    bulletin.clear_communities();
    bulletin.clear_hot_areas();
    *out->add_bulletins() = std::move(bulletin);
  }
  return absl::OkStatus();
}

absl::StatusOr<int> Bulletins::PublishDue() {
  const absl::CivilDay today = cal::LocalDay(clock_->Now());
  std::vector<gv1::Period> periods;
  for (cv1::BulletinPeriodKind kind : kKinds) {
    periods.push_back(PreviousPeriod(BulletinPeriodOf(kind, today)));
  }
  // Independent periods: each is tried even when another fails.
  return PublishAll(std::move(periods), /*stop_at_error=*/false);
}

absl::StatusOr<int> Bulletins::PublishSince(absl::CivilDay first) {
  const absl::CivilDay today = cal::LocalDay(clock_->Now());
  // Monday of ISO week 1 of the first year periods may lie in.
  first = std::max(first, absl::CivilDay(kFirstYear, 1, 3));
  std::vector<gv1::Period> periods;
  for (cv1::BulletinPeriodKind kind : kKinds) {
    for (gv1::Period p = BulletinPeriodOf(kind, first); PeriodDays(p).last < today;
         p = NextPeriod(p)) {
      periods.push_back(p);
    }
  }
  // In order: a bulletin missing in the middle would break the key-area runs of the later ones.
  return PublishAll(std::move(periods), /*stop_at_error=*/true);
}

}  // namespace gov::policing
