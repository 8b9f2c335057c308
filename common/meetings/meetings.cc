#include "common/meetings/meetings.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/cases/calendar.h"
#include "common/cases/page_token.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"

namespace gov::meetings {
namespace {

namespace gv1 = ::governance::v1;

constexpr int kDefaultPageSize = 20;
constexpr int kMaxPageSize = 100;
constexpr int kMaxItems = 50;
constexpr int kMinYear = 2000;
constexpr int kMaxYear = 2100;

std::string DayText(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

std::string RowKey(const std::string& kind, absl::CivilDay day) {
  return absl::StrCat(kind, "/", DayText(day));
}

// The local day a row's key names ("<kind>/YYYY-MM-DD").
std::optional<absl::CivilDay> KeyDay(const std::string& key) {
  const size_t slash = key.rfind('/');
  if (slash == std::string::npos) return std::nullopt;
  return cal::ParseDay(std::string_view(key).substr(slash + 1));
}

// A repeated text field: `min` to kMaxItems entries of 1 to `max` characters each, and with
// `distinct` none twice.
absl::Status ValidateTexts(const google::protobuf::RepeatedPtrField<std::string>& texts,
                           const std::string& field, int min, size_t max, bool distinct) {
  if (texts.size() < min || texts.size() > kMaxItems) {
    return InvalidField(field, absl::StrCat(min, " to ", kMaxItems, " entries"));
  }
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < texts.size(); ++i) {
    const std::string at = absl::StrCat(field, "[", i, "]");
    GOV_RETURN_IF_ERROR(ValidateText(texts[i], at, max, /*required=*/true));
    if (distinct && !seen.insert(texts[i]).second) return InvalidField(at, "given twice");
  }
  return absl::OkStatus();
}

// The stored form: what the row holds (id, etag, times) and what is computed on read left out.
std::string PayloadOf(gv1::Meeting meeting) {
  meeting.clear_open_follow_ups();
  for (gv1::FollowUp& follow_up : *meeting.mutable_follow_ups()) follow_up.clear_overdue();
  return registry::Payload(meeting);
}

}  // namespace

registry::Layout MeetingsLayout(const std::string& track) {
  return registry::Layout{track, "meeting", "MT", "meeting"};
}

Meetings::Meetings(const registry::Registry* meetings, std::vector<Kind> kinds,
                   const regions::RegionRegistry* regions, const Clock* clock)
    : meetings_(meetings), kinds_(std::move(kinds)), regions_(regions), clock_(clock) {}

absl::StatusOr<gv1::Meeting> Meetings::Decode(const store::EntityRecord& row) const {
  GOV_ASSIGN_OR_RETURN(gv1::Meeting meeting, meetings_->Decode<gv1::Meeting>(row));
  const absl::Time now = clock_->Now();
  int open = 0;
  for (gv1::FollowUp& follow_up : *meeting.mutable_follow_ups()) {
    const absl::Time due = FromTimestamp(follow_up.due_time());
    if (follow_up.status() == gv1::FOLLOW_UP_STATUS_DONE) {
      follow_up.set_overdue(FromTimestamp(follow_up.done_time()) > due);
    } else {
      ++open;
      follow_up.set_overdue(now > due);
    }
  }
  meeting.set_open_follow_ups(open);
  return meeting;
}

absl::Status Meetings::CheckWriter(const auth::Principal& who, const std::string& street_id) {
  if (street_id.empty()) {
    if (!who.HasRole(auth::kDistrictAdmin)) {
      return auth::Denied(who, "record or change a district meeting (district_admin's)");
    }
    return absl::OkStatus();
  }
  return registry::CheckStreet(who, street_id);
}

absl::StatusOr<const Kind*> Meetings::KindOf(const std::string& id) const {
  if (id.empty()) return InvalidField("meeting.kind", "required");
  for (const Kind& k : kinds_) {
    if (k.id == id) return &k;
  }
  std::vector<std::string> known;
  for (const Kind& k : kinds_) known.push_back(absl::StrCat("\"", k.id, "\""));
  return InvalidField("meeting.kind", absl::StrCat("one of ", absl::StrJoin(known, ", ")));
}

void Meetings::Mask(const auth::Principal& who, gv1::Meeting& meeting) {
  if (who.HasRole(auth::kDistrictAdmin) || who.HasRole(auth::kStreetOperator) ||
      who.HasRole(auth::kSystem)) {
    return;
  }
  for (gv1::Participant& participant : *meeting.mutable_participants()) participant.clear_name();
}

absl::Status Meetings::Validate(const gv1::Meeting& meeting, const Kind& kind) const {
  GOV_RETURN_IF_ERROR(ValidatePastTime(meeting.hold_time(), "meeting.hold_time", clock_->Now()));
  const gv1::RegionRef& region = meeting.region();
  if (!region.street_id().empty() && !regions_->HasStreet(region.street_id())) {
    return InvalidField("meeting.region.street_id",
                        absl::StrCat("unknown street \"", region.street_id(), "\""));
  }
  if (!region.community_id().empty()) {
    return InvalidField("meeting.region.community_id", "meetings are kept per street");
  }
  if (!region.grid_id().empty()) {
    return InvalidField("meeting.region.grid_id", "meetings are kept per street");
  }
  GOV_RETURN_IF_ERROR(ValidateText(meeting.title(), "meeting.title", 200, /*required=*/true));
  GOV_RETURN_IF_ERROR(
      ValidateTexts(meeting.units_present(), "meeting.units_present", 1, 100, /*distinct=*/true));
  GOV_RETURN_IF_ERROR(
      ValidateTexts(meeting.topics(), "meeting.topics", 1, 500, /*distinct=*/false));
  GOV_RETURN_IF_ERROR(
      ValidateTexts(meeting.decisions(), "meeting.decisions", 0, 1000, /*distinct=*/false));
  if (kind.subject == nullptr && !meeting.subject_id().empty()) {
    return InvalidField("meeting.subject_id",
                        absl::StrCat("a meeting of kind \"", kind.id, "\" has no subject"));
  }
  if (kind.subject != nullptr) {
    GOV_RETURN_IF_ERROR(ValidateId(meeting.subject_id(), "meeting.subject_id"));
  }
  if (meeting.participants_size() > kMaxItems) {
    return InvalidField("meeting.participants", absl::StrCat("at most ", kMaxItems));
  }
  absl::flat_hash_set<std::string> parties_present;
  for (int i = 0; i < meeting.participants_size(); ++i) {
    const gv1::Participant& participant = meeting.participants(i);
    const std::string at = absl::StrCat("meeting.participants[", i, "]");
    GOV_RETURN_IF_ERROR(ValidateText(participant.party(), absl::StrCat(at, ".party"), 50,
                                     /*required=*/true));
    if (!kind.parties.empty() && std::find(kind.parties.begin(), kind.parties.end(),
                                           participant.party()) == kind.parties.end()) {
      return InvalidField(absl::StrCat(at, ".party"),
                          absl::StrCat("one of \"", absl::StrJoin(kind.parties, "\", \""), "\""));
    }
    GOV_RETURN_IF_ERROR(
        ValidateText(participant.unit(), absl::StrCat(at, ".unit"), 100, /*required=*/true));
    GOV_RETURN_IF_ERROR(
        ValidateText(participant.name(), absl::StrCat(at, ".name"), 50, /*required=*/false));
    parties_present.insert(participant.party());
  }
  for (const std::string& party : kind.parties) {
    if (!parties_present.contains(party)) {
      return InvalidField("meeting.participants",
                          absl::StrCat("a meeting of kind \"", kind.id,
                                       "\" needs a participant of \"", party, "\""));
    }
  }
  if (meeting.follow_ups_size() > kMaxItems) {
    return InvalidField("meeting.follow_ups", absl::StrCat("at most ", kMaxItems));
  }
  const absl::Time held = FromTimestamp(meeting.hold_time());
  for (int i = 0; i < meeting.follow_ups_size(); ++i) {
    const gv1::FollowUp& follow_up = meeting.follow_ups(i);
    const std::string at = absl::StrCat("meeting.follow_ups[", i, "]");
    GOV_RETURN_IF_ERROR(
        ValidateText(follow_up.action(), absl::StrCat(at, ".action"), 500, /*required=*/true));
    GOV_RETURN_IF_ERROR(ValidateText(follow_up.owner_unit(), absl::StrCat(at, ".owner_unit"), 100,
                                     /*required=*/true));
    GOV_RETURN_IF_ERROR(ValidateTime(follow_up.due_time(), absl::StrCat(at, ".due_time")));
    if (FromTimestamp(follow_up.due_time()) <= held) {
      return InvalidField(absl::StrCat(at, ".due_time"), "must be after the meeting's hold_time");
    }
  }
  return absl::OkStatus();
}

absl::Status Meetings::Create(const auth::Principal& who, const gv1::CreateMeetingRequest& in,
                              gv1::CreateMeetingResponse* out) const {
  // Who may record a meeting of this street is decided on the street as given, before the
  // rest is validated: another street's meeting is refused whether the street exists or not.
  GOV_RETURN_IF_ERROR(CheckWriter(who, in.meeting().region().street_id()));
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id(), "request_id"));
  GOV_ASSIGN_OR_RETURN(const Kind* kind, KindOf(in.meeting().kind()));
  GOV_RETURN_IF_ERROR(Validate(in.meeting(), *kind));
  // The subject last: it is read from the track's store, and the meeting's street must hold it.
  if (kind->subject != nullptr) {
    GOV_RETURN_IF_ERROR(
        kind->subject(who, in.meeting().subject_id(), in.meeting().region().street_id()));
  }

  gv1::Meeting meeting = in.meeting();
  // Output-only fields are the server's, whatever was sent (AIP-203).
  meeting.clear_id();
  meeting.clear_etag();
  meeting.clear_create_time();
  meeting.clear_update_time();
  const std::string street = meeting.region().street_id();
  meeting.clear_region();
  if (!street.empty()) meeting.mutable_region()->set_street_id(street);
  for (int i = 0; i < meeting.follow_ups_size(); ++i) {
    gv1::FollowUp* follow_up = meeting.mutable_follow_ups(i);
    follow_up->set_number(i + 1);
    follow_up->set_status(gv1::FOLLOW_UP_STATUS_OPEN);
    follow_up->clear_done_time();
    follow_up->clear_outcome();
    follow_up->clear_done_by();
  }

  store::EntityRecord row;
  row.street_id = street;
  row.key = RowKey(meeting.kind(), cal::LocalDay(FromTimestamp(meeting.hold_time())));
  row.payload = PayloadOf(meeting);
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord created,
                       meetings_->Create(std::move(row), in.request_id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_meeting(), Decode(created));
  Mask(who, *out->mutable_meeting());
  return absl::OkStatus();
}

absl::Status Meetings::Get(const auth::Principal& who, const gv1::GetMeetingRequest& in,
                           gv1::GetMeetingResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord row,
                       meetings_->LoadVisible(who, in.id(), /*district_rows_public=*/true));
  GOV_ASSIGN_OR_RETURN(*out->mutable_meeting(), Decode(row));
  Mask(who, *out->mutable_meeting());
  return absl::OkStatus();
}

// Ordered by hold time, newest first, which the store does not index (registries page by id):
// a track holds a few meetings a month, so the matching set is read whole and paged here with a
// keyset cursor (hold time, id) that stays right while meetings are added.
absl::Status Meetings::List(const auth::Principal& who, const gv1::ListMeetingsRequest& in,
                            gv1::ListMeetingsResponse* out) const {
  GOV_ASSIGN_OR_RETURN(
      const int size, cases::PageSize(in.page_size(), "page_size", kDefaultPageSize, kMaxPageSize));
  if (!in.kind().empty() && std::none_of(kinds_.begin(), kinds_.end(),
                                         [&](const Kind& k) { return k.id == in.kind(); })) {
    return InvalidField("kind",
                        absl::StrCat("not a kind of meeting of ", meetings_->layout().track));
  }
  if (in.year() != 0) GOV_RETURN_IF_ERROR(ValidateRange(in.year(), kMinYear, kMaxYear, "year"));
  if (!in.street_id().empty()) {
    if (!regions_->HasStreet(in.street_id())) {
      return InvalidField("street_id", absl::StrCat("unknown street \"", in.street_id(), "\""));
    }
    GOV_RETURN_IF_ERROR(registry::CheckStreet(who, in.street_id()));
  }
  // A street principal reads its streets' meetings and the district's ("" matches literally).
  std::vector<std::string> streets(who.streets.begin(), who.streets.end());
  if (!streets.empty()) streets.push_back("");
  std::sort(streets.begin(), streets.end());
  const std::string binding = cases::PageBinding(
      {"meetings", meetings_->layout().track, in.kind(), absl::StrCat(in.year()), in.street_id(),
       in.open_follow_ups_only() ? "open" : "", absl::StrJoin(streets, ","), in.subject_id()});
  GOV_ASSIGN_OR_RETURN(const std::optional<cases::RankKey> after,
                       cases::DecodeRankCursor(in.page_token(), binding));

  store::EntityFilter filter;
  filter.streets = std::move(streets);
  filter.street_id = in.street_id();
  if (!in.kind().empty()) {
    filter.key_prefix =
        absl::StrCat(in.kind(), "/", in.year() != 0 ? absl::StrCat(in.year(), "-") : "");
  }
  GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows,
                       meetings_->AllRows(std::move(filter)));
  // Newest first: ranked by the hold time negated.
  std::vector<std::pair<cases::RankKey, gv1::Meeting>> ranked;
  for (const store::EntityRecord& row : rows) {
    if (in.year() != 0) {
      const std::optional<absl::CivilDay> day = KeyDay(row.key);
      if (!day.has_value() || day->year() != in.year()) continue;
    }
    GOV_ASSIGN_OR_RETURN(gv1::Meeting meeting, Decode(row));
    if (in.open_follow_ups_only() && meeting.open_follow_ups() == 0) continue;
    if (!in.subject_id().empty() && meeting.subject_id() != in.subject_id()) continue;
    Mask(who, meeting);
    cases::RankKey key{-absl::ToUnixNanos(FromTimestamp(meeting.hold_time())), meeting.id()};
    ranked.emplace_back(std::move(key), std::move(meeting));
  }
  out->set_next_page_token(
      cases::PageOfRanked(std::move(ranked), after, binding, size, out->mutable_meetings()));
  return absl::OkStatus();
}

absl::Status Meetings::CompleteFollowUp(const auth::Principal& who,
                                        const gv1::CompleteFollowUpRequest& in,
                                        gv1::CompleteFollowUpResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateId(in.meeting_id(), "meeting_id"));
  GOV_RETURN_IF_ERROR(ValidateId(in.etag(), "etag"));
  if (in.number() < 1) return InvalidField("number", "a follow-up's number, from 1");
  GOV_RETURN_IF_ERROR(ValidateText(in.outcome(), "outcome", 1000, /*required=*/true));
  GOV_ASSIGN_OR_RETURN(store::EntityRecord row,
                       meetings_->LoadVisible(who, in.meeting_id(), /*district_rows_public=*/true));
  GOV_RETURN_IF_ERROR(CheckWriter(who, row.street_id));
  GOV_RETURN_IF_ERROR(registry::CheckEtag(meetings_->layout(), row, in.etag()));
  GOV_ASSIGN_OR_RETURN(gv1::Meeting meeting, Decode(row));
  if (in.number() > meeting.follow_ups_size()) {
    return InvalidField("number", absl::StrCat("meeting ", row.id, " has ",
                                               meeting.follow_ups_size(), " follow-ups"));
  }
  gv1::FollowUp* follow_up = meeting.mutable_follow_ups(in.number() - 1);
  if (follow_up->status() == gv1::FOLLOW_UP_STATUS_DONE) {
    return absl::FailedPreconditionError(
        absl::StrCat("follow-up ", in.number(), " of meeting ", row.id, " is done already"));
  }
  follow_up->set_status(gv1::FOLLOW_UP_STATUS_DONE);
  *follow_up->mutable_done_time() = ToTimestamp(clock_->Now());
  follow_up->set_outcome(in.outcome());
  follow_up->set_done_by(who.id);
  std::string key = row.key;
  GOV_ASSIGN_OR_RETURN(
      const store::EntityRecord replaced,
      meetings_->Replace(std::move(row), in.etag(), std::move(key), PayloadOf(meeting)));
  GOV_ASSIGN_OR_RETURN(*out->mutable_meeting(), Decode(replaced));
  Mask(who, *out->mutable_meeting());
  return absl::OkStatus();
}

absl::StatusOr<std::vector<gv1::Meeting>> Meetings::Held(const std::string& kind,
                                                         absl::CivilDay first,
                                                         absl::CivilDay last) const {
  store::EntityFilter filter;
  filter.key_prefix = absl::StrCat(kind, "/");
  // Keys end in the day: a range within one year narrows to the year's prefix.
  if (first.year() == last.year()) absl::StrAppend(&filter.key_prefix, first.year(), "-");
  GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows,
                       meetings_->AllRows(std::move(filter)));
  const std::string from = RowKey(kind, first);
  const std::string to = RowKey(kind, last);
  std::vector<gv1::Meeting> out;
  for (const store::EntityRecord& row : rows) {
    if (row.key < from || row.key > to) continue;
    GOV_ASSIGN_OR_RETURN(gv1::Meeting meeting, Decode(row));
    out.push_back(std::move(meeting));
  }
  return out;
}

indicators::Measure Meetings::HeldCount(std::string kind) const {
  return [this, kind = std::move(kind)](
             const indicators::EvalContext& ctx) -> absl::StatusOr<indicators::Value> {
    if (!ctx.community_id.empty()) return indicators::Value::Missing();
    const absl::CivilDay today = cal::LocalDay(ctx.now);
    if (ctx.days.first > today) return indicators::Value::Missing();
    GOV_ASSIGN_OR_RETURN(const std::vector<gv1::Meeting> held,
                         Held(kind, ctx.days.first, std::min(ctx.days.last, today)));
    absl::flat_hash_set<std::string> streets(ctx.streets.begin(), ctx.streets.end());
    if (!ctx.street_id.empty()) streets.insert(ctx.street_id);
    int64_t count = 0;
    for (const gv1::Meeting& meeting : held) {
      // The district counts every meeting; a street (or several) its own.
      if (!streets.empty() && !streets.contains(meeting.region().street_id())) continue;
      ++count;
    }
    return indicators::Value{count};
  };
}

indicators::Measure Meetings::HeldEveryMonth(std::string kind) const {
  return [this, kind = std::move(kind)](
             const indicators::EvalContext& ctx) -> absl::StatusOr<indicators::Value> {
    const absl::CivilDay today = cal::LocalDay(ctx.now);
    if (ctx.days.first > today) return indicators::Value::Missing();
    const absl::CivilDay last = std::min(ctx.days.last, today);
    GOV_ASSIGN_OR_RETURN(const std::vector<gv1::Meeting> held, Held(kind, ctx.days.first, last));
    // Whose meetings count: the district's always; a street's for its own row (and, for a
    // principal of several streets, for theirs). The district's row counts district meetings.
    absl::flat_hash_set<std::string> streets(ctx.streets.begin(), ctx.streets.end());
    if (!ctx.street_id.empty()) streets.insert(ctx.street_id);
    absl::flat_hash_set<absl::CivilMonth> with_meeting;
    for (const gv1::Meeting& meeting : held) {
      const std::string& street = meeting.region().street_id();
      if (!street.empty() && !streets.contains(street)) continue;
      with_meeting.insert(absl::CivilMonth(cal::LocalDay(FromTimestamp(meeting.hold_time()))));
    }
    return indicators::ShareOfMonthsMet(
        ctx, [&](absl::CivilMonth month) { return with_meeting.contains(month); });
  };
}

}  // namespace gov::meetings
