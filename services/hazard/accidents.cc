#include "services/hazard/accidents.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/cases/calendar.h"
#include "common/cases/page_token.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/hazard/validation.h"

namespace gov::hazard {
namespace {

constexpr int kMaxCasualties = 100'000;

// The row key: "<TYPE>/<day>" ("FOOD/2026-03-05"); the prefix "<TYPE>/" lists a type.
std::string AccidentKey(const hv1::Accident& a) {
  return absl::StrCat(registry::KindPrefix(EnumKey(a.type())), a.day());
}

absl::Status ValidateAccident(const hv1::Accident& a, const regions::RegionRegistry& regions,
                              absl::CivilDay today) {
  if (a.type() == hv1::ACCIDENT_TYPE_UNSPECIFIED || !hv1::AccidentType_IsValid(a.type())) {
    return InvalidField("accident.type", "required: an accident type");
  }
  if (!a.region().grid_id().empty()) {
    return InvalidField("accident.region.grid_id", "accidents are kept per street and community");
  }
  GOV_RETURN_IF_ERROR(regions.Validate(a.region(), "accident.region", /*require_street=*/true));
  GOV_RETURN_IF_ERROR(ValidateDay(a.day(), "accident.day"));
  if (*cal::ParseDay(a.day()) > today) return InvalidField("accident.day", "in the future");
  GOV_RETURN_IF_ERROR(
      ValidateText(a.description(), "accident.description", kMaxText, /*required=*/true));
  GOV_RETURN_IF_ERROR(ValidateRange(a.casualties(), 0, kMaxCasualties, "accident.casualties"));
  if (!a.enterprise_id().empty()) {
    GOV_RETURN_IF_ERROR(ValidateId(a.enterprise_id(), "accident.enterprise_id"));
  }
  return absl::OkStatus();
}

// 食品药品安全"零事故": the food and drug accidents whose day lies in the context's days, within
// its region.
indicators::Measure FoodDrugAccidents(const registry::Registry* accidents) {
  return [accidents](const indicators::EvalContext& ctx) -> absl::StatusOr<indicators::Value> {
    int64_t count = 0;
    for (const hv1::AccidentType type : {hv1::ACCIDENT_TYPE_FOOD, hv1::ACCIDENT_TYPE_DRUG}) {
      GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows,
                           accidents->RowsIn(ctx, registry::KindPrefix(EnumKey(type)),
                                             /*key_is_prefix=*/true));
      for (const store::EntityRecord& row : rows) {
        GOV_ASSIGN_OR_RETURN(const hv1::Accident a, accidents->Decode<hv1::Accident>(row));
        const std::optional<absl::CivilDay> day = cal::ParseDay(a.day());
        count += day.has_value() && ctx.days.Contains(*day) ? 1 : 0;
      }
    }
    return indicators::Value{count, true};
  };
}

}  // namespace

Accidents::Accidents(const registry::Registry* accidents, const Enterprises* enterprises,
                     const regions::RegionRegistry* regions, const Clock* clock)
    : accidents_(accidents), enterprises_(enterprises), regions_(regions), clock_(clock) {}

absl::Status Accidents::Record(const auth::Principal& who, const hv1::RecordAccidentRequest& in,
                               hv1::RecordAccidentResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id()));
  GOV_RETURN_IF_ERROR(ValidateAccident(in.accident(), *regions_, cal::LocalDay(clock_->Now())));
  GOV_RETURN_IF_ERROR(registry::CheckStreet(who, in.accident().region().street_id()));
  const hv1::Accident& given = in.accident();
  if (!given.enterprise_id().empty()) {
    GOV_ASSIGN_OR_RETURN(const hv1::Enterprise enterprise,
                         enterprises_->Find(given.enterprise_id(), "accident.enterprise_id"));
    if (enterprise.region().street_id() != given.region().street_id()) {
      return InvalidField("accident.region.street_id",
                          absl::StrCat("the enterprise ", given.enterprise_id(), " is of street ",
                                       enterprise.region().street_id()));
    }
  }
  // The accident as the caller describes it: output fields dropped, so that a retry matches the
  // first request's payload.
  hv1::Accident a;
  a.set_type(given.type());
  *a.mutable_region() = given.region();
  a.set_day(given.day());
  a.set_description(given.description());
  a.set_casualties(given.casualties());
  a.set_enterprise_id(given.enterprise_id());
  store::EntityRecord row;
  row.street_id = a.region().street_id();
  row.community_id = a.region().community_id();
  row.key = AccidentKey(a);
  row.payload = registry::Payload(a);
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord created,
                       accidents_->Create(std::move(row), in.request_id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_accident(), accidents_->Decode<hv1::Accident>(created));
  return absl::OkStatus();
}

absl::Status Accidents::Get(const auth::Principal& who, const hv1::GetAccidentRequest& in,
                            hv1::GetAccidentResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord row, accidents_->LoadVisible(who, in.id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_accident(), accidents_->Decode<hv1::Accident>(row));
  return absl::OkStatus();
}

absl::Status Accidents::List(const auth::Principal& who, const hv1::ListAccidentsRequest& in,
                             hv1::ListAccidentsResponse* out) {
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  if (!hv1::AccidentType_IsValid(in.type())) return InvalidField("type", "not an accident type");
  if (!in.region().grid_id().empty()) {
    return InvalidField("region.grid_id", "accidents are listed by street or community");
  }
  GOV_RETURN_IF_ERROR(regions_->Validate(in.region(), "region", /*require_street=*/false));
  if (!in.region().street_id().empty()) {
    GOV_RETURN_IF_ERROR(registry::CheckStreet(who, in.region().street_id()));
  }
  store::EntityFilter filter;
  filter.track = AccidentLayout().track;
  filter.kind = AccidentLayout().kind;
  filter.street_id = in.region().street_id();
  filter.community_id = in.region().community_id();
  const std::string type = in.type() == hv1::ACCIDENT_TYPE_UNSPECIFIED ? "" : EnumKey(in.type());
  if (!type.empty()) filter.key_prefix = registry::KindPrefix(type);
  GOV_ASSIGN_OR_RETURN(
      const registry::Page page,
      accidents_->ListPage(who, {std::move(filter)},
                           {"accidents", type, in.region().street_id(), in.region().community_id()},
                           size, in.page_token()));
  out->set_next_page_token(page.next_page_token);
  for (const store::EntityRecord& row : page.rows) {
    GOV_ASSIGN_OR_RETURN(*out->add_accidents(), accidents_->Decode<hv1::Accident>(row));
  }
  return absl::OkStatus();
}

std::vector<indicators::IndicatorSpec> AccidentIndicators(const Accidents* accidents) {
  // 确保食品药品安全"零事故": a count whose target (the targets file's zero) holds in every region.
  return {{.id = "food_drug_accidents",
           .name_zh = "食品药品安全事故",
           .name_en = "Food and drug safety accidents",
           .unit = governance::v1::INDICATOR_UNIT_COUNT,
           .direction = governance::v1::DIRECTION_LOWER_IS_BETTER,
           .target_kind = governance::v1::TARGET_KIND_ABSOLUTE,
           .measure = FoodDrugAccidents(&accidents->accidents())}};
}

}  // namespace gov::hazard
