#include "tools/govctl/cockpit.h"

#include <cstddef>
#include <map>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "tools/govctl/indicator_text.h"
#include "tools/govctl/table.h"

namespace gov::govctl {
namespace {

namespace digital = governance::digital::v1;

std::string CockpitName(const digital::CockpitDeclaration& d) {
  if (d.name_en().empty()) return d.name_zh();
  if (d.name_zh().empty()) return d.name_en();
  return absl::StrCat(d.name_zh(), " / ", d.name_en());
}

std::string RegionOf(const digital::CockpitDeclaration& d) {
  if (d.kind() == digital::COCKPIT_KIND_STREET || !d.street_id().empty()) {
    return d.street_id().empty() ? "-" : d.street_id();
  }
  return "whole district";
}

std::string TimeText(const google::protobuf::Timestamp& t) {
  const absl::Time time = absl::FromUnixSeconds(t.seconds()) + absl::Nanoseconds(t.nanos());
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", time, absl::UTCTimeZone());
}

// "<track>: <CODE> — <message>".
std::string FailedTrackLine(const digital::CockpitTrack& track) {
  std::string line = absl::StrCat(track.track(), ": ", RpcCodeName(track.code()));
  if (!track.message().empty()) absl::StrAppend(&line, " — ", track.message());
  return line;
}

std::string Plural(int n, const char* one, const char* many) {
  return absl::StrCat(n, " ", n == 1 ? one : many);
}

}  // namespace

const char* CockpitKindName(digital::CockpitKind kind) {
  switch (kind) {
    case digital::COCKPIT_KIND_DISTRICT:
      return "district";
    case digital::COCKPIT_KIND_STREET:
      return "street";
    case digital::COCKPIT_KIND_DEPARTMENT:
      return "department";
    default:
      return "-";
  }
}

std::string RpcCodeName(int code) {
  std::string name = absl::StatusCodeToString(static_cast<absl::StatusCode>(code));
  return name.empty() ? absl::StrCat("code ", code) : name;
}

std::string CockpitListText(const digital::ListCockpitsResponse& response) {
  if (response.cockpits_size() == 0) return "(no cockpits)\n";
  Table table({"id", "kind", "street/department", "name_zh", "name_en", "selections"});
  table.AlignRight(5);
  for (const digital::CockpitDeclaration& d : response.cockpits()) {
    std::string scope = !d.street_id().empty() ? d.street_id() : d.department();
    table.AddRow({d.id(), CockpitKindName(d.kind()), scope.empty() ? "-" : scope, d.name_zh(),
                  d.name_en().empty() ? "-" : d.name_en(), absl::StrCat(d.selections_size())});
  }
  return table.Render();
}

std::string CockpitText(const digital::Cockpit& cockpit, const CockpitTextOptions& options) {
  const digital::CockpitDeclaration& d = cockpit.declaration();
  std::string out = absl::StrCat(d.id(), "  ", CockpitName(d), "\n");
  absl::StrAppend(&out, "kind:       ", CockpitKindName(d.kind()), "\n");
  absl::StrAppend(&out, "region:     ", RegionOf(d), "\n");
  if (!d.department().empty()) absl::StrAppend(&out, "department: ", d.department(), "\n");
  absl::StrAppend(&out, "period:     ", PeriodText(cockpit.period()), "\n");
  absl::StrAppend(&out, "evaluated:  ",
                  cockpit.has_evaluated_at() ? TimeText(cockpit.evaluated_at()) : "-", "\n");
  std::vector<std::string> missing;
  for (const digital::CockpitTrack& t : cockpit.tracks()) {
    if (t.code() != 0) missing.push_back(t.track());
  }
  if (cockpit.complete()) {
    absl::StrAppend(&out, "complete:   yes\n");
  } else {
    absl::StrAppend(
        &out, "complete:   no",
        missing.empty() ? "" : absl::StrCat(" — ", absl::StrJoin(missing, ", "), " did not answer"),
        "\n");
  }
  const digital::CockpitFreshness& f = cockpit.freshness();
  absl::StrAppend(
      &out,
      absl::StrFormat("freshness:  high-frequency comparable: %d of %d (%.1f %%); live %d, "
                      "comparable by street %d\n",
                      f.high_frequency_comparable(), f.indicators(),
                      static_cast<double>(f.share()) / 100.0, f.high_frequency(), f.comparable()));

  IndicatorTableOptions table_options;
  table_options.colour = options.colour;
  table_options.freshness = true;
  for (const digital::CockpitTrack& t : cockpit.tracks()) {
    absl::StrAppend(&out, "\n");
    if (t.code() != 0) {
      absl::StrAppend(&out, FailedTrackLine(t), "\n");
    } else if (t.indicators_size() == 0) {
      absl::StrAppend(&out, t.track(), ": no indicators\n");
    } else {
      absl::StrAppend(&out, t.track(), ": ", Plural(t.indicators_size(), "indicator", "indicators"),
                      "\n", IndicatorTable(t.indicators(), table_options).Render());
    }
    if (t.unknown_ids_size() > 0) {
      absl::StrAppend(&out, "unknown ids (not declared by ", t.track(),
                      "): ", absl::StrJoin(t.unknown_ids(), ", "), "\n");
    }
  }
  if (cockpit.tracks_size() == 0) absl::StrAppend(&out, "\n(no tracks)\n");
  return out;
}

std::string CompareStreetsText(const std::string& track,
                               const digital::CompareStreetsResponse& response,
                               const CockpitTextOptions& options) {
  const governance::v1::Indicator& first = response.has_district() || response.streets_size() == 0
                                               ? response.district()
                                               : response.streets(0).indicator();
  std::string out = absl::StrCat(track, " ", first.id());
  if (!first.name_zh().empty()) absl::StrAppend(&out, "  ", first.name_zh());
  if (!first.name_en().empty()) absl::StrAppend(&out, " / ", first.name_en());
  absl::StrAppend(&out, ", ", PeriodText(first.period()), "\n\n");

  Table table({"rank", "street", "name", "actual", "target", "change", "attainment", "colour"});
  constexpr size_t kColourColumn = 7;
  table.AlignRight(0);
  table.AlignRight(3);
  table.AlignRight(5);
  table.AlignRight(6);
  std::vector<governance::v1::Colour> colours;
  auto add = [&](const std::string& rank, const std::string& street, const std::string& name,
                 const governance::v1::Indicator& ind) {
    IndicatorCells c = CellsOf(ind);
    table.AddRow({rank, street, name.empty() ? "-" : name, c.actual, c.target, c.change,
                  c.attainment, c.colour});
    colours.push_back(ind.colour());
  };
  if (response.has_district()) add("-", "district", "whole district", response.district());
  for (const digital::StreetValue& s : response.streets()) {
    add(s.rank() == 0 ? "-" : absl::StrCat(s.rank()), s.street_id(), s.street_name(),
        s.indicator());
  }
  if (options.colour) {
    for (size_t r = 0; r < colours.size(); ++r) {
      table.SetCellStyle(r, kColourColumn, ColourEscape(colours[r]));
    }
  }
  absl::StrAppend(&out, table.Render());
  if (response.streets_size() == 0) absl::StrAppend(&out, "(no streets)\n");
  return out;
}

std::string ComparePeriodsText(const digital::ComparePeriodsResponse& response,
                               const CockpitTextOptions& options) {
  if (response.cockpits_size() == 0) return "(no periods)\n";
  const digital::CockpitDeclaration& d = response.cockpits(0).declaration();
  const int periods = response.cockpits_size();
  std::string out =
      absl::StrCat(d.id(), "  ", CockpitName(d), ": ", Plural(periods, "period", "periods"), ", ",
                   PeriodText(response.cockpits(0).period()));
  if (periods > 1) {
    absl::StrAppend(&out, " back to ", PeriodText(response.cockpits(periods - 1).period()));
  }
  absl::StrAppend(&out, "\n\n");

  // One row an indicator of a track, in the order the newest period shows them; an indicator
  // only older periods show comes after.
  constexpr size_t kFirstPeriodColumn = 3;
  std::vector<std::string> headers = {"track", "id", "name_zh"};
  for (const digital::Cockpit& c : response.cockpits()) headers.push_back(PeriodText(c.period()));
  Table table(headers);
  for (size_t col = kFirstPeriodColumn; col < headers.size(); ++col) table.AlignRight(col);

  std::map<std::pair<std::string, std::string>, size_t> row_of;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::vector<governance::v1::Colour>> colours;
  std::vector<std::string> failures;
  for (int p = 0; p < periods; ++p) {
    const digital::Cockpit& c = response.cockpits(p);
    const size_t column = kFirstPeriodColumn + static_cast<size_t>(p);
    for (const digital::CockpitTrack& t : c.tracks()) {
      if (t.code() != 0) {
        failures.push_back(absl::StrCat("  ", PeriodText(c.period()), " ", FailedTrackLine(t)));
        continue;
      }
      for (const governance::v1::Indicator& ind : t.indicators()) {
        auto [it, added] = row_of.try_emplace({t.track(), ind.id()}, rows.size());
        if (added) {
          std::vector<std::string> row(headers.size(), "-");
          row[0] = t.track();
          row[1] = ind.id();
          row[2] = ind.name_zh();
          rows.push_back(std::move(row));
          colours.emplace_back(headers.size(), governance::v1::COLOUR_UNSPECIFIED);
        }
        rows[it->second][column] = CellsOf(ind).actual;
        colours[it->second][column] = ind.colour();
      }
    }
  }
  // The periods in which a row's track did not answer.
  for (int p = 0; p < periods; ++p) {
    const size_t column = kFirstPeriodColumn + static_cast<size_t>(p);
    for (const digital::CockpitTrack& t : response.cockpits(p).tracks()) {
      if (t.code() == 0) continue;
      for (const auto& [key, row] : row_of) {
        if (key.first == t.track()) rows[row][column] = "n/a";
      }
    }
  }

  for (size_t r = 0; r < rows.size(); ++r) {
    table.AddRow(rows[r]);
    if (!options.colour) continue;
    for (size_t col = kFirstPeriodColumn; col < headers.size(); ++col) {
      table.SetCellStyle(r, col, ColourEscape(colours[r][col]));
    }
  }
  if (rows.empty()) {
    absl::StrAppend(&out, "(no indicators)\n");
  } else {
    absl::StrAppend(&out, table.Render());
  }
  if (!failures.empty()) {
    absl::StrAppend(&out, "\nnot answered (n/a):\n", absl::StrJoin(failures, "\n"), "\n");
  }
  return out;
}

}  // namespace gov::govctl
