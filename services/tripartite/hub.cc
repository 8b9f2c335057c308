#include "services/tripartite/hub.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "common/cases/calendar.h"
#include "common/cases/case_kind.h"
#include "common/cases/page_token.h"
#include "common/clock/district_time.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/tripartite/validation.h"

namespace gov::tripartite {
namespace {

constexpr int kMaxCompounds = 50;
constexpr int kMaxTrainees = 200;
constexpr int kMaxAttendance = 100000;
constexpr int kMinYear = 2000;
constexpr int kMaxYear = 2100;

std::string DayText(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

// The row key of an activity: "<SERVICE>/<local day held>" ("TRAINING/2026-03-14"), so that a
// service's year is a key prefix ("TRAINING/2026-").
std::string ActivityKey(tv1::HubService service, absl::CivilDay day) {
  return absl::StrCat(EnumKey(service), "/", DayText(day));
}

// The day an activity row's key names.
std::optional<absl::CivilDay> KeyDay(const std::string& key) {
  const size_t slash = key.rfind('/');
  if (slash == std::string::npos) return std::nullopt;
  return cal::ParseDay(std::string_view(key).substr(slash + 1));
}

// Trainees' names are personal data for district_admin, street operators, three-party officers
// and systems.
bool SeesPersonal(const auth::Principal& who) {
  return who.HasAnyRole({auth::kDistrictAdmin, auth::kStreetOperator, kOfficer, auth::kSystem});
}

// Up to kMaxCompounds compound ids, each an id and none twice (before any is read).
absl::Status ValidateCompoundIds(const google::protobuf::RepeatedPtrField<std::string>& ids,
                                 const std::string& field) {
  if (ids.size() > kMaxCompounds) {
    return InvalidField(field, absl::StrCat("at most ", kMaxCompounds, " compounds"));
  }
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < ids.size(); ++i) {
    const std::string at = absl::StrCat(field, "[", i, "]");
    GOV_RETURN_IF_ERROR(ValidateId(ids[i], at));
    if (!seen.insert(ids[i]).second) return InvalidField(at, "given twice");
  }
  return absl::OkStatus();
}

absl::Status ValidateTrainees(const tv1::HubActivity& a) {
  if (a.service() != tv1::HUB_SERVICE_TRAINING) {
    if (a.trainees().empty()) return absl::OkStatus();
    return InvalidField("activity.trainees", "only a training has trainees");
  }
  if (a.trainees().empty() || a.trainees_size() > kMaxTrainees) {
    return InvalidField("activity.trainees",
                        absl::StrCat("a training has 1 to ", kMaxTrainees, " trainees"));
  }
  absl::flat_hash_set<std::pair<std::string, std::string>> seen;
  for (int i = 0; i < a.trainees_size(); ++i) {
    const tv1::Trainee& t = a.trainees(i);
    const std::string at = absl::StrCat("activity.trainees[", i, "]");
    GOV_RETURN_IF_ERROR(ValidateText(t.name(), absl::StrCat(at, ".name"), kMaxPerson, true));
    if (t.role() == tv1::TRAINEE_ROLE_UNSPECIFIED || !tv1::TraineeRole_IsValid(t.role())) {
      return InvalidField(absl::StrCat(at, ".role"), "required: chair, member or backbone");
    }
    if (t.compound_id().empty()) {
      if (t.role() == tv1::TRAINEE_ROLE_CHAIR || t.role() == tv1::TRAINEE_ROLE_MEMBER) {
        return InvalidField(absl::StrCat(at, ".compound_id"),
                            "required for a committee's chair or member");
      }
    } else {
      GOV_RETURN_IF_ERROR(ValidateId(t.compound_id(), absl::StrCat(at, ".compound_id")));
    }
    if (!seen.insert({t.name(), t.compound_id()}).second) {
      return InvalidField(absl::StrCat(at, ".name"), "given twice (the same name and compound)");
    }
  }
  return absl::OkStatus();
}

// The activity's own fields, before anything is read.
absl::Status ValidateActivity(const tv1::HubActivity& a, const regions::RegionRegistry& regions,
                              absl::Time now) {
  if (a.service() == tv1::HUB_SERVICE_UNSPECIFIED || !tv1::HubService_IsValid(a.service())) {
    return InvalidField("activity.service", "required: a service of the hub");
  }
  GOV_RETURN_IF_ERROR(ValidatePastTime(a.held_time(), "activity.held_time", now));
  if (!a.region().grid_id().empty()) {
    return InvalidField("activity.region.grid_id", "activities are kept per street");
  }
  if (!a.region().community_id().empty()) {
    return InvalidField("activity.region.community_id", "activities are kept per street");
  }
  if (!a.region().street_id().empty() && !regions.HasStreet(a.region().street_id())) {
    return InvalidField("activity.region.street_id",
                        absl::StrCat("unknown street \"", a.region().street_id(), "\""));
  }
  GOV_RETURN_IF_ERROR(ValidateText(a.title(), "activity.title", kMaxName, /*required=*/true));
  GOV_RETURN_IF_ERROR(ValidateCompoundIds(a.compound_ids(), "activity.compound_ids"));
  GOV_RETURN_IF_ERROR(ValidateRange(a.attendance(), 0, kMaxAttendance, "activity.attendance"));
  GOV_RETURN_IF_ERROR(ValidateTrainees(a));
  return ValidateText(a.note(), "activity.note", kMaxText);
}

absl::Status ValidateHighlight(const tv1::Highlight& h, const regions::RegionRegistry& regions,
                               int current_year) {
  if (h.street_id().empty()) return InvalidField("highlight.street_id", "required");
  if (!regions.HasStreet(h.street_id())) {
    return InvalidField("highlight.street_id",
                        absl::StrCat("unknown street \"", h.street_id(), "\""));
  }
  GOV_RETURN_IF_ERROR(ValidateRange(h.year(), kMinYear, kMaxYear, "highlight.year"));
  if (h.year() > current_year) return InvalidField("highlight.year", "after the current year");
  GOV_RETURN_IF_ERROR(ValidateText(h.name(), "highlight.name", kMaxName, /*required=*/true));
  GOV_RETURN_IF_ERROR(
      ValidateText(h.description(), "highlight.description", kMaxText, /*required=*/true));
  return ValidateCompoundIds(h.compound_ids(), "highlight.compound_ids");
}

// PERMISSION_DENIED unless `who` may record the activities of `street_id` ("" = the district's,
// district_admin's).
absl::Status CheckWriter(const auth::Principal& who, const std::string& street_id) {
  if (street_id.empty()) {
    if (!who.HasRole(auth::kDistrictAdmin)) {
      return auth::Denied(who, "record a district activity of the hub (district_admin's)");
    }
    return absl::OkStatus();
  }
  return registry::CheckStreet(who, street_id);
}

}  // namespace

Hub::Hub(const registry::Registry* activities, const registry::Registry* highlights,
         const Compounds* compounds, const regions::RegionRegistry* regions, const Clock* clock)
    : activities_(activities),
      highlights_(highlights),
      compounds_(compounds),
      regions_(regions),
      clock_(clock) {}

// ---- Reading ----

absl::StatusOr<tv1::HubActivity> Hub::ActivityShown(const store::EntityRecord& row,
                                                    const auth::Principal& who) const {
  GOV_ASSIGN_OR_RETURN(tv1::HubActivity a, activities_->Decode<tv1::HubActivity>(row));
  if (!SeesPersonal(who)) cases::ClearPersonalData(a);
  return a;
}

// The highlight's designated day is its row's creation (local day): a retry on another day
// stores the same payload.
absl::StatusOr<tv1::Highlight> Hub::HighlightShown(const store::EntityRecord& row) const {
  GOV_ASSIGN_OR_RETURN(tv1::Highlight h, highlights_->Decode<tv1::Highlight>(row));
  h.set_designated_day(DayText(cal::LocalDay(row.create_time)));
  return h;
}

// Each compound registered and visible to `who`, and in `street_id` when one is given.
absl::Status Hub::CheckCompounds(const auth::Principal& who,
                                 const google::protobuf::RepeatedPtrField<std::string>& ids,
                                 const std::string& field, const std::string& street_id) const {
  for (int i = 0; i < ids.size(); ++i) {
    const std::string at = absl::StrCat(field, "[", i, "]");
    GOV_ASSIGN_OR_RETURN(const tv1::Compound c, compounds_->Find(who, ids[i], at));
    if (!street_id.empty() && c.region().street_id() != street_id) {
      return InvalidField(at, absl::StrCat("compound ", ids[i], " is of street ",
                                           c.region().street_id(), ", not ", street_id));
    }
  }
  return absl::OkStatus();
}

// ---- Activities ----

// The request's fields first, then who may record the street's (or the district's) activities,
// then the compounds named (each read): nothing is written before all of it holds.
absl::Status Hub::RecordActivity(const auth::Principal& who,
                                 const tv1::RecordHubActivityRequest& in,
                                 tv1::RecordHubActivityResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id()));
  const tv1::HubActivity& given = in.activity();
  GOV_RETURN_IF_ERROR(ValidateActivity(given, *regions_, clock_->Now()));
  const std::string& street = given.region().street_id();
  GOV_RETURN_IF_ERROR(CheckWriter(who, street));
  GOV_RETURN_IF_ERROR(CheckCompounds(who, given.compound_ids(), "activity.compound_ids", street));
  for (int i = 0; i < given.trainees_size(); ++i) {
    const tv1::Trainee& t = given.trainees(i);
    if (t.compound_id().empty()) continue;
    const std::string at = absl::StrCat("activity.trainees[", i, "].compound_id");
    GOV_ASSIGN_OR_RETURN(const tv1::Compound c, compounds_->Find(who, t.compound_id(), at));
    if (!street.empty() && c.region().street_id() != street) {
      return InvalidField(at, absl::StrCat("compound ", t.compound_id(), " is of street ",
                                           c.region().street_id(), ", not ", street));
    }
  }

  // The activity as the caller describes it: output fields dropped, so that a retry matches the
  // first request's payload.
  tv1::HubActivity a;
  a.set_service(given.service());
  *a.mutable_held_time() = given.held_time();
  if (!street.empty()) a.mutable_region()->set_street_id(street);
  a.set_title(given.title());
  *a.mutable_compound_ids() = given.compound_ids();
  a.set_attendance(given.attendance());
  for (const tv1::Trainee& t : given.trainees()) {
    tv1::Trainee* stored = a.add_trainees();
    stored->set_name(t.name());
    stored->set_role(t.role());
    stored->set_compound_id(t.compound_id());
  }
  a.set_note(given.note());
  store::EntityRecord row;
  row.street_id = street;
  row.key = ActivityKey(a.service(), cal::LocalDay(FromTimestamp(a.held_time())));
  row.payload = registry::Payload(a);
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord created,
                       activities_->Create(std::move(row), in.request_id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_activity(), ActivityShown(created, who));
  return absl::OkStatus();
}

absl::Status Hub::GetActivity(const auth::Principal& who, const tv1::GetHubActivityRequest& in,
                              tv1::GetHubActivityResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord row,
                       activities_->LoadVisible(who, in.id(), /*district_rows_public=*/true));
  GOV_ASSIGN_OR_RETURN(*out->mutable_activity(), ActivityShown(row, who));
  return absl::OkStatus();
}

// The rows of the caller's streets and the district's (of the street asked, of the service and
// year: the key's prefix), read whole and ranked by the time held, newest first; the token is
// bound to the filters and the caller's streets.
absl::Status Hub::ListActivities(const auth::Principal& who,
                                 const tv1::ListHubActivitiesRequest& in,
                                 tv1::ListHubActivitiesResponse* out) const {
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  if (!tv1::HubService_IsValid(in.service())) {
    return InvalidField("service", "not a service of the hub");
  }
  if (in.year() != 0) GOV_RETURN_IF_ERROR(ValidateRange(in.year(), kMinYear, kMaxYear, "year"));
  if (!in.street_id().empty()) {
    if (!regions_->HasStreet(in.street_id())) {
      return InvalidField("street_id", absl::StrCat("unknown street \"", in.street_id(), "\""));
    }
    GOV_RETURN_IF_ERROR(registry::CheckStreet(who, in.street_id()));
  }
  std::vector<std::string> streets(who.streets.begin(), who.streets.end());
  if (!streets.empty()) streets.push_back("");  // the district's activities, to every caller
  std::sort(streets.begin(), streets.end());
  const std::string service =
      in.service() == tv1::HUB_SERVICE_UNSPECIFIED ? "" : EnumKey(in.service());
  const std::string binding =
      cases::PageBinding({"hub_activities", service, absl::StrCat(in.year()), in.street_id(),
                          absl::StrJoin(streets, ",")});
  GOV_ASSIGN_OR_RETURN(const std::optional<cases::RankKey> after,
                       cases::DecodeRankCursor(in.page_token(), binding));

  store::EntityFilter filter;
  filter.streets = std::move(streets);
  filter.street_id = in.street_id();
  if (!service.empty()) {
    filter.key_prefix =
        absl::StrCat(service, "/", in.year() != 0 ? absl::StrCat(in.year(), "-") : "");
  }
  GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows,
                       activities_->AllRows(std::move(filter)));
  std::vector<std::pair<cases::RankKey, tv1::HubActivity>> ranked;
  for (const store::EntityRecord& row : rows) {
    if (in.year() != 0) {
      const std::optional<absl::CivilDay> day = KeyDay(row.key);
      if (!day.has_value() || day->year() != in.year()) continue;
    }
    GOV_ASSIGN_OR_RETURN(tv1::HubActivity a, ActivityShown(row, who));
    cases::RankKey key{-absl::ToUnixNanos(FromTimestamp(a.held_time())), a.id()};
    ranked.emplace_back(std::move(key), std::move(a));
  }
  out->set_next_page_token(
      cases::PageOfRanked(std::move(ranked), after, binding, size, out->mutable_activities()));
  return absl::OkStatus();
}

// ---- Highlights ----

// One highlight a street a year. The same designation again (the street, year, name,
// description and compounds of the one on record) is answered with the one on record and nothing
// written: a retry, or the same designation sent under another request_id. Another is
// ALREADY_EXISTS naming the one on record. The rule is judged on a read before the write: two
// designations of one street and year at the same moment may both pass (best effort).
absl::Status Hub::DesignateHighlight(const auth::Principal& who,
                                     const tv1::DesignateHighlightRequest& in,
                                     tv1::DesignateHighlightResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id()));
  const tv1::Highlight& given = in.highlight();
  GOV_RETURN_IF_ERROR(ValidateHighlight(given, *regions_, cal::LocalDay(clock_->Now()).year()));
  GOV_RETURN_IF_ERROR(registry::CheckStreet(who, given.street_id()));
  GOV_RETURN_IF_ERROR(
      CheckCompounds(who, given.compound_ids(), "highlight.compound_ids", given.street_id()));

  tv1::Highlight h;
  h.set_street_id(given.street_id());
  h.set_year(given.year());
  h.set_name(given.name());
  h.set_description(given.description());
  *h.mutable_compound_ids() = given.compound_ids();
  const std::string payload = registry::Payload(h);

  store::EntityFilter of_street_year;
  of_street_year.street_id = h.street_id();
  of_street_year.key = absl::StrCat(h.year());
  GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> existing,
                       highlights_->AllRows(std::move(of_street_year)));
  if (!existing.empty()) {
    const store::EntityRecord& first = existing.front();
    if (first.payload != payload) {
      return FieldError(absl::StatusCode::kAlreadyExists, "highlight.year",
                        absl::StrCat("street ", h.street_id(), " has its highlight of ", h.year(),
                                     " already: ", first.id));
    }
    GOV_ASSIGN_OR_RETURN(*out->mutable_highlight(), HighlightShown(first));
    return absl::OkStatus();
  }
  store::EntityRecord row;
  row.street_id = h.street_id();
  row.key = absl::StrCat(h.year());
  row.payload = payload;
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord created,
                       highlights_->Create(std::move(row), in.request_id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_highlight(), HighlightShown(created));
  return absl::OkStatus();
}

// Highlights are the district's showcase: every caller reads every street's.
absl::Status Hub::GetHighlight(const auth::Principal&, const tv1::GetHighlightRequest& in,
                               tv1::GetHighlightResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord row, highlights_->Get(in.id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_highlight(), HighlightShown(row));
  return absl::OkStatus();
}

// By id over every street's (of the year asked: the key); the token is bound to the year.
absl::Status Hub::ListHighlights(const auth::Principal&, const tv1::ListHighlightsRequest& in,
                                 tv1::ListHighlightsResponse* out) const {
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  if (in.year() != 0) GOV_RETURN_IF_ERROR(ValidateRange(in.year(), kMinYear, kMaxYear, "year"));
  const std::string binding = cases::PageBinding({"highlights", absl::StrCat(in.year())});
  store::EntityFilter filter;
  if (in.year() != 0) filter.key = absl::StrCat(in.year());
  GOV_ASSIGN_OR_RETURN(filter.after_id, cases::DecodeIdCursor(in.page_token(), binding));
  filter.limit = size + 1;
  GOV_ASSIGN_OR_RETURN(std::vector<store::EntityRecord> rows, highlights_->Rows(filter));
  if (static_cast<int>(rows.size()) > size) {
    rows.resize(size);
    out->set_next_page_token(cases::EncodePageToken(binding, {rows.back().id}));
  }
  for (const store::EntityRecord& row : rows) {
    GOV_ASSIGN_OR_RETURN(*out->add_highlights(), HighlightShown(row));
  }
  return absl::OkStatus();
}

// ---- Indicators ----

namespace {

// The activities' rows of the context's region whose key starts with `prefix` and whose day lies
// in its days: the district's (district activities included) for the district, a street's own
// for its row (and for a principal of several streets theirs). Meetings of the hub are kept per
// street: a community has no data, nor a period not begun.
absl::StatusOr<std::optional<std::vector<store::EntityRecord>>> HeldIn(
    const registry::Registry& activities, const indicators::EvalContext& ctx,
    const std::string& prefix) {
  if (!ctx.community_id.empty()) return std::nullopt;
  if (ctx.days.first > cal::LocalDay(ctx.now)) return std::nullopt;
  GOV_ASSIGN_OR_RETURN(std::vector<store::EntityRecord> rows,
                       activities.RowsIn(ctx, prefix, /*key_is_prefix=*/true));
  std::vector<store::EntityRecord> held;
  for (store::EntityRecord& row : rows) {
    const std::optional<absl::CivilDay> day = KeyDay(row.key);
    if (day.has_value() && ctx.days.Contains(*day)) held.push_back(std::move(row));
  }
  return held;
}

// 培育优秀业委会主任、三方工作骨干: the distinct people (name and compound) trained in the
// trainings held in the period.
indicators::Measure MembersTrained(const registry::Registry* activities) {
  return [activities](const indicators::EvalContext& ctx) -> absl::StatusOr<indicators::Value> {
    GOV_ASSIGN_OR_RETURN(
        const std::optional<std::vector<store::EntityRecord>> rows,
        HeldIn(*activities, ctx, absl::StrCat(EnumKey(tv1::HUB_SERVICE_TRAINING), "/")));
    if (!rows.has_value()) return indicators::Value::Missing();
    absl::flat_hash_set<std::pair<std::string, std::string>> people;
    for (const store::EntityRecord& row : *rows) {
      GOV_ASSIGN_OR_RETURN(const tv1::HubActivity a, activities->Decode<tv1::HubActivity>(row));
      for (const tv1::Trainee& t : a.trainees()) people.insert({t.name(), t.compound_id()});
    }
    return indicators::Value{static_cast<int64_t>(people.size())};
  };
}

// The activities held in the period.
indicators::Measure ActivitiesHeld(const registry::Registry* activities) {
  return [activities](const indicators::EvalContext& ctx) -> absl::StatusOr<indicators::Value> {
    GOV_ASSIGN_OR_RETURN(const std::optional<std::vector<store::EntityRecord>> rows,
                         HeldIn(*activities, ctx, ""));
    if (!rows.has_value()) return indicators::Value::Missing();
    return indicators::Value{static_cast<int64_t>(rows->size())};
  };
}

// 打造"一街一品"特色亮点: the highlights of the year of the period's last day designated by
// that day, in the context's streets (a community has no data: highlights are the streets').
indicators::Measure HighlightsOfTheYear(const registry::Registry* highlights) {
  return [highlights](const indicators::EvalContext& ctx) -> absl::StatusOr<indicators::Value> {
    if (!ctx.community_id.empty()) return indicators::Value::Missing();
    GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows,
                         highlights->RowsIn(ctx, absl::StrCat(ctx.days.last.year())));
    int64_t count = 0;
    for (const store::EntityRecord& row : rows) {
      count += cal::LocalDay(row.create_time) <= ctx.days.last ? 1 : 0;
    }
    return indicators::Value{count};
  };
}

}  // namespace

std::vector<indicators::IndicatorSpec> HubIndicators(const Hub* hub) {
  return {
      // 培育优秀业委会主任、三方工作骨干30名.
      indicators::DistrictCount("members_trained", "培育业委会主任、三方工作骨干人数",
                                "Committee chairs and three-party backbones trained",
                                MembersTrained(hub->activities_)),
      // 打造"一街一品"特色亮点10个.
      indicators::DistrictCount("highlights", "\"一街一品\"特色亮点数",
                                "\"One street, one brand\" highlights designated",
                                HighlightsOfTheYear(hub->highlights_)),
      // Watched: the hub's activities held in the period.
      {.id = "hub_activities",
       .name_zh = "三方综合体活动次数",
       .name_en = "Activities of the three-party hub",
       .unit = governance::v1::INDICATOR_UNIT_COUNT,
       .direction = governance::v1::DIRECTION_HIGHER_IS_BETTER,
       .measure = ActivitiesHeld(hub->activities_)},
  };
}

}  // namespace gov::tripartite
