// The key-area rules (rules file, key_area_rules): a bulletin of the kind they read lists the
// communities red in it and in the bulletins before it, and delists the listed ones blue as
// often since their listing; the bulletin records what it decided, and the listings follow.

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/cases/calendar.h"
#include "common/log/log.h"
#include "common/util/status.h"
#include "services/policing/bulletin_periods.h"
#include "services/policing/key_areas.h"

namespace gov::policing {

namespace gv1 = ::governance::v1;
using namespace key_area_internal;  // NOLINT(build/namespaces): the two files' shared names

namespace {

std::string KindName(const gv1::Period& period) {
  switch (period.part_case()) {
    case gv1::Period::kWeek:
      return "周通报";
    case gv1::Period::kQuarter:
      return "季度通报";
    default:
      return "月通报";
  }
}

}  // namespace

// Communities red in the bulletin and in the bulletins of the (list_after_red - 1) periods
// before, and not listed, are listed; listed ones blue in it and in the (delist_after_blue - 1)
// before, all of periods that count for the listing (OpenListing::counts_from), are delisted.
// Runs are of consecutive periods: a period without a bulletin ends one.
absl::Status KeyAreas::Decide(pv1::Bulletin* bulletin, const PublishedBulletin& published) {
  const cv1::KeyAreaRules& rules = rules_->key_area_rules();
  if (BulletinKindOf(bulletin->period()) != rules.period_kind()) return absl::OkStatus();
  const int list_after = rules.list_after_red();
  const int delist_after = rules.delist_after_blue();

  // The colours of the communities in this bulletin and in the ones before, newest first.
  std::vector<absl::flat_hash_map<std::string, gv1::Colour>> colours;
  std::vector<gv1::Period> periods;
  auto add = [&colours, &periods](const pv1::Bulletin& b) {
    auto& by_community = colours.emplace_back();
    for (const pv1::BulletinEntry& e : b.communities()) {
      by_community[e.region().community_id()] = e.colour();
    }
    periods.push_back(b.period());
  };
  add(*bulletin);
  gv1::Period period = bulletin->period();
  while (static_cast<int>(colours.size()) < std::max(list_after, delist_after)) {
    period = PreviousPeriod(period);
    GOV_ASSIGN_OR_RETURN(const std::optional<pv1::Bulletin> before, published(period));
    if (!before.has_value()) break;
    add(*before);
  }
  auto in_a_row = [&colours](const std::string& community, gv1::Colour colour, int n) {
    if (static_cast<int>(colours.size()) < n) return false;
    for (int i = 0; i < n; ++i) {
      const auto it = colours[i].find(community);
      if (it == colours[i].end() || it->second != colour) return false;
    }
    return true;
  };

  GOV_ASSIGN_OR_RETURN(const std::vector<OpenListing> open, OpenCommunityListings());
  absl::flat_hash_map<std::string, absl::CivilDay> counts_from;
  for (const OpenListing& listing : open) counts_from[listing.community_id] = listing.counts_from;
  std::vector<std::string> listed;
  std::vector<std::string> delisted;
  for (const pv1::BulletinEntry& entry : bulletin->communities()) {
    const std::string& community = entry.region().community_id();
    const auto it = counts_from.find(community);
    if (it == counts_from.end()) {
      if (in_a_row(community, gv1::COLOUR_RED, list_after)) listed.push_back(community);
    } else if (in_a_row(community, gv1::COLOUR_BLUE, delist_after) &&
               PeriodDays(periods[delist_after - 1]).first >= it->second) {
      delisted.push_back(community);
    }
  }
  std::sort(listed.begin(), listed.end());
  std::sort(delisted.begin(), delisted.end());
  for (std::string& c : listed) bulletin->add_communities_listed(std::move(c));
  for (std::string& c : delisted) bulletin->add_communities_delisted(std::move(c));
  return absl::OkStatus();
}

absl::Status KeyAreas::ApplyBulletin(const pv1::Bulletin& bulletin) {
  // Every decision is tried even when one fails; the next application retries the failed ones.
  absl::Status first;
  for (const std::string& community : bulletin.communities_listed()) {
    absl::Status s = RuleList(bulletin, community);
    if (first.ok()) first = std::move(s);
  }
  for (const std::string& community : bulletin.communities_delisted()) {
    absl::Status s = RuleDelist(bulletin, community);
    if (first.ok()) first = std::move(s);
  }
  return first;
}

absl::StatusOr<std::vector<KeyAreas::OpenListing>> KeyAreas::OpenCommunityListings() const {
  store::CaseFilter filter;
  filter.statuses = {kListed, kRemediating};
  filter.categories = {kCommunityArea};
  GOV_ASSIGN_OR_RETURN(const std::vector<cases::Case> listings, Scan(std::move(filter)));
  std::vector<OpenListing> out;
  out.reserve(listings.size());
  for (const cases::Case& c : listings) {
    GOV_ASSIGN_OR_RETURN(const pv1::KeyArea listing, KeyAreaKind().FromCase(c));
    const std::optional<absl::CivilDay> counts_from = cal::ParseDay(listing.counts_from());
    if (!counts_from.has_value()) {
      return absl::DataLossError(absl::StrCat("key area ", c.record.id, ": no counts_from"));
    }
    out.push_back({c.record.id, c.record.community_id, *counts_from});
  }
  return out;
}

absl::Status KeyAreas::RuleList(const pv1::Bulletin& bulletin, const std::string& community) const {
  gv1::RegionRef region;
  region.set_street_id(regions_->StreetOfCommunity(community));
  region.set_community_id(community);
  if (region.street_id().empty()) {
    log::Warn("bulletin lists a community the registry does not know",
              {{"bulletin", bulletin.id()}, {"community", community}});
    return absl::OkStatus();
  }
  const Area area = AreaOf(region);
  pv1::KeyArea listing;
  *listing.mutable_region() = area.region;
  listing.set_name(area.name);
  listing.set_listed_by(pv1::KEY_AREA_DECISION_RULE);
  listing.set_listing_reason(absl::StrFormat(
      "连续%d期%s为红色（截至%s，%s）", rules_->key_area_rules().list_after_red(),
      KindName(bulletin.period()), cal::PeriodKey(bulletin.period()), bulletin.id()));
  // One listing per (bulletin, community): re-applying the bulletin finds it by the bulletin.
  listing.add_listing_bulletin_ids(bulletin.id());
  listing.set_counts_from(absl::FormatCivilTime(PeriodDays(bulletin.period()).last + 1));
  absl::StatusOr<cases::Case> listed =
      CreateListing(auth::SystemPrincipal(kSystemId), area, listing, listing.listing_reason());
  // Listed already (by hand, or by a later bulletin): nothing for this one to do.
  if (absl::IsAlreadyExists(listed.status()) && FieldOf(listed.status()) == "region") {
    return absl::OkStatus();
  }
  return listed.status();
}

absl::Status KeyAreas::RuleDelist(const pv1::Bulletin& bulletin,
                                  const std::string& community) const {
  gv1::RegionRef region;
  region.set_street_id(regions_->StreetOfCommunity(community));
  region.set_community_id(community);
  if (region.street_id().empty()) return absl::OkStatus();
  const Area area = AreaOf(region);
  const absl::CivilDay first_day = PeriodDays(bulletin.period()).first;
  const std::string reason = absl::StrFormat(
      "连续%d期%s为蓝色（截至%s，%s）", rules_->key_area_rules().delist_after_blue(),
      KindName(bulletin.period()), cal::PeriodKey(bulletin.period()), bulletin.id());
  for (int attempt = 0; attempt < kAttempts; ++attempt) {
    GOV_ASSIGN_OR_RETURN(const std::vector<cases::Case> listings, AreaListings(area));
    const auto open = std::find_if(listings.begin(), listings.end(),
                                   [](const cases::Case& c) { return IsOpen(c.record.status); });
    // Delisted already: nothing to do.
    if (open == listings.end()) return absl::OkStatus();
    GOV_ASSIGN_OR_RETURN(const pv1::KeyArea listing, KeyAreaKind().FromCase(*open));
    // A listing made after the bulletin decided (by hand since, or by a later bulletin) is not
    // the one it decided about, so re-applying the bulletin leaves it alone.
    const std::optional<absl::CivilDay> counts_from = cal::ParseDay(listing.counts_from());
    if (!counts_from.has_value() || *counts_from > first_day) return absl::OkStatus();
    absl::StatusOr<cases::Case> moved = listings_->Transition(
        auth::SystemPrincipal(kSystemId), kDelistVerb, open->record.id, open->etag(), reason,
        DelistMutation(pv1::KEY_AREA_DECISION_RULE, reason, clock_->Now()));
    if (moved.ok()) return absl::OkStatus();
    // Changed meanwhile: look again.
    if (!absl::IsAborted(moved.status()) && !absl::IsFailedPrecondition(moved.status())) {
      return moved.status();
    }
  }
  return absl::AbortedError(
      absl::StrCat("key area of ", community, " kept changing while delisting it by rule"));
}

}  // namespace gov::policing
