#ifndef GOV_COMMON_DEMO_REGISTRY_LOAD_H_
#define GOV_COMMON_DEMO_REGISTRY_LOAD_H_

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "common/demo/records.h"
#include "common/registry/registry.h"
#include "common/util/proto.h"

// A registry's demo load (policing's assets, disorder's monitored objects): the items a track
// invents, each with a request id of its own, so that a reload keeps what is there; those in
// force dated over the last two years, so that earlier periods count fewer of them.
namespace gov::demo {

template <typename Msg>
class RegistryLoad {
 public:
  // `noun` goes into the request ids ("asset"); `set_since` writes the day an item came into
  // force into the item's date field.
  RegistryLoad(std::string noun, absl::CivilDay today,
               std::function<void(Msg&, std::string)> set_since)
      : noun_(std::move(noun)), today_(today), set_since_(std::move(set_since)) {}

  // Item `i` of `kind` (the registry's kind enum): request id "demo-<noun>-<KIND>-<i, 4 digits>";
  // when `in_force`, in force from a day 15 to 714 days back, spread by `i` and the kind.
  template <typename Kind>
  Msg& Add(Kind kind, int i, Msg item, bool in_force) {
    if (in_force) {
      const int64_t back =
          15 + (static_cast<int64_t>(i) * 37 + static_cast<int64_t>(kind) * 11) % 700;
      set_since_(item, DayText(today_ - back));
    }
    items_.push_back(
        {absl::StrFormat("demo-%s-%s-%04d", noun_, EnumKey(kind), i), std::move(item)});
    return items_.back().second;
  }

  // Checks every item with `validate` (the registry's own input rules), then stores them with
  // `workers` threads as `row` lays them out (Registry::LoadDemo: idempotent by request id).
  absl::Status Load(const registry::Registry& registry,
                    const std::function<absl::Status(const Msg&)>& validate,
                    const std::function<store::EntityRecord(const Msg&)>& row, int workers) const {
    std::vector<registry::DemoRow> rows;
    for (const auto& [request_id, item] : items_) {
      absl::Status valid = validate(item);
      if (!valid.ok()) return valid;
      rows.push_back({request_id, row(item)});
    }
    return registry.LoadDemo(rows, workers);
  }

 private:
  std::string noun_;
  absl::CivilDay today_;
  std::function<void(Msg&, std::string)> set_since_;
  std::vector<std::pair<std::string, Msg>> items_;
};

}  // namespace gov::demo

#endif  // GOV_COMMON_DEMO_REGISTRY_LOAD_H_
