#include "tools/govctl/indicator_text.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace gov::govctl {

std::string Percent(int64_t basis_points, bool sign) {
  return absl::StrFormat(sign ? "%+.2f%%" : "%.2f%%", static_cast<double>(basis_points) / 100.0);
}

std::string ValueText(governance::v1::IndicatorUnit unit, int64_t value) {
  return unit == governance::v1::INDICATOR_UNIT_BASIS_POINTS ? Percent(value, false)
                                                             : absl::StrCat(value);
}

std::string TargetText(const governance::v1::Indicator& ind) {
  const char* op = ind.direction() == governance::v1::DIRECTION_HIGHER_IS_BETTER  ? ">= "
                   : ind.direction() == governance::v1::DIRECTION_LOWER_IS_BETTER ? "<= "
                                                                                  : "";
  switch (ind.target_kind()) {
    case governance::v1::TARGET_KIND_ABSOLUTE:
    case governance::v1::TARGET_KIND_RATE:
      return absl::StrCat(op, ValueText(ind.unit(), ind.target()));
    case governance::v1::TARGET_KIND_CHANGE_VS_BASELINE:
      return absl::StrCat(op, Percent(ind.target(), true), " vs last year");
    default:
      return "-";
  }
}

const char* SourceName(governance::v1::TargetSource source) {
  switch (source) {
    case governance::v1::TARGET_SOURCE_PLAN:
      return "plan";
    case governance::v1::TARGET_SOURCE_DISTRICT:
      return "district";
    default:
      return "-";
  }
}

const char* ColourName(governance::v1::Colour colour) {
  switch (colour) {
    case governance::v1::COLOUR_RED:
      return "red";
    case governance::v1::COLOUR_ORANGE:
      return "orange";
    case governance::v1::COLOUR_YELLOW:
      return "yellow";
    case governance::v1::COLOUR_BLUE:
      return "blue";
    case governance::v1::COLOUR_GREEN:
      return "green";
    default:
      return "-";
  }
}

const char* ColourEscape(governance::v1::Colour colour) {
  switch (colour) {
    case governance::v1::COLOUR_RED:
      return "\033[31m";
    case governance::v1::COLOUR_ORANGE:
      return "\033[38;5;208m";
    case governance::v1::COLOUR_YELLOW:
      return "\033[33m";
    case governance::v1::COLOUR_BLUE:
      return "\033[34m";
    case governance::v1::COLOUR_GREEN:
      return "\033[32m";
    default:
      return "";
  }
}

const char* FreshnessName(governance::v1::IndicatorFreshness freshness) {
  switch (freshness) {
    case governance::v1::INDICATOR_FRESHNESS_LIVE:
      return "live";
    case governance::v1::INDICATOR_FRESHNESS_RECORDED:
      return "recorded";
    default:
      return "-";
  }
}

std::string PeriodText(const governance::v1::Period& period) {
  if (period.year() == 0) return "current month";
  switch (period.part_case()) {
    case governance::v1::Period::kMonth:
      return absl::StrFormat("%04d-%02d", period.year(), period.month());
    case governance::v1::Period::kWeek:
      return absl::StrFormat("%04d-W%02d", period.year(), period.week());
    case governance::v1::Period::kQuarter:
      return absl::StrFormat("%04d-Q%d", period.year(), period.quarter());
    case governance::v1::Period::PART_NOT_SET:
      break;
  }
  return absl::StrFormat("%04d", period.year());
}

namespace {

// A change target, or an indicator watched against last year (it has baseline days).
bool ChangeKind(const governance::v1::Indicator& ind) {
  return ind.target_kind() == governance::v1::TARGET_KIND_CHANGE_VS_BASELINE ||
         ind.has_baseline_days();
}

}  // namespace

IndicatorCells CellsOf(const governance::v1::Indicator& ind) {
  const bool graded =
      ind.has_data() && ind.target_kind() != governance::v1::TARGET_KIND_UNSPECIFIED;
  IndicatorCells cells;
  cells.actual = ind.has_data() ? ValueText(ind.unit(), ind.actual()) : "no data";
  cells.target = TargetText(ind);
  cells.source = SourceName(ind.target_source());
  cells.change = ChangeKind(ind) && ind.has_data() ? Percent(ind.change(), true) : "-";
  cells.attainment = graded ? Percent(ind.attainment(), false) : "-";
  cells.colour = ColourName(ind.colour());
  cells.freshness = FreshnessName(ind.freshness());
  cells.by_street = ind.comparable_by_street() ? "yes" : "no";
  return cells;
}

Table IndicatorTable(const Indicators& indicators, const IndicatorTableOptions& options) {
  std::vector<std::string> headers = {"id",     "name_zh", "actual",     "target",
                                      "source", "change",  "attainment", "colour"};
  constexpr size_t kColourColumn = 7;
  if (options.freshness) {
    headers.push_back("freshness");
    headers.push_back("by_street");
  }
  Table table(std::move(headers));
  table.AlignRight(2);
  table.AlignRight(5);
  table.AlignRight(6);
  for (int i = 0; i < indicators.size(); ++i) {
    const governance::v1::Indicator& ind = indicators.Get(i);
    IndicatorCells c = CellsOf(ind);
    std::vector<std::string> row = {ind.id(), ind.name_zh(), c.actual,     c.target,
                                    c.source, c.change,      c.attainment, c.colour};
    if (options.freshness) {
      row.push_back(c.freshness);
      row.push_back(c.by_street);
    }
    table.AddRow(std::move(row));
    if (options.colour) {
      table.SetCellStyle(static_cast<size_t>(i), kColourColumn, ColourEscape(ind.colour()));
    }
  }
  return table;
}

std::string IndicatorNotes(const Indicators& indicators) {
  std::string notes;
  for (const governance::v1::Indicator& ind : indicators) {
    if (ind.target_source() == governance::v1::TARGET_SOURCE_PLAN) {
      absl::StrAppend(&notes, "  ", ind.id(), ": plan 「", ind.plan_clause(), "」\n");
    } else if (ind.target_source() == governance::v1::TARGET_SOURCE_DISTRICT) {
      absl::StrAppend(&notes, "  ", ind.id(), ": district's choice — ", ind.target_reason(), "\n");
    }
    if (ChangeKind(ind) && ind.has_baseline_days()) {
      absl::StrAppend(&notes, "  ", ind.id(), ": compares ", ind.days().first(), "..",
                      ind.days().last(), " with ", ind.baseline_days().first(), "..",
                      ind.baseline_days().last(), "\n");
    }
  }
  return notes;
}

}  // namespace gov::govctl
