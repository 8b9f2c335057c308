#ifndef GOV_TOOLS_GOVCTL_INDICATOR_TEXT_H_
#define GOV_TOOLS_GOVCTL_INDICATOR_TEXT_H_

#include <cstdint>
#include <string>

#include "google/protobuf/repeated_ptr_field.h"
#include "governance/v1/common.pb.h"
#include "governance/v1/indicators.pb.h"
#include "tools/govctl/table.h"

namespace gov::govctl {

using Indicators = google::protobuf::RepeatedPtrField<governance::v1::Indicator>;

// Basis points as a percentage with two decimals ("12.50%"), signed ("+3.00%") when `sign`.
std::string Percent(int64_t basis_points, bool sign);

// A value in its unit: basis points as a percentage, a count as it is.
std::string ValueText(governance::v1::IndicatorUnit unit, int64_t value);

// The target with its direction: ">= 95.00%", "<= -5.00% vs last year", "-" without one.
std::string TargetText(const governance::v1::Indicator& ind);

// "plan", "district" or "-".
const char* SourceName(governance::v1::TargetSource source);

// "red", "orange", "yellow", "blue", "green" or "-".
const char* ColourName(governance::v1::Colour colour);

// The terminal escape that shows a colour ("" for none).
const char* ColourEscape(governance::v1::Colour colour);

// "live", "recorded" or "-".
const char* FreshnessName(governance::v1::IndicatorFreshness freshness);

// "2026-11", "2026-W05", "2026-Q4", "2026"; "current month" for an unset period.
std::string PeriodText(const governance::v1::Period& period);

// One indicator's cells as every indicator table shows them.
struct IndicatorCells {
  std::string actual;      // the value in its unit, or "no data"
  std::string target;      // TargetText
  std::string source;      // SourceName
  std::string change;      // the change against last year, "-" when it has none
  std::string attainment;  // how far the target is met, "-" when ungraded
  std::string colour;      // ColourName
  std::string freshness;   // FreshnessName
  std::string by_street;   // "yes" when comparable street by street, else "no"
};
IndicatorCells CellsOf(const governance::v1::Indicator& ind);

struct IndicatorTableOptions {
  // Shows the colour column in its terminal colour.
  bool colour = false;
  // Adds the freshness (live or recorded) and by-street (comparable across streets) columns.
  bool freshness = false;
};

// The indicators as a table: id, name_zh, actual, target, source, change, attainment, colour
// (and freshness, by_street with `options.freshness`).
Table IndicatorTable(const Indicators& indicators, const IndicatorTableOptions& options);

// The lines under an indicator table: where each target comes from, and the days each change
// compares. Empty when there is nothing to say.
std::string IndicatorNotes(const Indicators& indicators);

}  // namespace gov::govctl

#endif  // GOV_TOOLS_GOVCTL_INDICATOR_TEXT_H_
