#include "services/mediation/registry.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/util/proto.h"

namespace gov::mediation {
namespace {

registry::Layout LayoutOf(const char* kind, const char* id_prefix) {
  return {.track = kTrack, .kind = kind, .id_prefix = id_prefix, .noun = kind};
}

}  // namespace

Registries::Registries(store::Repository* repo, cache::Cache* cache, const Clock* clock)
    : bodies(LayoutOf(kBodyEntity, "B"), repo, cache, clock),
      mediators(LayoutOf(kMediatorEntity, "M"), repo, cache, clock),
      trainings(LayoutOf(kTrainingEntity, "T"), repo, cache, clock),
      providers(LayoutOf(kProviderEntity, "SP"), repo, cache, clock),
      contracts(LayoutOf(kContractEntity, "SC"), repo, cache, clock) {}

std::string BodyKey(mv1::BodyKind kind, mv1::Industry industry) {
  return absl::StrCat(EnumKey(kind), ":",
                      industry == mv1::INDUSTRY_UNSPECIFIED ? "" : EnumKey(industry));
}

std::string BodyKindPrefix(mv1::BodyKind kind) { return absl::StrCat(EnumKey(kind), ":"); }

auth::Principal WithDistrictRows(const auth::Principal& who) {
  auth::Principal reader = who;
  if (!reader.district_wide()) reader.streets.insert("");
  return reader;
}

std::vector<std::string> VisibleStreets(const auth::Principal& who) {
  const auth::Principal reader = WithDistrictRows(who);
  std::vector<std::string> streets(reader.streets.begin(), reader.streets.end());
  std::sort(streets.begin(), streets.end());
  return streets;
}

absl::StatusOr<std::vector<store::EntityRecord>> AllRows(const registry::Registry& registry,
                                                         store::EntityFilter filter) {
  return registry.AllRows(std::move(filter));
}

}  // namespace gov::mediation
