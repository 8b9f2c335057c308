#include "services/hazard/enterprises.h"

#include <algorithm>
#include <optional>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/cases/calendar.h"
#include "common/cases/case_kind.h"
#include "common/cases/list_request.h"
#include "common/cases/page_token.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/hazard/validation.h"

namespace gov::hazard {
namespace {

namespace gv1 = ::governance::v1;

constexpr size_t kCreditCodeLength = 18;
constexpr int kMaxFindings = 50;
// Times an inspection's grading is tried again when another write to the enterprise landed
// between its read and its write (concurrent inspections of one enterprise).
constexpr int kGradeAttempts = 5;
// Rows read from the store at a time by a list that filters on what a row's payload holds.
constexpr int kScanBatch = 200;
constexpr char kReader[] = "hazard-enterprises";

constexpr gv1::Colour kColours[] = {gv1::COLOUR_RED, gv1::COLOUR_ORANGE, gv1::COLOUR_YELLOW,
                                    gv1::COLOUR_BLUE};

bool IsGradeColour(gv1::Colour colour) {
  return std::find(std::begin(kColours), std::end(kColours), colour) != std::end(kColours);
}

// District admins, street operators, inspectors and systems see an enterprise's contact.
bool SeesPersonal(const auth::Principal& who) {
  return who.HasAnyRole({auth::kDistrictAdmin, auth::kStreetOperator, kInspector, auth::kSystem});
}

std::string Counted(int64_t n, const char* one, const char* many) {
  return absl::StrCat(n, " ", n == 1 ? one : many);
}

absl::Status ValidateCreditCode(const std::string& code, const std::string& field) {
  if (code.empty()) return absl::OkStatus();
  const bool digits_and_capitals = std::all_of(code.begin(), code.end(), [](char c) {
    return absl::ascii_isdigit(static_cast<unsigned char>(c)) ||
           absl::ascii_isupper(static_cast<unsigned char>(c));
  });
  if (code.size() != kCreditCodeLength || !digits_and_capitals) {
    return InvalidField(field, "18 characters, digits and capital letters");
  }
  return absl::OkStatus();
}

absl::Status ValidateNewEnterprise(const hv1::Enterprise& e,
                                   const regions::RegionRegistry& regions) {
  GOV_RETURN_IF_ERROR(ValidateText(e.name(), "enterprise.name", kMaxName, /*required=*/true));
  GOV_RETURN_IF_ERROR(ValidateCreditCode(e.credit_code(), "enterprise.credit_code"));
  if (e.sector() == hv1::SECTOR_UNSPECIFIED || !hv1::Sector_IsValid(e.sector())) {
    return InvalidField("enterprise.sector", "required: a sector");
  }
  GOV_RETURN_IF_ERROR(regions.Validate(e.region(), "enterprise.region", /*require_street=*/true));
  if (!e.region().grid_id().empty()) {
    return InvalidField("enterprise.region.grid_id",
                        "enterprises are kept per street and community");
  }
  GOV_RETURN_IF_ERROR(ValidateText(e.address(), "enterprise.address", kMaxName));
  return ValidateText(e.contact(), "enterprise.contact", kMaxShort);
}

absl::Status ValidateInspection(const hv1::Inspection& in, absl::CivilDay today) {
  GOV_RETURN_IF_ERROR(ValidateId(in.enterprise_id(), "inspection.enterprise_id"));
  GOV_RETURN_IF_ERROR(ValidateDay(in.day(), "inspection.day"));
  if (*cal::ParseDay(in.day()) > today) return InvalidField("inspection.day", "in the future");
  GOV_RETURN_IF_ERROR(
      ValidateText(in.inspector(), "inspection.inspector", kMaxShort, /*required=*/true));
  if (in.findings_size() > kMaxFindings) {
    return InvalidField("inspection.findings", absl::StrCat("at most ", kMaxFindings));
  }
  for (int i = 0; i < in.findings_size(); ++i) {
    const hv1::Finding& f = in.findings(i);
    const std::string at = absl::StrCat("inspection.findings[", i, "]");
    if (f.type() == hv1::HAZARD_TYPE_UNSPECIFIED || !hv1::HazardType_IsValid(f.type())) {
      return InvalidField(absl::StrCat(at, ".type"), "required: a hazard type");
    }
    if (f.severity() == hv1::SEVERITY_UNSPECIFIED || !hv1::Severity_IsValid(f.severity())) {
      return InvalidField(absl::StrCat(at, ".severity"), "required: a severity");
    }
    GOV_RETURN_IF_ERROR(
        ValidateText(f.description(), absl::StrCat(at, ".description"), kMaxText, true));
  }
  return absl::OkStatus();
}

// The request id of the hazard opened for finding `index` of inspection `inspection_id`.
std::string FindingRequestId(const std::string& inspection_id, int index) {
  return absl::StrCat("inspection:", inspection_id, ":finding:", index);
}

}  // namespace

Enterprises::Enterprises(const registry::Registry* enterprises,
                         const registry::Registry* inspections, cases::CaseEngine* hazards,
                         const Rules* rules, const regions::RegionRegistry* regions,
                         const Clock* clock)
    : enterprises_(enterprises),
      inspections_(inspections),
      hazards_(hazards),
      rules_(rules),
      regions_(regions),
      clock_(clock) {}

// ---- Reading ----

// The first grading is stored without its time, so that a retried registration (the same
// request at another moment) stores the same payload and is recognised; its time is the
// registration's.
absl::StatusOr<hv1::Enterprise> Enterprises::Stored(const store::EntityRecord& row) const {
  GOV_ASSIGN_OR_RETURN(hv1::Enterprise e, enterprises_->Decode<hv1::Enterprise>(row));
  for (hv1::GradeChange& change : *e.mutable_grade_history()) {
    if (!change.has_time()) *change.mutable_time() = ToTimestamp(row.create_time);
  }
  return e;
}

absl::StatusOr<hv1::Enterprise> Enterprises::Present(const store::EntityRecord& row,
                                                     absl::CivilDay today) const {
  GOV_ASSIGN_OR_RETURN(hv1::Enterprise e, Stored(row));
  const std::optional<absl::CivilDay> last = cal::ParseDay(e.last_inspection_day());
  const absl::CivilDay from = last.has_value() ? *last : cal::LocalDay(row.create_time);
  const absl::CivilDay due = from + rules_->InspectionDays(e.colour());
  e.set_next_inspection_due(absl::FormatCivilTime(due));
  e.set_inspection_overdue(today > due);
  return e;
}

absl::StatusOr<hv1::Enterprise> Enterprises::Shown(const store::EntityRecord& row,
                                                   const auth::Principal& who) const {
  GOV_ASSIGN_OR_RETURN(hv1::Enterprise e, Present(row, cal::LocalDay(clock_->Now())));
  if (!SeesPersonal(who)) cases::ClearPersonalData(e);
  return e;
}

absl::StatusOr<hv1::Inspection> Enterprises::InspectionOf(const store::EntityRecord& row) const {
  GOV_ASSIGN_OR_RETURN(hv1::Inspection in, inspections_->Decode<hv1::Inspection>(row));
  in.set_enterprise_id(row.parent_id);
  return in;
}

absl::StatusOr<hv1::Enterprise> Enterprises::Find(const std::string& id,
                                                  const std::string& field) const {
  absl::StatusOr<store::EntityRecord> row = enterprises_->Get(id);
  if (absl::IsNotFound(row.status())) {
    return InvalidField(field, absl::StrCat("unknown enterprise \"", id, "\""));
  }
  if (!row.ok()) return row.status();
  return Present(*row, cal::LocalDay(clock_->Now()));
}

// ---- Registration ----

absl::Status Enterprises::Register(const auth::Principal& who,
                                   const hv1::RegisterEnterpriseRequest& in,
                                   hv1::RegisterEnterpriseResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id(), "request_id"));
  GOV_RETURN_IF_ERROR(ValidateNewEnterprise(in.enterprise(), *regions_));
  GOV_RETURN_IF_ERROR(registry::CheckStreet(who, in.enterprise().region().street_id()));
  const hv1::Enterprise& given = in.enterprise();
  hv1::Enterprise e;
  e.set_name(given.name());
  e.set_credit_code(given.credit_code());
  e.set_sector(given.sector());
  *e.mutable_region() = given.region();
  e.set_address(given.address());
  e.set_contact(given.contact());
  // Graded at once: its sector's inherent risk, nothing found and nothing open yet.
  const int risk = rules_->SectorRisk(e.sector());
  e.set_colour(rules_->Grade(
      {{kMetricSectorRisk, risk}, {kMetricFindings, 0}, {kMetricOpen, 0}, {kMetricMajorOpen, 0}}));
  hv1::GradeChange* first = e.add_grade_history();
  first->set_from_colour(gv1::COLOUR_UNSPECIFIED);
  first->set_to_colour(e.colour());
  first->set_reason(absl::StrCat("registered: sector ", EnumKey(e.sector()), " of inherent risk ",
                                 risk, ", no inspection yet"));
  store::EntityRecord row;
  row.street_id = e.region().street_id();
  row.community_id = e.region().community_id();
  row.key = EnumKey(e.colour());
  row.payload = registry::Payload(e);
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord created,
                       enterprises_->Create(std::move(row), in.request_id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_enterprise(), Shown(created, who));
  return absl::OkStatus();
}

absl::Status Enterprises::Get(const auth::Principal& who, const hv1::GetEnterpriseRequest& in,
                              hv1::GetEnterpriseResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord row, enterprises_->LoadVisible(who, in.id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_enterprise(), Shown(row, who));
  return absl::OkStatus();
}

// By id over the store's rows of the caller's streets (and the region's, and the colour's: the
// index key), read in batches; the sector and the overdue flag are read from each row, so a
// page may take more than one batch. The token is bound to the filters and the caller's streets.
absl::Status Enterprises::List(const auth::Principal& who, const hv1::ListEnterprisesRequest& in,
                               hv1::ListEnterprisesResponse* out) {
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  const gv1::RegionRef& region = in.region();
  const bool has_region =
      !region.street_id().empty() || !region.community_id().empty() || !region.grid_id().empty();
  if (has_region) {
    GOV_RETURN_IF_ERROR(regions_->Validate(region, "region", /*require_street=*/true));
    if (!region.grid_id().empty()) {
      return InvalidField("region.grid_id", "enterprises are kept per street and community");
    }
  }
  if (in.colour() != gv1::COLOUR_UNSPECIFIED && !IsGradeColour(in.colour())) {
    return InvalidField("colour", "red, orange, yellow or blue");
  }
  if (!hv1::Sector_IsValid(in.sector())) return InvalidField("sector", "not a sector");
  if (has_region) GOV_RETURN_IF_ERROR(registry::CheckStreet(who, region.street_id()));

  store::EntityFilter filter;
  filter.street_id = region.street_id();
  filter.community_id = region.community_id();
  if (in.colour() != gv1::COLOUR_UNSPECIFIED) filter.key = EnumKey(in.colour());
  filter.streets.assign(who.streets.begin(), who.streets.end());
  std::sort(filter.streets.begin(), filter.streets.end());
  const std::string binding = cases::PageBinding(
      {"enterprises", filter.street_id, filter.community_id, filter.key,
       in.sector() == hv1::SECTOR_UNSPECIFIED ? "" : EnumKey(in.sector()),
       in.inspection_overdue_only() ? "overdue" : "", absl::StrJoin(filter.streets, ",")});
  GOV_ASSIGN_OR_RETURN(filter.after_id, cases::DecodeIdCursor(in.page_token(), binding));
  const bool reads_payload = in.sector() != hv1::SECTOR_UNSPECIFIED || in.inspection_overdue_only();
  filter.limit = reads_payload ? kScanBatch : size + 1;
  const absl::CivilDay today = cal::LocalDay(clock_->Now());
  std::vector<hv1::Enterprise> page;
  for (;;) {
    GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows, enterprises_->Rows(filter));
    for (const store::EntityRecord& row : rows) {
      GOV_ASSIGN_OR_RETURN(hv1::Enterprise e, Present(row, today));
      if (in.sector() != hv1::SECTOR_UNSPECIFIED && e.sector() != in.sector()) continue;
      if (in.inspection_overdue_only() && !e.inspection_overdue()) continue;
      page.push_back(std::move(e));
      if (static_cast<int>(page.size()) > size) break;
    }
    if (static_cast<int>(page.size()) > size || static_cast<int>(rows.size()) < filter.limit) {
      break;
    }
    filter.after_id = rows.back().id;
  }
  if (static_cast<int>(page.size()) > size) {
    page.resize(size);
    out->set_next_page_token(cases::EncodePageToken(binding, {page.back().id()}));
  }
  const bool sees_personal = SeesPersonal(who);
  for (hv1::Enterprise& e : page) {
    e.clear_grade_history();
    if (!sees_personal) cases::ClearPersonalData(e);
    *out->add_enterprises() = std::move(e);
  }
  return absl::OkStatus();
}

// ---- Inspections ----

absl::StatusOr<std::vector<std::string>> Enterprises::OpenFindings(
    const auth::Principal& who, const hv1::Enterprise& enterprise, const store::EntityRecord& row,
    const hv1::Inspection& inspection) {
  std::vector<std::string> ids;
  for (int i = 0; i < inspection.findings_size(); ++i) {
    const hv1::Finding& f = inspection.findings(i);
    hv1::Hazard h;
    h.set_type(f.type());
    h.set_source(hv1::HAZARD_SOURCE_INSPECTION);
    h.set_severity(f.severity());
    *h.mutable_region() = enterprise.region();
    h.set_enterprise_id(enterprise.id());
    h.set_inspection_id(row.id);
    h.set_description(f.description());
    h.set_reporter(inspection.inspector());
    // The deadline runs from the moment the inspection was recorded (its row's, the same on a
    // retry), so that a retry builds the same payload and the engine recognises it.
    const cases::NewCase input = NewHazardCase(std::move(h), *rules_, row.create_time);
    GOV_ASSIGN_OR_RETURN(const cases::Case opened,
                         hazards_->Create(who, input, FindingRequestId(row.id, i),
                                          cases::CaseEngine::RequestHash(input.payload)));
    ids.push_back(opened.record.id);
  }
  return ids;
}

absl::StatusOr<store::EntityRecord> Enterprises::Regrade(const std::string& enterprise_id,
                                                         const hv1::Inspection& inspection) const {
  absl::Status last_error;
  for (int attempt = 0; attempt < kGradeAttempts; ++attempt) {
    GOV_ASSIGN_OR_RETURN(store::EntityRecord row, enterprises_->Get(enterprise_id));
    GOV_ASSIGN_OR_RETURN(hv1::Enterprise e, enterprises_->Decode<hv1::Enterprise>(row));
    // A retry after the grading was written (a change it made is in the history) grades no more.
    for (const hv1::GradeChange& change : e.grade_history()) {
      if (change.inspection_id() == inspection.id()) return row;
    }
    // "findings" are those of its last inspection: the latest by day (of one day, the latest
    // recorded), which is this one unless an inspection of a later day was recorded before.
    store::EntityFilter of_enterprise;
    of_enterprise.parent_id = enterprise_id;
    GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> inspection_rows,
                         inspections_->AllRows(std::move(of_enterprise)));
    const store::EntityRecord* latest = nullptr;
    for (const store::EntityRecord& r : inspection_rows) {
      if (latest == nullptr || std::tie(r.key, r.id) > std::tie(latest->key, latest->id)) {
        latest = &r;
      }
    }
    int64_t findings = inspection.findings_size();
    std::string last_day = inspection.day();
    if (latest != nullptr && latest->id != inspection.id()) {
      GOV_ASSIGN_OR_RETURN(const hv1::Inspection l, InspectionOf(*latest));
      findings = l.findings_size();
      last_day = std::max(last_day, l.day());
    }
    last_day = std::max(last_day, e.last_inspection_day());
    // Open: the hazards at the enterprise (its record unit) not yet verified, whatever found them.
    cases::ListRequest open_request;
    open_request.filter.unit_id = enterprise_id;
    open_request.filter.statuses = {kOpen, kRectified};
    GOV_ASSIGN_OR_RETURN(
        const std::vector<cases::Case> open,
        cases::ListEvery(*hazards_, auth::SystemPrincipal(kReader), std::move(open_request)));
    int64_t major = 0;
    for (const cases::Case& c : open) {
      major += c.record.priority == static_cast<int32_t>(hv1::SEVERITY_MAJOR) ? 1 : 0;
    }
    const int64_t open_count = static_cast<int64_t>(open.size());
    const gv1::Colour colour = rules_->Grade({{kMetricSectorRisk, rules_->SectorRisk(e.sector())},
                                              {kMetricFindings, findings},
                                              {kMetricOpen, open_count},
                                              {kMetricMajorOpen, major}});
    if (colour == e.colour() && last_day == e.last_inspection_day()) return row;
    if (colour != e.colour()) {
      hv1::GradeChange* change = e.add_grade_history();
      change->set_from_colour(e.colour());
      change->set_to_colour(colour);
      std::string found = Counted(findings, "finding", "findings");
      if (latest != nullptr && latest->id != inspection.id()) {
        absl::StrAppend(&found, " at the latest inspection, ", latest->id, " of ", latest->key);
      }
      change->set_reason(absl::StrCat("inspection ", inspection.id(), ": ", found, ", ",
                                      Counted(major, "major hazard", "major hazards"), " open, ",
                                      Counted(open_count, "hazard", "hazards"), " open in all"));
      change->set_inspection_id(inspection.id());
      *change->mutable_time() = ToTimestamp(clock_->Now());
      e.set_colour(colour);
    }
    e.set_last_inspection_day(last_day);
    const std::string etag = registry::Etag(row.version);
    absl::StatusOr<store::EntityRecord> replaced =
        enterprises_->Replace(std::move(row), etag, EnumKey(colour), registry::Payload(e));
    if (!absl::IsAborted(replaced.status())) return replaced;
    last_error = replaced.status();
  }
  return last_error;
}

// Idempotent by request_id: the inspection's row is stored first (a retry of the same body gets
// it back; another body is ALREADY_EXISTS). Its hazards are opened under request ids of its own,
// the enterprise graded again, and last the row completed with the hazards' ids and the colour
// after it. A retry of a completed inspection returns it as stored; a retry of one cut short
// (a failure between the steps) does what is left, and each step done already is recognised.
absl::Status Enterprises::RecordInspection(const auth::Principal& who,
                                           const hv1::RecordInspectionRequest& in,
                                           hv1::RecordInspectionResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id(), "request_id"));
  GOV_RETURN_IF_ERROR(ValidateInspection(in.inspection(), cal::LocalDay(clock_->Now())));
  absl::StatusOr<store::EntityRecord> enterprise_row =
      enterprises_->Get(in.inspection().enterprise_id());
  if (absl::IsNotFound(enterprise_row.status())) {
    return InvalidField(
        "inspection.enterprise_id",
        absl::StrCat("unknown enterprise \"", in.inspection().enterprise_id(), "\""));
  }
  if (!enterprise_row.ok()) return enterprise_row.status();
  GOV_RETURN_IF_ERROR(registry::CheckStreet(who, enterprise_row->street_id));
  GOV_ASSIGN_OR_RETURN(const hv1::Enterprise enterprise, Stored(*enterprise_row));

  hv1::Inspection given;
  given.set_enterprise_id(enterprise_row->id);
  given.set_day(in.inspection().day());
  given.set_inspector(in.inspection().inspector());
  *given.mutable_findings() = in.inspection().findings();
  store::EntityRecord row;
  row.street_id = enterprise_row->street_id;
  row.community_id = enterprise_row->community_id;
  row.parent_id = enterprise_row->id;
  row.key = given.day();
  row.payload = registry::Payload(given);
  GOV_ASSIGN_OR_RETURN(store::EntityRecord stored,
                       inspections_->Create(std::move(row), in.request_id()));
  GOV_ASSIGN_OR_RETURN(hv1::Inspection inspection, InspectionOf(stored));

  if (inspection.colour_after() == gv1::COLOUR_UNSPECIFIED) {
    GOV_ASSIGN_OR_RETURN(const std::vector<std::string> hazard_ids,
                         OpenFindings(who, enterprise, stored, inspection));
    GOV_ASSIGN_OR_RETURN(const store::EntityRecord graded, Regrade(enterprise.id(), inspection));
    GOV_ASSIGN_OR_RETURN(const hv1::Enterprise after, Stored(graded));
    hv1::Inspection done = inspection;
    for (const std::string& id : hazard_ids) done.add_hazard_ids(id);
    done.set_colour_after(after.colour());
    const std::string etag = registry::Etag(stored.version);
    const std::string key = stored.key;
    absl::StatusOr<store::EntityRecord> completed =
        inspections_->Replace(stored, etag, key, registry::Payload(done));
    if (absl::IsAborted(completed.status())) {
      // A concurrent retry of the same request completed it first.
      GOV_ASSIGN_OR_RETURN(completed, inspections_->Get(stored.id));
    }
    if (!completed.ok()) return completed.status();
    GOV_ASSIGN_OR_RETURN(inspection, InspectionOf(*completed));
  }
  *out->mutable_inspection() = std::move(inspection);
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord now_row, enterprises_->Get(enterprise.id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_enterprise(), Shown(now_row, who));
  return absl::OkStatus();
}

// enterprise_id is optional: without it, every inspection within the caller's streets; with
// it, that enterprise's (INVALID_ARGUMENT "enterprise_id" when there is none such,
// PERMISSION_DENIED when it is of a street outside the caller's scope).
absl::Status Enterprises::ListInspections(const auth::Principal& who,
                                          const hv1::ListInspectionsRequest& in,
                                          hv1::ListInspectionsResponse* out) {
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  if (!in.enterprise_id().empty()) {
    GOV_RETURN_IF_ERROR(ValidateId(in.enterprise_id(), "enterprise_id"));
    absl::StatusOr<store::EntityRecord> enterprise =
        enterprises_->LoadVisible(who, in.enterprise_id());
    if (absl::IsNotFound(enterprise.status())) {
      return InvalidField("enterprise_id",
                          absl::StrCat("unknown enterprise \"", in.enterprise_id(), "\""));
    }
    if (!enterprise.ok()) return enterprise.status();
  }
  store::EntityFilter filter;
  filter.track = InspectionLayout().track;
  filter.kind = InspectionLayout().kind;
  filter.parent_id = in.enterprise_id();
  GOV_ASSIGN_OR_RETURN(
      const registry::Page page,
      inspections_->ListPage(who, {std::move(filter)}, {"inspections", in.enterprise_id()}, size,
                             in.page_token()));
  for (const store::EntityRecord& row : page.rows) {
    GOV_ASSIGN_OR_RETURN(*out->add_inspections(), InspectionOf(row));
  }
  out->set_next_page_token(page.next_page_token);
  return absl::OkStatus();
}

// ---- Indicators ----

// The registry keeps each enterprise's present colour only (its history is in the payload, not
// in the index): a past period counts the enterprises registered by its last day with the colour
// they have now.
indicators::Measure Enterprises::Registered(std::string key) const {
  return [this, key = std::move(key)](
             const indicators::EvalContext& ctx) -> absl::StatusOr<indicators::Value> {
    GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows,
                         enterprises_->RowsIn(ctx, key, /*key_is_prefix=*/key.empty()));
    int64_t count = 0;
    for (const store::EntityRecord& row : rows) {
      count += cal::LocalDay(row.create_time) <= ctx.days.last ? 1 : 0;
    }
    return indicators::Value{count};
  };
}

// Of the enterprises registered by the period's last day, those whose next inspection is
// overdue today (a present state: the same for every period).
indicators::Measure Enterprises::OverdueInspections() const {
  return [this](const indicators::EvalContext& ctx) -> absl::StatusOr<indicators::Value> {
    GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows,
                         enterprises_->RowsIn(ctx, "", /*key_is_prefix=*/true));
    const absl::CivilDay today = cal::LocalDay(ctx.now);
    int64_t overdue = 0;
    for (const store::EntityRecord& row : rows) {
      if (cal::LocalDay(row.create_time) > ctx.days.last) continue;
      GOV_ASSIGN_OR_RETURN(const hv1::Enterprise e, Present(row, today));
      overdue += e.inspection_overdue() ? 1 : 0;
    }
    return indicators::Value{overdue};
  };
}

std::vector<indicators::IndicatorSpec> EnterpriseIndicators(const Enterprises* enterprises) {
  using gv1::DIRECTION_HIGHER_IS_BETTER;
  using gv1::DIRECTION_LOWER_IS_BETTER;
  using gv1::INDICATOR_UNIT_COUNT;
  std::vector<indicators::IndicatorSpec> specs;
  // 对248家企业安全生产实行四色风险等级管控: the enterprises registered (and so graded) by the
  // period's end.
  specs.push_back(indicators::DistrictCount("enterprises_graded", "四色风险等级管控企业数",
                                            "Enterprises under four-colour risk grading",
                                            enterprises->Registered("")));
  // Watched: the enterprises of each colour, and those whose inspection is overdue.
  struct ColourCount {
    const char* id;
    const char* zh;
    const char* en;
    gv1::Colour colour;
    gv1::Direction direction;
  };
  constexpr ColourCount kCounts[] = {
      {"enterprises_red", "红色风险企业数", "Enterprises graded red", gv1::COLOUR_RED,
       DIRECTION_LOWER_IS_BETTER},
      {"enterprises_orange", "橙色风险企业数", "Enterprises graded orange", gv1::COLOUR_ORANGE,
       DIRECTION_LOWER_IS_BETTER},
      {"enterprises_yellow", "黄色风险企业数", "Enterprises graded yellow", gv1::COLOUR_YELLOW,
       DIRECTION_LOWER_IS_BETTER},
      {"enterprises_blue", "蓝色风险企业数", "Enterprises graded blue", gv1::COLOUR_BLUE,
       DIRECTION_HIGHER_IS_BETTER},
  };
  for (const ColourCount& c : kCounts) {
    specs.push_back({.id = c.id,
                     .name_zh = c.zh,
                     .name_en = c.en,
                     .unit = INDICATOR_UNIT_COUNT,
                     .direction = c.direction,
                     .measure = enterprises->Registered(EnumKey(c.colour))});
  }
  specs.push_back({.id = "overdue_inspections",
                   .name_zh = "逾期未检查企业数",
                   .name_en = "Enterprises whose inspection is overdue",
                   .unit = INDICATOR_UNIT_COUNT,
                   .direction = DIRECTION_LOWER_IS_BETTER,
                   .measure = enterprises->OverdueInspections()});
  return specs;
}

}  // namespace gov::hazard
