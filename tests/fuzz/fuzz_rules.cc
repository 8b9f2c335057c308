// Hostile data files: each track's rules file (Rules::LoadFile of policing, disorder, backlog,
// hazard, tripartite and digital, checked against data/regions.json), the targets file, the
// region registry and the holiday calendar, as the services read them at start. The input's
// first byte picks the file kind, the rest is the file. Seeds: the repository's data/*.json, and
// a dictionary of the files' field names and enum values.
//
// Findings besides crashes: a file accepted whose own data, written back as proto JSON, is
// refused (what a service loaded it must load again); a region registry whose own streets,
// communities and grids do not validate.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "common/cases/calendar.h"
#include "common/indicators/targets.h"
#include "common/regions/regions.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/json_util.h"
#include "governance/config/v1/config.pb.h"
#include "governance/config/v1/targets.pb.h"
#include "services/backlog/rules.h"
#include "services/digital/rules.h"
#include "services/disorder/rules.h"
#include "services/hazard/rules.h"
#include "services/policing/rules.h"
#include "services/tripartite/rules.h"
#include "tests/fuzz/fuzz_support.h"

namespace {

using gov::fuzz::Finding;
namespace cv1 = ::governance::config::v1;

const gov::regions::RegionRegistry* regions = nullptr;
std::string* file = nullptr;

// Loads the file at `path`: the data it holds when accepted, null when refused.
using Loader = std::function<std::unique_ptr<google::protobuf::Message>(const std::string& path)>;

struct Kind {
  std::string name;  // the data file of the repository it is seeded from: data/<name>.json
  const google::protobuf::Descriptor* type;  // its proto (the dictionary's words)
  Loader load;
};

template <typename Rules>
Loader RulesLoader() {
  return [](const std::string& path) -> std::unique_ptr<google::protobuf::Message> {
    auto rules = Rules::LoadFile(path, *regions);
    if (!rules.ok()) return nullptr;
    std::unique_ptr<google::protobuf::Message> data((*rules)->data().New());
    data->CopyFrom((*rules)->data());
    return data;
  };
}

void CheckRegions(const gov::regions::RegionRegistry& r) {
  for (const auto* street : r.streets()) {
    governance::v1::RegionRef ref;
    ref.set_street_id(street->id());
    if (!r.Validate(ref, "region").ok()) Finding("a street of the registry does not validate");
    for (const auto* community : r.CommunitiesOf(street->id())) {
      ref.set_community_id(community->id());
      if (!r.Validate(ref, "region").ok() || r.StreetOfCommunity(community->id()) != street->id()) {
        Finding("a community of the registry does not validate in its street");
      }
      for (const std::string& grid : community->grids()) {
        ref.set_grid_id(grid);
        if (!r.Validate(ref, "region").ok()) Finding("a grid of the registry does not validate");
      }
      ref.clear_grid_id();
    }
  }
}

const std::vector<Kind>& Kinds() {
  static const auto* kinds = new std::vector<Kind>{
      {"policing", cv1::PolicingRules::descriptor(), RulesLoader<gov::policing::Rules>()},
      {"disorder", cv1::DisorderRules::descriptor(), RulesLoader<gov::disorder::Rules>()},
      {"backlog", cv1::BacklogRules::descriptor(), RulesLoader<gov::backlog::Rules>()},
      {"hazard", cv1::HazardRules::descriptor(), RulesLoader<gov::hazard::Rules>()},
      {"tripartite", cv1::TripartiteRules::descriptor(), RulesLoader<gov::tripartite::Rules>()},
      {"digital", cv1::DigitalRules::descriptor(), RulesLoader<gov::digital::Rules>()},
      {"targets", cv1::Targets::descriptor(),
       [](const std::string& path) -> std::unique_ptr<google::protobuf::Message> {
         auto book = gov::indicators::TargetBook::LoadFile(path);
         if (!book.ok()) return nullptr;
         return std::make_unique<governance::config::v1::Targets>((*book)->data());
       }},
      {"regions", cv1::RegionRegistry::descriptor(),
       [](const std::string& path) -> std::unique_ptr<google::protobuf::Message> {
         auto registry = gov::regions::RegionRegistry::LoadFile(path);
         if (!registry.ok()) return nullptr;
         CheckRegions(**registry);
         return nullptr;
       }},
      {"holidays", cv1::HolidayCalendar::descriptor(),
       [](const std::string& path) -> std::unique_ptr<google::protobuf::Message> {
         auto calendar = gov::cal::WorkCalendar::LoadFile(path);
         if (!calendar.ok()) return nullptr;
         const absl::Time start = absl::FromUnixSeconds(1775005200);
         for (int days : {1, 15, 60}) {
           if ((*calendar)->DueTime(gov::cal::Sla::WorkingDays(days), start) <= start) {
             Finding("a working-day SLA runs out before it starts");
           }
         }
         return nullptr;
       }},
  };
  return *kinds;
}

// The words of a kind's files: its fields' JSON names, quoted, and its enums' value names.
void AddWords(const google::protobuf::Descriptor* type, std::set<std::string>& words,
              std::set<const google::protobuf::Descriptor*>& seen) {
  if (!seen.insert(type).second) return;
  for (int i = 0; i < type->field_count(); ++i) {
    const google::protobuf::FieldDescriptor* f = type->field(i);
    words.insert(absl::StrCat("\"", f->json_name(), "\":"));
    if (const google::protobuf::EnumDescriptor* e = f->enum_type(); e != nullptr) {
      for (int v = 0; v < e->value_count(); ++v) {
        words.insert(absl::StrCat("\"", e->value(v)->name(), "\""));
      }
    }
    if (f->message_type() != nullptr) AddWords(f->message_type(), words, seen);
  }
}

// libFuzzer's dictionary for the files, beside the seeds: <seeds>.dict (scripts/fuzz.sh passes
// it with -dict).
void WriteDictionary() {
  std::set<std::string> words;
  std::set<const google::protobuf::Descriptor*> seen;
  for (const Kind& kind : Kinds()) AddWords(kind.type, words, seen);
  std::string dict;
  for (const std::string& word : words) {
    std::string escaped;
    for (char c : word) {
      if (c == '"' || c == '\\') escaped.push_back('\\');
      escaped.push_back(c);
    }
    absl::StrAppend(&dict, "\"", escaped, "\"\n");
  }
  gov::fuzz::WriteFileOrDie(gov::fuzz::SeedsDir() + ".dict", dict);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  gov::fuzz::QuietLogs();
  auto loaded = gov::regions::RegionRegistry::LoadFile(gov::fuzz::SourcePath("data/regions.json"));
  if (!loaded.ok()) Finding(absl::StrCat("data/regions.json: ", loaded.status().ToString()));
  regions = loaded->release();
  file = new std::string(absl::StrCat(gov::fuzz::ScratchDir(), "/data.json"));
  if (!gov::fuzz::SeedsDir().empty()) {
    for (size_t i = 0; i < Kinds().size(); ++i) {
      const std::string text = gov::fuzz::ReadFileOrDie(
          gov::fuzz::SourcePath(absl::StrCat("data/", Kinds()[i].name, ".json")));
      gov::fuzz::WriteSeed(absl::StrCat(std::string(1, static_cast<char>(i)), text));
    }
    WriteDictionary();
    gov::fuzz::SeedsWritten("fuzz_rules");
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const Kind& kind = Kinds()[data[0] % Kinds().size()];
  gov::fuzz::WriteFileOrDie(*file, gov::fuzz::Bytes(data + 1, size - 1));
  std::unique_ptr<google::protobuf::Message> accepted = kind.load(*file);
  if (accepted == nullptr) return 0;
  std::string json;
  if (!google::protobuf::util::MessageToJsonString(*accepted, &json).ok()) {
    Finding(absl::StrCat(kind.name, ": accepted data cannot be written as JSON"));
  }
  gov::fuzz::WriteFileOrDie(*file, json);
  if (kind.load(*file) == nullptr) {
    Finding(absl::StrCat(kind.name, ": accepted data, written back as JSON, is refused: ", json));
  }
  return 0;
}
