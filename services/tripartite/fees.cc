#include "services/tripartite/fees.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "common/cases/calendar.h"
#include "common/cases/page_token.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/tripartite/validation.h"

// A fee record is a row of the fee registry (FeeLayout): the compound's street and community, the
// compound as its parent and the month as its key, so that a compound's month is one exact
// lookup and a month's records one key. One record a compound a month is judged on a read before
// the write (best effort, as every registry's uniqueness: two first records of the same month at
// the same moment may both pass).
namespace gov::tripartite {
namespace {

namespace gv1 = ::governance::v1;

// The most a compound's fees due in a year to a month may be, in yuan.
constexpr int64_t kMaxDueYuan = 1'000'000'000'000;
// The most households a compound has (the compound's own bound).
constexpr int64_t kMaxHouseholds = 100000;
// Records read per store page while a list looks for those of one colour.
constexpr int kScanPage = 500;

// The four colours of the warning, red first.
constexpr gv1::Colour kColours[] = {gv1::COLOUR_RED, gv1::COLOUR_YELLOW, gv1::COLOUR_BLUE,
                                    gv1::COLOUR_GREEN};

// "YYYY-MM", a year 2000 to 2099.
std::optional<absl::CivilMonth> ParseMonth(std::string_view text) {
  if (text.size() != 7 || text[4] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6}) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
  }
  auto digits = [&](size_t from, size_t count) {
    int n = 0;
    for (size_t i = from; i < from + count; ++i) n = n * 10 + (text[i] - '0');
    return n;
  };
  const int year = digits(0, 4);
  const int month = digits(5, 2);
  if (year < 2000 || year > 2099 || month < 1 || month > 12) return std::nullopt;
  return absl::CivilMonth(year, month);
}

std::string MonthText(absl::CivilMonth month) {
  return absl::StrFormat("%04d-%02d", month.year(), month.month());
}

absl::StatusOr<absl::CivilMonth> ReadMonth(const std::string& text, const std::string& field) {
  if (text.empty()) return InvalidField(field, "required: a month \"YYYY-MM\"");
  const std::optional<absl::CivilMonth> month = ParseMonth(text);
  if (!month.has_value()) return InvalidField(field, "a month \"YYYY-MM\" of the years 2000-2099");
  return *month;
}

// The record's own fields, before anything is read.
absl::Status ValidateRecord(const tv1::RecordFeeCollectionRequest& in, absl::CivilMonth current) {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id()));
  const tv1::FeeCollection& c = in.collection();
  GOV_RETURN_IF_ERROR(ValidateId(c.compound_id(), "collection.compound_id"));
  GOV_ASSIGN_OR_RETURN(const absl::CivilMonth month, ReadMonth(c.month(), "collection.month"));
  if (month > current) {
    return InvalidField("collection.month",
                        absl::StrCat("after the current month ", MonthText(current)));
  }
  GOV_RETURN_IF_ERROR(ValidateRange(c.due_yuan(), 1, kMaxDueYuan, "collection.due_yuan"));
  GOV_RETURN_IF_ERROR(
      ValidateRange(c.collected_yuan(), 0, c.due_yuan(), "collection.collected_yuan"));
  GOV_RETURN_IF_ERROR(ValidateRange(c.households_in_arrears(), 0, kMaxHouseholds,
                                    "collection.households_in_arrears"));
  if (!in.etag().empty()) GOV_RETURN_IF_ERROR(ValidateId(in.etag(), "etag"));
  return absl::OkStatus();
}

// A list's colour filter: unset, or one of the warning's four.
absl::Status ValidateColourFilter(gv1::Colour colour) {
  if (colour == gv1::COLOUR_UNSPECIFIED) return absl::OkStatus();
  if (std::find(std::begin(kColours), std::end(kColours), colour) == std::end(kColours)) {
    return InvalidField("colour", "one of red, yellow, blue and green");
  }
  return absl::OkStatus();
}

// Of several records of one compound and month (two first records written at the same moment),
// the first: the one every answer takes.
bool Earlier(const store::EntityRecord& a, const store::EntityRecord& b) {
  return a.id.size() != b.id.size() ? a.id.size() < b.id.size() : a.id < b.id;
}

// The share of the compounds in the context's region with a record for a month of its period
// whose latest such record is of `colour`; no data without any.
indicators::Measure ColourShare(const registry::Registry* fees, gv1::Colour colour) {
  return [fees, colour](const indicators::EvalContext& ctx) -> absl::StatusOr<indicators::Value> {
    const absl::CivilMonth first(ctx.days.first);
    const absl::CivilMonth last(ctx.days.last);
    // The months of one year share the key prefix "YYYY-".
    const std::string prefix = first.year() == last.year() ? absl::StrCat(first.year(), "-") : "";
    GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows,
                         fees->RowsIn(ctx, prefix, /*key_is_prefix=*/true));
    struct Latest {
      absl::CivilMonth month;
      const store::EntityRecord* row;
    };
    absl::flat_hash_map<std::string, Latest> latest;
    for (const store::EntityRecord& row : rows) {
      const std::optional<absl::CivilMonth> month = ParseMonth(row.key);
      if (!month.has_value() || *month < first || *month > last) continue;
      auto [it, inserted] = latest.try_emplace(row.parent_id, Latest{*month, &row});
      if (inserted) continue;
      if (*month > it->second.month ||
          (*month == it->second.month && Earlier(row, *it->second.row))) {
        it->second = Latest{*month, &row};
      }
    }
    int64_t in_colour = 0;
    for (const auto& [compound, record] : latest) {
      GOV_ASSIGN_OR_RETURN(const tv1::FeeCollection f,
                           fees->Decode<tv1::FeeCollection>(*record.row));
      in_colour += f.colour() == colour ? 1 : 0;
    }
    return indicators::Share(in_colour, static_cast<int64_t>(latest.size()));
  };
}

}  // namespace

Fees::Fees(const registry::Registry* fees, const Compounds* compounds, const Rules* rules,
           const regions::RegionRegistry* regions, const Clock* clock)
    : fees_(fees), compounds_(compounds), rules_(rules), regions_(regions), clock_(clock) {}

absl::StatusOr<std::optional<store::EntityRecord>> Fees::RecordOf(const std::string& compound_id,
                                                                  const std::string& month) const {
  store::EntityFilter filter;
  filter.parent_id = compound_id;
  filter.key = month;
  GOV_ASSIGN_OR_RETURN(std::vector<store::EntityRecord> rows, fees_->AllRows(std::move(filter)));
  if (rows.empty()) return std::nullopt;
  return *std::min_element(rows.begin(), rows.end(), Earlier);
}

// The request's own fields first; then, with the compound read, the households in arrears within
// its households (INVALID_ARGUMENT too). A record for the month decides what the call is: none,
// a new record (a retry of the request that stored one answers it, as the registry does); one,
// without an etag, ALREADY_EXISTS naming it unless it holds exactly these figures (a retry); one,
// with its etag, a correction (a stale etag ABORTED, unless the record holds these figures
// already: a retried correction).
absl::Status Fees::Record(const auth::Principal& who, const tv1::RecordFeeCollectionRequest& in,
                          tv1::RecordFeeCollectionResponse* out) const {
  const absl::CivilMonth current(cal::LocalDay(clock_->Now()));
  GOV_RETURN_IF_ERROR(ValidateRecord(in, current));
  const tv1::FeeCollection& given = in.collection();
  GOV_ASSIGN_OR_RETURN(const tv1::Compound compound,
                       compounds_->Find(who, given.compound_id(), "collection.compound_id"));
  if (given.households_in_arrears() > compound.households()) {
    return InvalidField(
        "collection.households_in_arrears",
        absl::StrCat("more than the ", compound.households(), " households of ", compound.id()));
  }

  tv1::FeeCollection f;
  f.set_compound_id(compound.id());
  f.set_month(given.month());
  f.set_due_yuan(given.due_yuan());
  f.set_collected_yuan(given.collected_yuan());
  f.set_households_in_arrears(given.households_in_arrears());
  f.set_collection_rate_bp(indicators::RatioBasisPoints(f.collected_yuan(), f.due_yuan()));
  f.set_colour(rules_->FeeColour(f.collection_rate_bp()));
  f.mutable_region()->set_street_id(compound.region().street_id());
  f.mutable_region()->set_community_id(compound.region().community_id());
  std::string payload = registry::Payload(f);

  GOV_ASSIGN_OR_RETURN(const std::optional<store::EntityRecord> existing,
                       RecordOf(compound.id(), f.month()));
  if (in.etag().empty()) {
    if (existing.has_value()) {
      if (existing->payload != payload) {
        return FieldError(
            absl::StatusCode::kAlreadyExists, "collection.month",
            absl::StrCat("compound ", compound.id(), " has a record for ", f.month(), " already (",
                         existing->id, "); pass its etag to correct it"));
      }
      GOV_ASSIGN_OR_RETURN(*out->mutable_collection(),
                           fees_->Decode<tv1::FeeCollection>(*existing));
      return absl::OkStatus();
    }
    store::EntityRecord row;
    row.street_id = f.region().street_id();
    row.community_id = f.region().community_id();
    row.parent_id = compound.id();
    row.key = f.month();
    row.payload = std::move(payload);
    GOV_ASSIGN_OR_RETURN(const store::EntityRecord created,
                         fees_->Create(std::move(row), in.request_id()));
    GOV_ASSIGN_OR_RETURN(*out->mutable_collection(), fees_->Decode<tv1::FeeCollection>(created));
    return absl::OkStatus();
  }

  if (!existing.has_value()) {
    return InvalidField("etag", absl::StrCat("compound ", compound.id(), " has no record for ",
                                             f.month(), " to correct"));
  }
  if (in.etag() != registry::Etag(existing->version) && existing->payload == payload) {
    GOV_ASSIGN_OR_RETURN(*out->mutable_collection(), fees_->Decode<tv1::FeeCollection>(*existing));
    return absl::OkStatus();
  }
  GOV_RETURN_IF_ERROR(registry::CheckEtag(fees_->layout(), *existing, in.etag()));
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord replaced,
                       fees_->Replace(*existing, in.etag(), f.month(), std::move(payload)));
  GOV_ASSIGN_OR_RETURN(*out->mutable_collection(), fees_->Decode<tv1::FeeCollection>(replaced));
  return absl::OkStatus();
}

absl::Status Fees::Get(const auth::Principal& who, const tv1::GetFeeCollectionRequest& in,
                       tv1::GetFeeCollectionResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord row, fees_->LoadVisible(who, in.id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_collection(), fees_->Decode<tv1::FeeCollection>(row));
  return absl::OkStatus();
}

// By id, within the caller's streets. The month and the compound are the rows' key and parent;
// the colour is the payload's, so with a colour the records are read page by page from the
// token's id until the page is full. The token is bound to the filters and the streets.
absl::Status Fees::List(const auth::Principal& who, const tv1::ListFeeCollectionsRequest& in,
                        tv1::ListFeeCollectionsResponse* out) const {
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  if (!in.month().empty()) GOV_RETURN_IF_ERROR(ReadMonth(in.month(), "month").status());
  GOV_RETURN_IF_ERROR(ValidateColourFilter(in.colour()));
  if (!in.compound_id().empty()) GOV_RETURN_IF_ERROR(ValidateId(in.compound_id(), "compound_id"));
  if (!in.region().grid_id().empty()) {
    return InvalidField("region.grid_id", "fee records are listed by street or community");
  }
  GOV_RETURN_IF_ERROR(regions_->Validate(in.region(), "region", /*require_street=*/false));
  if (!in.region().street_id().empty()) {
    GOV_RETURN_IF_ERROR(registry::CheckStreet(who, in.region().street_id()));
  }
  store::EntityFilter filter;
  filter.street_id = in.region().street_id();
  filter.community_id = in.region().community_id();
  filter.parent_id = in.compound_id();
  filter.key = in.month();
  filter.streets.assign(who.streets.begin(), who.streets.end());
  std::sort(filter.streets.begin(), filter.streets.end());
  const bool by_colour = in.colour() != gv1::COLOUR_UNSPECIFIED;
  const std::string binding = cases::PageBinding(
      {"fees", in.month(), by_colour ? EnumKey(in.colour()) : "", in.compound_id(),
       in.region().street_id(), in.region().community_id(), absl::StrJoin(filter.streets, ",")});
  GOV_ASSIGN_OR_RETURN(filter.after_id, cases::DecodeIdCursor(in.page_token(), binding));

  std::vector<tv1::FeeCollection> page;
  std::string last_id;
  filter.limit = by_colour ? kScanPage : size + 1;
  bool more = false;
  while (!more) {
    GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows, fees_->Rows(filter));
    for (const store::EntityRecord& row : rows) {
      GOV_ASSIGN_OR_RETURN(tv1::FeeCollection f, fees_->Decode<tv1::FeeCollection>(row));
      if (by_colour && f.colour() != in.colour()) continue;
      if (static_cast<int>(page.size()) == size) {
        more = true;
        break;
      }
      page.push_back(std::move(f));
      last_id = row.id;
    }
    if (static_cast<int>(rows.size()) < filter.limit) break;
    filter.after_id = rows.back().id;
  }
  for (tv1::FeeCollection& f : page) *out->add_collections() = std::move(f);
  if (more) out->set_next_page_token(cases::EncodePageToken(binding, {last_id}));
  return absl::OkStatus();
}

absl::Status Fees::Warning(const auth::Principal& who, const tv1::GetFeeWarningRequest& in,
                           tv1::GetFeeWarningResponse* out) const {
  GOV_RETURN_IF_ERROR(ReadMonth(in.month(), "month").status());
  GOV_ASSIGN_OR_RETURN(const indicators::RegionScope scope,
                       indicators::ResolveRegionScope(who, in.region(), *regions_, "region"));
  store::EntityFilter filter;
  filter.key = in.month();
  filter.street_id = scope.street_id;
  filter.community_id = scope.community_id;
  if (scope.street_id.empty()) filter.streets = scope.streets;
  GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows,
                       fees_->AllRows(std::move(filter)));
  // One record a compound: the first, should there be two.
  absl::flat_hash_map<std::string, const store::EntityRecord*> by_compound;
  for (const store::EntityRecord& row : rows) {
    auto [it, inserted] = by_compound.try_emplace(row.parent_id, &row);
    if (!inserted && Earlier(row, *it->second)) it->second = &row;
  }
  absl::flat_hash_map<int, int32_t> counts;
  for (const auto& [compound, row] : by_compound) {
    GOV_ASSIGN_OR_RETURN(const tv1::FeeCollection f, fees_->Decode<tv1::FeeCollection>(*row));
    ++counts[f.colour()];
  }
  const auto total = static_cast<int32_t>(by_compound.size());
  out->set_month(in.month());
  out->set_compounds(total);
  for (const gv1::Colour colour : kColours) {
    tv1::FeeBand* band = out->add_bands();
    band->set_colour(colour);
    for (const FeeRange& range : rules_->fee_ranges()) {
      if (range.colour != colour) continue;
      band->set_from_bp(range.from_bp);
      // The top band runs up to 100 % (the rules' ranges end below 10001): 0 says so.
      band->set_below_bp(range.below_bp > indicators::kFullRate ? 0 : range.below_bp);
    }
    const int32_t n = counts.contains(colour) ? counts.at(colour) : 0;
    band->set_compounds(n);
    band->set_share_bp(indicators::RatioBasisPoints(n, total));
  }
  out->set_thresholds_source(gv1::TARGET_SOURCE_DISTRICT);
  out->set_thresholds_reason(rules_->data().fee_warning_reason());
  return absl::OkStatus();
}

std::vector<indicators::IndicatorSpec> FeeIndicators(const Fees* fees) {
  struct Share {
    const char* id;
    const char* zh;
    const char* en;
    gv1::Colour colour;
    gv1::Direction direction;
  };
  constexpr Share kShares[] = {
      {"fee_red_share", "物业费收缴红色预警小区占比", "Compounds in the red fee warning",
       gv1::COLOUR_RED, gv1::DIRECTION_LOWER_IS_BETTER},
      {"fee_yellow_share", "物业费收缴黄色预警小区占比", "Compounds in the yellow fee warning",
       gv1::COLOUR_YELLOW, gv1::DIRECTION_LOWER_IS_BETTER},
      {"fee_blue_share", "物业费收缴蓝色预警小区占比", "Compounds in the blue fee warning",
       gv1::COLOUR_BLUE, gv1::DIRECTION_UNSPECIFIED},
      {"fee_green_share", "物业费收缴绿色小区占比", "Compounds in the green fee band",
       gv1::COLOUR_GREEN, gv1::DIRECTION_HIGHER_IS_BETTER},
  };
  std::vector<indicators::IndicatorSpec> specs;
  for (const Share& s : kShares) {
    specs.push_back({.id = s.id,
                     .name_zh = s.zh,
                     .name_en = s.en,
                     .unit = gv1::INDICATOR_UNIT_BASIS_POINTS,
                     .direction = s.direction,
                     .measure = ColourShare(fees->fees_, s.colour)});
  }
  return specs;
}

}  // namespace gov::tripartite
