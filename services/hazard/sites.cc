#include "services/hazard/sites.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/cases/calendar.h"
#include "common/cases/page_token.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/hazard/validation.h"

namespace gov::hazard {
namespace {

constexpr hv1::SiteKind kKinds[] = {
    hv1::SITE_KIND_COMPOUND,        hv1::SITE_KIND_MICRO_FIRE_STATION,
    hv1::SITE_KIND_SHOP_DWELLING,   hv1::SITE_KIND_RESTAURANT,
    hv1::SITE_KIND_TRAFFIC_STATION, hv1::SITE_KIND_CONSTRUCTION_VEHICLE,
};

// The kinds' keys, for lists of a status across kinds.
std::vector<std::string> KindKeys() {
  std::vector<std::string> keys;
  for (hv1::SiteKind kind : kKinds) keys.push_back(EnumKey(kind));
  return keys;
}

// The row key of a kind in a status ("COMPOUND/DONE").
std::string SiteKey(hv1::SiteKind kind, hv1::SiteStatus status) {
  return registry::KindStatusKey(EnumKey(kind), EnumKey(status));
}

absl::Status ValidateNewSite(const hv1::Site& s, const regions::RegionRegistry& regions) {
  if (s.kind() == hv1::SITE_KIND_UNSPECIFIED || !hv1::SiteKind_IsValid(s.kind())) {
    return InvalidField("site.kind", "required: a programme");
  }
  GOV_RETURN_IF_ERROR(ValidateText(s.name(), "site.name", kMaxName, /*required=*/true));
  if (!s.region().grid_id().empty()) {
    return InvalidField("site.region.grid_id", "sites are kept per street and community");
  }
  GOV_RETURN_IF_ERROR(regions.Validate(s.region(), "site.region", /*require_street=*/true));
  if (s.region().community_id().empty()) {
    return InvalidField("site.region.community_id", "required: the community the site is in");
  }
  return ValidateText(s.address(), "site.address", kMaxName);
}

// The fixes given: each a fix (六定), none twice.
absl::Status ValidateFixValues(const google::protobuf::RepeatedField<int>& fixes) {
  absl::flat_hash_set<int> seen;
  for (const int fix : fixes) {
    if (fix == hv1::SIX_FIX_UNSPECIFIED || !hv1::SixFix_IsValid(fix)) {
      return InvalidField("fixes", "each one of the six fixes (六定)");
    }
    if (!seen.insert(fix).second) {
      return InvalidField("fixes", absl::StrCat(EnumKey(static_cast<hv1::SixFix>(fix)),
                                                " given twice; each fix once"));
    }
  }
  return absl::OkStatus();
}

// The completion's own fields, before the site is read.
absl::Status ValidateCompletion(const hv1::CompleteSiteRequest& in, absl::CivilDay today) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_RETURN_IF_ERROR(ValidateId(in.etag(), "etag"));
  GOV_RETURN_IF_ERROR(ValidateDay(in.day(), "day"));
  if (*cal::ParseDay(in.day()) > today) return InvalidField("day", "in the future");
  GOV_RETURN_IF_ERROR(ValidateText(in.note(), "note", kMaxText));
  return ValidateFixValues(in.fixes());
}

// What the fixes must be for the site's kind: a construction vehicle is done under all six, each
// once; any other kind has none.
absl::Status ValidateFixesFor(const hv1::Site& s, const std::string& id,
                              const google::protobuf::RepeatedField<int>& fixes) {
  if (s.kind() != hv1::SITE_KIND_CONSTRUCTION_VEHICLE) {
    if (fixes.empty()) return absl::OkStatus();
    return InvalidField("fixes", absl::StrCat("only a construction vehicle has the six fixes; ", id,
                                              " is a ", EnumKey(s.kind())));
  }
  if (fixes.size() != hv1::SixFix_MAX) {  // each once (ValidateFixValues): all six
    return InvalidField("fixes", "all six fixes (六定) are required to complete a vehicle");
  }
  return absl::OkStatus();
}

// Whether the site was done by `last`.
bool DoneBy(const hv1::Site& s, absl::CivilDay last) {
  if (s.status() != hv1::SITE_STATUS_DONE) return false;
  const std::optional<absl::CivilDay> done = cal::ParseDay(s.done_day());
  return done.has_value() && *done <= last;
}

// Sites of `kind` done by the context's last day, within its region: the plan's counts.
indicators::Measure DoneCount(hv1::SiteKind kind) {
  const registry::InForce<hv1::Site> done(
      SiteLayout(), [](const hv1::Site& s) -> const std::string& { return s.done_day(); });
  return done.Count(SiteKey(kind, hv1::SITE_STATUS_DONE));
}

// Of the sites of `kind` registered by the context's last day (their registration day, the
// row's creation, on or before it), the share done by that day; no data without any.
indicators::Measure DoneShare(const registry::Registry* sites, hv1::SiteKind kind) {
  return [sites, kind](const indicators::EvalContext& ctx) -> absl::StatusOr<indicators::Value> {
    GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows,
                         sites->RowsIn(ctx, registry::KindPrefix(EnumKey(kind)),
                                       /*key_is_prefix=*/true));
    int64_t registered = 0;
    int64_t done = 0;
    for (const store::EntityRecord& row : rows) {
      if (cal::LocalDay(row.create_time) > ctx.days.last) continue;
      GOV_ASSIGN_OR_RETURN(const hv1::Site s, sites->Decode<hv1::Site>(row));
      ++registered;
      done += DoneBy(s, ctx.days.last) ? 1 : 0;
    }
    return indicators::Share(done, registered);
  };
}

// Of the context's communities, the share with a traffic station done by its last day.
indicators::Measure TrafficStationCoverage(const registry::Registry* sites) {
  return [sites](const indicators::EvalContext& ctx) -> absl::StatusOr<indicators::Value> {
    GOV_ASSIGN_OR_RETURN(
        const std::vector<store::EntityRecord> rows,
        sites->RowsIn(ctx, SiteKey(hv1::SITE_KIND_TRAFFIC_STATION, hv1::SITE_STATUS_DONE)));
    absl::flat_hash_set<std::string> covered;
    for (const store::EntityRecord& row : rows) {
      GOV_ASSIGN_OR_RETURN(const hv1::Site s, sites->Decode<hv1::Site>(row));
      if (DoneBy(s, ctx.days.last)) covered.insert(row.community_id);
    }
    const std::vector<std::string> communities = indicators::CommunitiesOf(ctx);
    int64_t with_station = 0;
    for (const std::string& community : communities) {
      with_station += covered.contains(community) ? 1 : 0;
    }
    return indicators::Share(with_station, static_cast<int64_t>(communities.size()));
  };
}

}  // namespace

Sites::Sites(const registry::Registry* sites, const regions::RegionRegistry* regions,
             const Clock* clock)
    : sites_(sites), regions_(regions), clock_(clock) {}

absl::Status Sites::Register(const auth::Principal& who, const hv1::RegisterSiteRequest& in,
                             hv1::RegisterSiteResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id()));
  GOV_RETURN_IF_ERROR(ValidateNewSite(in.site(), *regions_));
  GOV_RETURN_IF_ERROR(registry::CheckStreet(who, in.site().region().street_id()));
  // The site as the caller describes it, PENDING: output fields dropped, so that a retry
  // matches the first request's payload (idempotent by request_id; ALREADY_EXISTS for another
  // site under the same request_id).
  hv1::Site s;
  s.set_kind(in.site().kind());
  s.set_name(in.site().name());
  *s.mutable_region() = in.site().region();
  s.set_address(in.site().address());
  s.set_status(hv1::SITE_STATUS_PENDING);
  store::EntityRecord row;
  row.street_id = s.region().street_id();
  row.community_id = s.region().community_id();
  row.key = SiteKey(s.kind(), s.status());
  row.payload = registry::Payload(s);
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord created,
                       sites_->Create(std::move(row), in.request_id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_site(), sites_->Decode<hv1::Site>(created));
  return absl::OkStatus();
}

absl::Status Sites::Get(const auth::Principal& who, const hv1::GetSiteRequest& in,
                        hv1::GetSiteResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateId(in.id(), "id"));
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord row, sites_->LoadVisible(who, in.id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_site(), sites_->Decode<hv1::Site>(row));
  return absl::OkStatus();
}

absl::Status Sites::List(const auth::Principal& who, const hv1::ListSitesRequest& in,
                         hv1::ListSitesResponse* out) {
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  if (!hv1::SiteKind_IsValid(in.kind())) return InvalidField("kind", "not a programme");
  if (!hv1::SiteStatus_IsValid(in.status())) return InvalidField("status", "not a site status");
  if (!in.region().grid_id().empty()) {
    return InvalidField("region.grid_id", "sites are listed by street or community");
  }
  GOV_RETURN_IF_ERROR(regions_->Validate(in.region(), "region", /*require_street=*/false));
  if (!in.region().street_id().empty()) {
    GOV_RETURN_IF_ERROR(registry::CheckStreet(who, in.region().street_id()));
  }
  store::EntityFilter base;
  base.track = SiteLayout().track;
  base.kind = SiteLayout().kind;
  base.street_id = in.region().street_id();
  base.community_id = in.region().community_id();
  const std::string kind = in.kind() == hv1::SITE_KIND_UNSPECIFIED ? "" : EnumKey(in.kind());
  const std::string status =
      in.status() == hv1::SITE_STATUS_UNSPECIFIED ? "" : EnumKey(in.status());
  GOV_ASSIGN_OR_RETURN(
      const registry::Page page,
      sites_->ListPage(who, registry::KindStatusFilters(base, KindKeys(), kind, status),
                       {"sites", kind, status, in.region().street_id(), in.region().community_id()},
                       size, in.page_token()));
  out->set_next_page_token(page.next_page_token);
  for (const store::EntityRecord& row : page.rows) {
    GOV_ASSIGN_OR_RETURN(*out->add_sites(), sites_->Decode<hv1::Site>(row));
  }
  return absl::OkStatus();
}

// The request's own fields first; then, with the site read, what depends on it (its kind's
// fixes, its registration day) is INVALID_ARGUMENT too, before the etag (ABORTED) and the state
// (FAILED_PRECONDITION) are judged.
absl::Status Sites::Complete(const auth::Principal& who, const hv1::CompleteSiteRequest& in,
                             hv1::CompleteSiteResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateCompletion(in, cal::LocalDay(clock_->Now())));
  GOV_ASSIGN_OR_RETURN(store::EntityRecord row, sites_->LoadVisible(who, in.id()));
  GOV_ASSIGN_OR_RETURN(hv1::Site s, sites_->Decode<hv1::Site>(row));
  GOV_RETURN_IF_ERROR(ValidateFixesFor(s, row.id, in.fixes()));
  const absl::CivilDay registered = cal::LocalDay(row.create_time);
  if (*cal::ParseDay(in.day()) < registered) {
    return InvalidField("day", absl::StrCat("before the site's registration on ",
                                            absl::FormatCivilTime(registered)));
  }
  GOV_RETURN_IF_ERROR(registry::CheckEtag(sites_->layout(), row, in.etag()));
  if (s.status() != hv1::SITE_STATUS_PENDING) {
    return absl::FailedPreconditionError(absl::StrCat("site ", row.id, " is ", EnumKey(s.status()),
                                                      " (done on ", s.done_day(), ")"));
  }
  s.set_status(hv1::SITE_STATUS_DONE);
  s.set_done_day(in.day());
  s.set_note(in.note());
  std::vector<int> fixes(in.fixes().begin(), in.fixes().end());
  std::sort(fixes.begin(), fixes.end());
  s.clear_fixes();
  for (const int fix : fixes) s.add_fixes(static_cast<hv1::SixFix>(fix));
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord replaced,
                       sites_->Replace(std::move(row), in.etag(), SiteKey(s.kind(), s.status()),
                                       registry::Payload(s)));
  GOV_ASSIGN_OR_RETURN(*out->mutable_site(), sites_->Decode<hv1::Site>(replaced));
  return absl::OkStatus();
}

std::vector<indicators::IndicatorSpec> SiteIndicators(const Sites* sites) {
  const registry::Registry* registry = &sites->sites();
  return {
      // 推进87家居住小区消防综合治理: compounds treated by the period's last day.
      indicators::DistrictCount("compounds_fire_treated", "居住小区消防综合治理",
                                "Residential compounds treated for fire safety",
                                DoneCount(hv1::SITE_KIND_COMPOUND)),
      // 完成28家以上社区微型消防站建设: stations built by the period's last day.
      indicators::DistrictCount("micro_fire_stations", "社区微型消防站建设",
                                "Community micro fire stations built",
                                DoneCount(hv1::SITE_KIND_MICRO_FIRE_STATION)),
      // 沿街店铺居住人员清退率达到100%.
      indicators::HigherRate("shop_dwellings_cleared_rate", "沿街店铺居住人员清退率",
                             "Street shops cleared of residents",
                             DoneShare(registry, hv1::SITE_KIND_SHOP_DWELLING)),
      // 餐饮场所按规定安装燃气泄漏报警装置达到100%.
      indicators::HigherRate("restaurant_gas_alarm_rate", "餐饮场所燃气泄漏报警装置安装率",
                             "Restaurants fitted with gas-leak alarms",
                             DoneShare(registry, hv1::SITE_KIND_RESTAURANT)),
      // 完成社区交治站建设全区覆盖: the communities with a station built.
      indicators::HigherRate("traffic_station_coverage", "社区交治站覆盖率",
                             "Communities with a traffic station",
                             TrafficStationCoverage(registry)),
      // 建立工程车"六定"管理机制: the vehicles registered under all six fixes.
      indicators::HigherRate("construction_vehicles_six_fixed_rate", "工程车\"六定\"落实率",
                             "Construction vehicles under the six fixes",
                             DoneShare(registry, hv1::SITE_KIND_CONSTRUCTION_VEHICLE)),
  };
}

}  // namespace gov::hazard
