#include "services/disorder/campaigns.h"

#include <algorithm>
#include <functional>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "common/cache/cache.h"
#include "common/cases/calendar.h"
#include "common/cases/page_token.h"
#include "common/log/log.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/disorder/complaints.h"
#include "services/disorder/objects.h"

// How the campaigns lie in the store's generic entity rows (track "disorder"):
//
// clang-format off
// | kind       | id    | street_id                         | community_id | key                           |
// |------------|-------|-----------------------------------|--------------|-------------------------------|
// | "campaign" | R-... | the street when every target area | ""           | "<YYYY-MM>/<CATEGORY>/<STATUS>" |
// |            |       | lies in it, "" (district-wide)    |              |                               |
// |            |       | when the areas span streets       |              |                               |
// clang-format on
//
// The key is the month, then the category's and the status's enum keys, e.g.
// "2026-06/MOBILE_STALL/UNDER_WAY": the prefix "2026-06/" lists a month, "2026-06/MOBILE_STALL/"
// a month's campaigns of a category, the exact key those in a state, and a month's campaigns in a
// state across categories are one exact key per category. Lists without a month, and by street
// (a campaign is "in" every street one of its target areas lies in, which a district-wide row
// does not show), read the rows by id and keep the matching ones. The payload is the Campaign
// without id, etag, times and effect (etag "v<version>").
namespace gov::disorder {
namespace {

constexpr size_t kMaxTitle = 100;
constexpr size_t kMaxPlan = 2000;
constexpr int kMaxAreas = 50;
constexpr int kMaxObjects = 200;
constexpr int32_t kMaxCount = 100000;
constexpr size_t kMaxSummary = 2000;
constexpr size_t kMaxReason = 500;
constexpr int kMinYear = 2000;
constexpr int kMonthsAhead = 12;
// Rows read at a time when a list keeps only some of them.
constexpr int kScanBatch = 200;

// ---- Months ----

// A strict "YYYY-MM"; nullopt for anything else.
std::optional<absl::CivilMonth> ParseMonth(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  for (int i : {0, 1, 2, 3, 5, 6}) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
  }
  const int year =
      (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
  const int month = (text[5] - '0') * 10 + (text[6] - '0');
  if (month < 1 || month > 12) return std::nullopt;
  return absl::CivilMonth(year, month);
}

std::string MonthText(absl::CivilMonth month) {
  return absl::StrFormat("%04d-%02d", month.year(), month.month());
}

absl::CivilMonth CurrentMonth(const DisorderContext& ctx) {
  return absl::CivilMonth(cal::LocalDay(ctx.clock->Now()));
}

// The days of a month, by the calendar's periods.
cal::DayRange MonthDays(absl::CivilMonth month, absl::Time now) {
  return cal::Resolve(cal::MonthOf(absl::CivilDay(month)), now);
}

// ---- Storage ----

std::string CampaignKey(const std::string& month, dv1::ComplaintCategory category,
                        dv1::CampaignStatus status) {
  return absl::StrCat(month, "/", EnumKey(category), "/", EnumKey(status));
}

std::string CampaignKey(const dv1::Campaign& c) {
  return CampaignKey(c.month(), c.category(), c.status());
}

absl::StatusOr<dv1::Campaign> DecodeCampaign(const store::EntityRecord& record) {
  return registry::Decode<dv1::Campaign>(record, CampaignLayout().noun);
}

// The stored form: never an effect (it is computed on reading).
std::string CampaignPayload(dv1::Campaign c) {
  c.clear_effect();
  return registry::Payload(std::move(c));
}

// The street every target area lies in, or "" when they span streets.
std::string RowStreet(const dv1::Campaign& c) {
  if (c.target_areas().empty()) return "";
  const std::string& first = c.target_areas(0).street_id();
  for (const governance::v1::RegionRef& area : c.target_areas()) {
    if (area.street_id() != first) return "";
  }
  return first;
}

// Cached indicators are computed from the track's rows.
void AfterWrite(const DisorderContext& ctx) {
  if (ctx.cache != nullptr) ctx.cache->BumpGeneration(cache::AggregateScope(kTrack));
}

// ---- Validation ----

absl::Status ValidateMonth(const std::string& text, absl::CivilMonth current) {
  constexpr char kField[] = "campaign.month";
  if (text.empty()) return InvalidField(kField, "required");
  const std::optional<absl::CivilMonth> month = ParseMonth(text);
  if (!month.has_value()) return InvalidField(kField, "not a month YYYY-MM");
  if (month->year() < kMinYear)
    return InvalidField(kField, absl::StrCat("before ", kMinYear, "-01"));
  if (*month > current + kMonthsAhead) {
    return InvalidField(
        kField, absl::StrCat("more than ", kMonthsAhead, " months after the current month (",
                             MonthText(current), ", district time)"));
  }
  return absl::OkStatus();
}

// 1 to 50 streets or communities, known to the regions registry, none twice and none inside
// another (a community whose street is a target area itself).
absl::Status ValidateAreas(const dv1::Campaign& c, const regions::RegionRegistry& regions) {
  constexpr char kField[] = "campaign.target_areas";
  if (c.target_areas().empty()) {
    return InvalidField(kField,
                        absl::StrCat("required: 1 to ", kMaxAreas, " streets or communities"));
  }
  if (c.target_areas_size() > kMaxAreas) {
    return InvalidField(kField, absl::StrCat("at most ", kMaxAreas, " target areas"));
  }
  absl::flat_hash_map<std::string, int> streets;      // whole-street targets
  absl::flat_hash_map<std::string, int> communities;  // community targets
  for (int i = 0; i < c.target_areas_size(); ++i) {
    const governance::v1::RegionRef& area = c.target_areas(i);
    const std::string field = absl::StrCat(kField, "[", i, "]");
    if (!area.grid_id().empty()) {
      return InvalidField(absl::StrCat(field, ".grid_id"),
                          "a target area is a street or a community, not a grid");
    }
    GOV_RETURN_IF_ERROR(regions.Validate(area, field));
    auto& seen = area.community_id().empty() ? streets : communities;
    const std::string& id = area.community_id().empty() ? area.street_id() : area.community_id();
    const auto [it, inserted] = seen.emplace(id, i);
    if (!inserted) {
      return InvalidField(field, absl::StrCat(id, " is target_areas[", it->second, "] already"));
    }
  }
  for (int i = 0; i < c.target_areas_size(); ++i) {
    const governance::v1::RegionRef& area = c.target_areas(i);
    if (area.community_id().empty()) continue;
    const auto it = streets.find(area.street_id());
    if (it != streets.end()) {
      return InvalidField(
          absl::StrCat(kField, "[", i, "]"),
          absl::StrCat("community ", area.community_id(), " lies in street ", area.street_id(),
                       ", which is target_areas[", it->second, "] as a whole"));
    }
  }
  return absl::OkStatus();
}

// A campaign as planned; output-only fields are not looked at. The monitored objects are checked
// apart (CheckObjects), after the caller's scope.
absl::Status ValidateCampaign(const dv1::Campaign& c, const regions::RegionRegistry& regions,
                              absl::CivilMonth current) {
  GOV_RETURN_IF_ERROR(ValidateMonth(c.month(), current));
  if (c.category() == dv1::COMPLAINT_CATEGORY_UNSPECIFIED ||
      !dv1::ComplaintCategory_IsValid(c.category())) {
    return InvalidField("campaign.category", "required: one of the complaint categories");
  }
  GOV_RETURN_IF_ERROR(ValidateText(c.title(), "campaign.title", kMaxTitle, /*required=*/true));
  GOV_RETURN_IF_ERROR(ValidateText(c.plan(), "campaign.plan", kMaxPlan));
  GOV_RETURN_IF_ERROR(ValidateAreas(c, regions));
  constexpr char kObjects[] = "campaign.target_object_ids";
  if (c.target_object_ids_size() > kMaxObjects) {
    return InvalidField(kObjects, absl::StrCat("at most ", kMaxObjects, " monitored objects"));
  }
  absl::flat_hash_map<std::string, int> seen;
  for (int i = 0; i < c.target_object_ids_size(); ++i) {
    const std::string field = absl::StrCat(kObjects, "[", i, "]");
    GOV_RETURN_IF_ERROR(ValidateId(c.target_object_ids(i), field));
    const auto [it, inserted] = seen.emplace(c.target_object_ids(i), i);
    if (!inserted) {
      return InvalidField(field, absl::StrCat(c.target_object_ids(i), " is target_object_ids[",
                                              it->second, "] already"));
    }
  }
  return absl::OkStatus();
}

// Every targeted object exists, is not REMOVED and lies in a street of the target areas.
absl::Status CheckObjects(const DisorderContext& ctx, const dv1::Campaign& c) {
  absl::flat_hash_set<std::string> streets;
  for (const governance::v1::RegionRef& area : c.target_areas()) streets.insert(area.street_id());
  for (int i = 0; i < c.target_object_ids_size(); ++i) {
    const std::string field = absl::StrCat("campaign.target_object_ids[", i, "]");
    absl::StatusOr<dv1::MonitoredObject> object = LoadObject(ctx, c.target_object_ids(i));
    if (absl::IsNotFound(object.status())) {
      return InvalidField(field, std::string(object.status().message()));
    }
    GOV_RETURN_IF_ERROR(object.status());
    if (object->status() == dv1::MONITORED_OBJECT_STATUS_REMOVED) {
      return InvalidField(field, absl::StrCat("monitored object ", object->id(),
                                              " was removed from the programme"));
    }
    if (!streets.contains(object->region().street_id())) {
      return InvalidField(
          field, absl::StrCat("monitored object ", object->id(), " is in street ",
                              object->region().street_id(), ", outside the target areas' streets"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateResults(const dv1::CompleteCampaignRequest& in) {
  if (!in.has_results()) return InvalidField("results", "required");
  const dv1::CampaignResults& r = in.results();
  const struct {
    int32_t value;
    const char* field;
  } counts[] = {{r.inspections(), "results.inspections"},
                {r.problems_found(), "results.problems_found"},
                {r.problems_fixed(), "results.problems_fixed"},
                {r.penalised(), "results.penalised"}};
  for (const auto& count : counts) {
    if (count.value < 0 || count.value > kMaxCount) {
      return InvalidField(count.field, absl::StrCat("must be 0..", kMaxCount));
    }
  }
  if (r.problems_fixed() > r.problems_found()) {
    return InvalidField("results.problems_fixed", "more than the problems found");
  }
  if (r.penalised() > r.problems_found()) {
    return InvalidField("results.penalised", "more than the problems found");
  }
  return ValidateText(r.summary(), "results.summary", kMaxSummary, /*required=*/true);
}

// The list's filters (page size and token apart).
absl::Status ValidateListRequest(const dv1::ListCampaignsRequest& in,
                                 const regions::RegionRegistry& regions) {
  if (!in.month().empty() && !ParseMonth(in.month()).has_value()) {
    return InvalidField("month", "not a month YYYY-MM");
  }
  if (!dv1::ComplaintCategory_IsValid(in.category())) {
    return InvalidField("category", "not a complaint category");
  }
  if (!dv1::CampaignStatus_IsValid(in.status())) {
    return InvalidField("status", "not a campaign status");
  }
  if (!in.street_id().empty() && !regions.HasStreet(in.street_id())) {
    return InvalidField("street_id", absl::StrCat("unknown street \"", in.street_id(), "\""));
  }
  return absl::OkStatus();
}

// ---- Access ----

// Who plans and runs campaigns is the methods' declared access (district_admin, system,
// street_operator); a caller of some streets only those whose target areas all lie in them.
absl::Status CheckAreasInScope(const auth::Principal& who, const dv1::Campaign& c) {
  for (const governance::v1::RegionRef& area : c.target_areas()) {
    GOV_RETURN_IF_ERROR(registry::CheckStreet(who, area.street_id()));
  }
  return absl::OkStatus();
}

// Campaigns are district plans: every caller reads all of them, whatever its streets. Lists
// therefore run as a district-wide reader (and their page tokens are bound to the filters alone).
auth::Principal DistrictReader(const auth::Principal& who) {
  auth::Principal reader = who;
  reader.streets.clear();
  return reader;
}

// ---- Effect ----

// The category's complaints taken in over `days` in the target areas, from the case counts (a
// complaint counts on its intake day, or on the day it happened when the intake gave that,
// whatever its status: repeats and merged ones included).
// Whole streets are summed in one query, communities in one more grouped by community; target
// areas never overlap, so nothing is counted twice.
absl::StatusOr<int64_t> ComplaintsIn(const DisorderContext& ctx, const dv1::Campaign& c,
                                     const cal::DayRange& days) {
  const std::string category = EnumKey(c.category());
  std::vector<std::string> whole_streets;
  std::vector<std::string> community_streets;
  absl::flat_hash_set<std::string> communities;
  for (const governance::v1::RegionRef& area : c.target_areas()) {
    if (area.community_id().empty()) {
      whole_streets.push_back(area.street_id());
    } else {
      communities.insert(area.community_id());
      community_streets.push_back(area.street_id());
    }
  }
  std::sort(community_streets.begin(), community_streets.end());
  community_streets.erase(std::unique(community_streets.begin(), community_streets.end()),
                          community_streets.end());

  store::CountQuery query;
  query.track = kTrack;
  query.first = days.first;
  query.last = days.last;
  query.by_category = true;
  int64_t total = 0;
  if (!whole_streets.empty()) {
    query.streets = whole_streets;
    GOV_ASSIGN_OR_RETURN(const std::vector<store::CountRow> rows, ctx.repo->SumCases(query));
    for (const store::CountRow& row : rows) {
      if (row.category == category) total += row.count;
    }
  }
  if (!communities.empty()) {
    query.streets = community_streets;
    query.by_community = true;
    GOV_ASSIGN_OR_RETURN(const std::vector<store::CountRow> rows, ctx.repo->SumCases(query));
    for (const store::CountRow& row : rows) {
      if (row.category == category && communities.contains(row.community_id)) total += row.count;
    }
  }
  return total;
}

absl::Status FillEffect(const DisorderContext& ctx, dv1::Campaign* c) {
  const std::optional<absl::CivilMonth> month = ParseMonth(c->month());
  if (!month.has_value()) {
    return absl::DataLossError(
        absl::StrCat("campaign ", c->id(), ": stored month \"", c->month(), "\" is unreadable"));
  }
  const absl::Time now = ctx.clock->Now();
  GOV_ASSIGN_OR_RETURN(const int64_t in_month, ComplaintsIn(ctx, *c, MonthDays(*month, now)));
  GOV_ASSIGN_OR_RETURN(const int64_t before, ComplaintsIn(ctx, *c, MonthDays(*month - 1, now)));
  c->mutable_effect()->set_complaints_in_month(in_month);
  c->mutable_effect()->set_complaints_previous_month(before);
  return absl::OkStatus();
}

// ---- Lists ----

struct CampaignPage {
  std::vector<dv1::Campaign> campaigns;
  std::string next_page_token;
};

// The rows of `filters` that `keep` accepts, a page by id. Rows are read in batches from the
// token's position; once more than a page has been found, the token of the page is the one
// registry::ListPage gives for a page ending at the page's last campaign (read again from the
// start of the batch that held it), so that the next page starts right after it and no page
// ends in a token with nothing behind it.
absl::StatusOr<CampaignPage> KeptPage(store::Repository& repo, const auth::Principal& reader,
                                      const std::vector<store::EntityFilter>& filters,
                                      const std::vector<std::string>& binding, int size,
                                      const std::string& page_token,
                                      const std::function<bool(const dv1::Campaign&)>& keep) {
  struct Found {
    dv1::Campaign campaign;
    std::string batch_token;  // where the batch that held it started
    int index = 0;            // its place in that batch
  };
  std::vector<Found> found;
  const int batch = std::max(size + 1, kScanBatch);
  std::string token = page_token;
  while (static_cast<int>(found.size()) <= size) {
    GOV_ASSIGN_OR_RETURN(const registry::Page page,
                         registry::ListPage(repo, reader, filters, binding, batch, token));
    for (int i = 0;
         i < static_cast<int>(page.rows.size()) && static_cast<int>(found.size()) <= size; ++i) {
      GOV_ASSIGN_OR_RETURN(dv1::Campaign c, DecodeCampaign(page.rows[i]));
      if (keep(c)) found.push_back({std::move(c), token, i});
    }
    if (page.next_page_token.empty()) break;
    token = page.next_page_token;
  }
  CampaignPage out;
  if (static_cast<int>(found.size()) > size) {
    const Found& last = found[size - 1];
    GOV_ASSIGN_OR_RETURN(
        const registry::Page cut,
        registry::ListPage(repo, reader, filters, binding, last.index + 1, last.batch_token));
    out.next_page_token = cut.next_page_token;
    found.resize(size);
  }
  for (Found& f : found) out.campaigns.push_back(std::move(f.campaign));
  return out;
}

}  // namespace

const registry::Layout& CampaignLayout() {
  static const registry::Layout* layout = new registry::Layout{kTrack, "campaign", "R", "campaign"};
  return *layout;
}

struct Campaigns::Impl {
  explicit Impl(const DisorderContext& c) : ctx(c) {}

  // A transition of the campaign `id` under `etag`: from one of `from` (FAILED_PRECONDITION
  // otherwise, naming `verb`), by `apply` (which may refuse), replaced under the etag.
  absl::Status Transition(const auth::Principal& who, const std::string& id,
                          const std::string& etag, std::vector<dv1::CampaignStatus> from,
                          const std::string& verb,
                          const std::function<absl::Status(dv1::Campaign&)>& apply,
                          dv1::Campaign* out) {
    // The store, not a cache, is the truth an etag is compared with.
    GOV_ASSIGN_OR_RETURN(store::EntityRecord record,
                         ctx.repo->GetEntity(CampaignLayout().track, CampaignLayout().kind, id));
    GOV_ASSIGN_OR_RETURN(dv1::Campaign next, DecodeCampaign(record));
    GOV_RETURN_IF_ERROR(CheckAreasInScope(who, next));
    if (etag != next.etag()) {
      return absl::AbortedError(
          absl::StrCat("campaign ", id, " has changed (etag ", etag, " is not current)"));
    }
    if (std::find(from.begin(), from.end(), next.status()) == from.end()) {
      std::string allowed;
      for (dv1::CampaignStatus s : from) {
        absl::StrAppend(&allowed, allowed.empty() ? "" : " or ", EnumKey(s));
      }
      return absl::FailedPreconditionError(absl::StrCat("campaign ", id, " is ",
                                                        EnumKey(next.status()), "; only a ",
                                                        allowed, " campaign can be ", verb));
    }
    GOV_RETURN_IF_ERROR(apply(next));
    // ABORTED when another writer committed since the read.
    GOV_ASSIGN_OR_RETURN(
        const store::EntityRecord updated,
        registry::Replace(*ctx.repo, CampaignLayout(), std::move(record), etag, CampaignKey(next),
                          CampaignPayload(next), ctx.clock->Now()));
    AfterWrite(ctx);
    GOV_ASSIGN_OR_RETURN(*out, DecodeCampaign(updated));
    return absl::OkStatus();
  }

  const DisorderContext ctx;
};

Campaigns::Campaigns(const DisorderContext& ctx) : impl_(std::make_unique<Impl>(ctx)) {}
Campaigns::~Campaigns() = default;

absl::Status Campaigns::Plan(const auth::Principal& who, const dv1::PlanCampaignRequest& in,
                             dv1::PlanCampaignResponse* out) {
  const DisorderContext& ctx = impl_->ctx;
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id()));
  const dv1::Campaign& sent = in.campaign();
  GOV_RETURN_IF_ERROR(ValidateCampaign(sent, *ctx.regions, CurrentMonth(ctx)));
  GOV_RETURN_IF_ERROR(CheckAreasInScope(who, sent));
  GOV_RETURN_IF_ERROR(CheckObjects(ctx, sent));

  // What the caller says, and nothing of the output-only fields: the payload is the request
  // hash's input, so a retry is recognised.
  dv1::Campaign planned;
  planned.set_month(sent.month());
  planned.set_category(sent.category());
  planned.set_title(sent.title());
  planned.set_plan(sent.plan());
  *planned.mutable_target_areas() = sent.target_areas();
  *planned.mutable_target_object_ids() = sent.target_object_ids();
  planned.set_status(dv1::CAMPAIGN_STATUS_PLANNED);

  store::EntityRecord row;
  row.street_id = RowStreet(planned);
  row.key = CampaignKey(planned);
  row.payload = CampaignPayload(planned);
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord created,
                       registry::Create(*ctx.repo, CampaignLayout(), std::move(row),
                                        ctx.clock->Now(), in.request_id()));
  AfterWrite(ctx);
  GOV_ASSIGN_OR_RETURN(*out->mutable_campaign(), DecodeCampaign(created));
  return absl::OkStatus();
}

absl::Status Campaigns::Start(const auth::Principal& who, const dv1::StartCampaignRequest& in,
                              dv1::StartCampaignResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  if (in.etag().empty()) return InvalidField("etag", "required");
  const DisorderContext& ctx = impl_->ctx;
  return impl_->Transition(
      who, in.id(), in.etag(), {dv1::CAMPAIGN_STATUS_PLANNED}, "started",
      [&](dv1::Campaign& c) -> absl::Status {
        const std::optional<absl::CivilMonth> month = ParseMonth(c.month());
        if (!month.has_value()) {
          return absl::DataLossError(absl::StrCat("campaign ", c.id(), ": stored month \"",
                                                  c.month(), "\" is unreadable"));
        }
        const absl::CivilDay today = cal::LocalDay(ctx.clock->Now());
        if (today < absl::CivilDay(*month)) {
          return absl::FailedPreconditionError(
              absl::StrCat("campaign ", c.id(), " is for ", c.month(), "; it can be started from ",
                           MonthText(*month), "-01 (district time)"));
        }
        c.set_status(dv1::CAMPAIGN_STATUS_UNDER_WAY);
        return absl::OkStatus();
      },
      out->mutable_campaign());
}

absl::Status Campaigns::Complete(const auth::Principal& who, const dv1::CompleteCampaignRequest& in,
                                 dv1::CompleteCampaignResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  if (in.etag().empty()) return InvalidField("etag", "required");
  GOV_RETURN_IF_ERROR(ValidateResults(in));
  return impl_->Transition(
      who, in.id(), in.etag(), {dv1::CAMPAIGN_STATUS_UNDER_WAY}, "completed",
      [&](dv1::Campaign& c) {
        c.set_status(dv1::CAMPAIGN_STATUS_COMPLETED);
        *c.mutable_results() = in.results();
        return absl::OkStatus();
      },
      out->mutable_campaign());
}

absl::Status Campaigns::Cancel(const auth::Principal& who, const dv1::CancelCampaignRequest& in,
                               dv1::CancelCampaignResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  if (in.etag().empty()) return InvalidField("etag", "required");
  GOV_RETURN_IF_ERROR(ValidateText(in.reason(), "reason", kMaxReason, /*required=*/true));
  return impl_->Transition(
      who, in.id(), in.etag(), {dv1::CAMPAIGN_STATUS_PLANNED, dv1::CAMPAIGN_STATUS_UNDER_WAY},
      "cancelled",
      [&](dv1::Campaign& c) {
        c.set_status(dv1::CAMPAIGN_STATUS_CANCELLED);
        c.set_cancel_reason(in.reason());
        return absl::OkStatus();
      },
      out->mutable_campaign());
}

absl::Status Campaigns::Get(const auth::Principal&, const dv1::GetCampaignRequest& in,
                            dv1::GetCampaignResponse* out) {
  const DisorderContext& ctx = impl_->ctx;
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  // Every caller reads every campaign (district plans).
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord record,
                       ctx.repo->GetEntity(CampaignLayout().track, CampaignLayout().kind, in.id()));
  GOV_ASSIGN_OR_RETURN(dv1::Campaign c, DecodeCampaign(record));
  GOV_RETURN_IF_ERROR(FillEffect(ctx, &c));
  *out->mutable_campaign() = std::move(c);
  return absl::OkStatus();
}

absl::Status Campaigns::List(const auth::Principal& who, const dv1::ListCampaignsRequest& in,
                             dv1::ListCampaignsResponse* out) {
  const DisorderContext& ctx = impl_->ctx;
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  GOV_RETURN_IF_ERROR(ValidateListRequest(in, *ctx.regions));
  const std::string category = in.category() ? EnumKey(in.category()) : "";
  const std::string status = in.status() ? EnumKey(in.status()) : "";

  store::EntityFilter base;
  base.track = CampaignLayout().track;
  base.kind = CampaignLayout().kind;
  std::vector<store::EntityFilter> filters;
  // Whether the filters leave rows that the request's filters do not want.
  bool kept_on_top = !in.street_id().empty();
  if (in.month().empty()) {
    filters.push_back(base);
    kept_on_top = kept_on_top || !category.empty() || !status.empty();
  } else if (status.empty()) {
    filters.push_back(base);
    filters.back().key_prefix =
        absl::StrCat(in.month(), "/", category.empty() ? "" : absl::StrCat(category, "/"));
  } else {
    for (dv1::ComplaintCategory c : AllCategories()) {
      if (in.category() != dv1::COMPLAINT_CATEGORY_UNSPECIFIED && c != in.category()) continue;
      filters.push_back(base);
      filters.back().key = CampaignKey(in.month(), c, in.status());
    }
  }
  const auth::Principal reader = DistrictReader(who);
  const std::vector<std::string> binding = {"campaigns", in.month(), category, status,
                                            in.street_id()};
  if (!kept_on_top) {
    GOV_ASSIGN_OR_RETURN(
        const registry::Page page,
        registry::ListPage(*ctx.repo, reader, filters, binding, size, in.page_token()));
    for (const store::EntityRecord& record : page.rows) {
      GOV_ASSIGN_OR_RETURN(*out->add_campaigns(), DecodeCampaign(record));
    }
    out->set_next_page_token(page.next_page_token);
    return absl::OkStatus();
  }
  const auto keep = [&in](const dv1::Campaign& c) {
    if (in.category() != dv1::COMPLAINT_CATEGORY_UNSPECIFIED && c.category() != in.category()) {
      return false;
    }
    if (in.status() != dv1::CAMPAIGN_STATUS_UNSPECIFIED && c.status() != in.status()) return false;
    if (in.street_id().empty()) return true;
    return std::any_of(c.target_areas().begin(), c.target_areas().end(),
                       [&in](const governance::v1::RegionRef& area) {
                         return area.street_id() == in.street_id();
                       });
  };
  GOV_ASSIGN_OR_RETURN(CampaignPage page,
                       KeptPage(*ctx.repo, reader, filters, binding, size, in.page_token(), keep));
  for (dv1::Campaign& c : page.campaigns) *out->add_campaigns() = std::move(c);
  out->set_next_page_token(page.next_page_token);
  return absl::OkStatus();
}

// ---- Demo data ----

namespace {

constexpr char kDemoActor[] = "campaign-demo-loader";
constexpr int kDemoMonthsBack = 12;
constexpr int kCategoriesPerMonth = 2;

struct DemoCampaign {
  std::string request_id;
  dv1::Campaign campaign;
  dv1::CampaignStatus target = dv1::CAMPAIGN_STATUS_PLANNED;
  int seed = 0;
};

// Everything about a demo campaign follows from its month and its place in the month's pair, not
// from the day of the load: a later load asks for the same campaigns and only moves them on.
//  - categories: the month's pair of the ten, in turn (every category every five months);
//  - target areas by seed: a whole street, two communities of a street, or three streets.
DemoCampaign MakeDemoCampaign(absl::CivilMonth month, int slot,
                              const regions::RegionRegistry& regions) {
  const int month_index = static_cast<int>((month.year() - kMinYear) * 12 + month.month() - 1);
  const int pairs = static_cast<int>(AllCategories().size()) / kCategoriesPerMonth;
  const dv1::ComplaintCategory category =
      AllCategories()[(month_index % pairs) * kCategoriesPerMonth + slot];
  const int seed = month_index * kCategoriesPerMonth + slot;
  const auto& streets = regions.streets();
  const int n = static_cast<int>(streets.size());
  const governance::config::v1::Street* street = streets[seed % n];

  DemoCampaign d;
  d.seed = seed;
  d.request_id = absl::StrCat("demo-campaign-", MonthText(month), "-", EnumKey(category));
  dv1::Campaign& c = d.campaign;
  c.set_month(MonthText(month));
  c.set_category(category);
  const std::vector<const governance::config::v1::Community*> communities =
      regions.CommunitiesOf(street->id());
  std::string where;
  switch (seed % 3) {
    case 1:
      if (communities.size() >= 2) {
        for (int k = 0; k < 2; ++k) {
          const governance::config::v1::Community* community =
              communities[(seed / 3 + k) % communities.size()];
          governance::v1::RegionRef* area = c.add_target_areas();
          area->set_street_id(street->id());
          area->set_community_id(community->id());
        }
        where = absl::StrCat(street->name(), "重点社区");
        break;
      }
      [[fallthrough]];
    case 0:
      c.add_target_areas()->set_street_id(street->id());
      where = street->name();
      break;
    default: {
      absl::flat_hash_set<std::string> taken;
      for (int step : {0, 3, 7}) {
        const governance::config::v1::Street* s = streets[(seed + step) % n];
        if (taken.insert(s->id()).second) c.add_target_areas()->set_street_id(s->id());
      }
      where = "全区多街道";
      break;
    }
  }
  c.set_title(absl::StrFormat("%d年%d月%s专项整治（%s）", month.year(), month.month(),
                              CategoryNameZh(category), where));
  c.set_plan(absl::StrCat("集中排查", CategoryNameZh(category), "问题，联合执法、限期整改、",
                          "回头看复查。（演示数据）"));
  return d;
}

dv1::CampaignResults DemoResults(int seed) {
  dv1::CampaignResults r;
  r.set_inspections(40 + (seed * 37) % 160);
  r.set_problems_found(10 + (seed * 13) % 50);
  r.set_problems_fixed(r.problems_found() - seed % 5);
  r.set_penalised(r.problems_found() * (30 + seed % 40) / 100);
  r.set_summary(absl::StrCat("检查 ", r.inspections(), " 处，发现问题 ", r.problems_found(),
                             " 个，整改 ", r.problems_fixed(), " 个，查处 ", r.penalised(),
                             " 起。（演示数据）"));
  return r;
}

}  // namespace

// Over the last 12 months, one campaign a month for each category of the month's pair,
// completed with results; this month's under way, next month's planned. Each is planned through
// Plan (idempotent by its request id) and moved on as far as its month allows; one that a user
// cancelled or completed stays as it is, and one whose plan was changed since (ALREADY_EXISTS)
// is kept.
absl::Status LoadCampaignDemoData(const DisorderContext& ctx) {
  if (ctx.regions->streets().empty()) return absl::OkStatus();
  Campaigns campaigns(ctx);
  const auth::Principal actor = auth::SystemPrincipal(kDemoActor);
  const absl::CivilMonth current = CurrentMonth(ctx);
  int seen = 0;
  int moved = 0;
  int kept = 0;
  for (int offset = -kDemoMonthsBack; offset <= 1; ++offset) {
    for (int slot = 0; slot < kCategoriesPerMonth; ++slot) {
      DemoCampaign d = MakeDemoCampaign(current + offset, slot, *ctx.regions);
      d.target = offset < 0    ? dv1::CAMPAIGN_STATUS_COMPLETED
                 : offset == 0 ? dv1::CAMPAIGN_STATUS_UNDER_WAY
                               : dv1::CAMPAIGN_STATUS_PLANNED;
      dv1::PlanCampaignRequest plan;
      plan.set_request_id(d.request_id);
      *plan.mutable_campaign() = d.campaign;
      dv1::PlanCampaignResponse planned;
      const absl::Status stored = campaigns.Plan(actor, plan, &planned);
      if (absl::IsAlreadyExists(stored)) {
        ++kept;
        continue;
      }
      GOV_RETURN_IF_ERROR(stored);
      dv1::Campaign c = std::move(*planned.mutable_campaign());
      ++seen;
      if (d.target != dv1::CAMPAIGN_STATUS_PLANNED && c.status() == dv1::CAMPAIGN_STATUS_PLANNED) {
        dv1::StartCampaignRequest start;
        start.set_id(c.id());
        start.set_etag(c.etag());
        dv1::StartCampaignResponse started;
        GOV_RETURN_IF_ERROR(campaigns.Start(actor, start, &started));
        c = std::move(*started.mutable_campaign());
        ++moved;
      }
      if (d.target == dv1::CAMPAIGN_STATUS_COMPLETED &&
          c.status() == dv1::CAMPAIGN_STATUS_UNDER_WAY) {
        dv1::CompleteCampaignRequest complete;
        complete.set_id(c.id());
        complete.set_etag(c.etag());
        *complete.mutable_results() = DemoResults(d.seed);
        dv1::CompleteCampaignResponse completed;
        GOV_RETURN_IF_ERROR(campaigns.Complete(actor, complete, &completed));
        c = std::move(*completed.mutable_campaign());
        ++moved;
      }
    }
  }
  log::Info("demo campaigns ready", {{"track", kTrack},
                                     {"campaigns", absl::StrCat(seen)},
                                     {"moved_on", absl::StrCat(moved)},
                                     {"kept_as_changed", absl::StrCat(kept)}});
  return absl::OkStatus();
}

}  // namespace gov::disorder
