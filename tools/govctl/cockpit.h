#ifndef GOV_TOOLS_GOVCTL_COCKPIT_H_
#define GOV_TOOLS_GOVCTL_COCKPIT_H_

#include <string>

#include "governance/digital/v1/digital.pb.h"

namespace gov::govctl {

struct CockpitTextOptions {
  // Shows colours with terminal escapes.
  bool colour = false;
};

// "district", "street", "department" or "-".
const char* CockpitKindName(governance::digital::v1::CockpitKind kind);

// The name of a google.rpc.Code value ("UNAVAILABLE"), or "code N" for a value it does not know.
std::string RpcCodeName(int code);

// The cockpits as a table: id, kind, street/department, name_zh, name_en, selections.
std::string CockpitListText(const governance::digital::v1::ListCockpitsResponse& response);

// One cockpit: a header (its first line starts with the cockpit's id; then region, period,
// evaluation time, completeness and freshness), then a section per track: a line
// "<track>: N indicators" and the indicators table, or, for a track that did not answer, the one
// line "<track>: <CODE> — <message>"; ids the track does not know are listed.
std::string CockpitText(const governance::digital::v1::Cockpit& cockpit,
                        const CockpitTextOptions& options);

// One indicator across the streets: a header line, then the district's row and the streets by
// rank.
std::string CompareStreetsText(const std::string& track,
                               const governance::digital::v1::CompareStreetsResponse& response,
                               const CockpitTextOptions& options);

// One cockpit across periods: one row an indicator (by track), one column a period, newest first;
// then the tracks that did not answer, a line each.
std::string ComparePeriodsText(const governance::digital::v1::ComparePeriodsResponse& response,
                               const CockpitTextOptions& options);

}  // namespace gov::govctl

#endif  // GOV_TOOLS_GOVCTL_COCKPIT_H_
