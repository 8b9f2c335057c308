#ifndef GOV_SERVICES_DISORDER_CONTROL_POINTS_H_
#define GOV_SERVICES_DISORDER_CONTROL_POINTS_H_

#include <vector>

#include "common/cases/engine.h"
#include "common/indicators/indicators.h"
#include "governance/disorder/v1/disorder.pb.h"
#include "services/disorder/rules.h"

// 省、市环保督查点和重复投诉点 — the fume-monitored restaurants under special control for cooking
// fumes (MonitoredObject.control_point: a provincial or municipal environmental inspection point,
// a repeat-complaint point), and how the plan's "重点加强管控" of them is measured.
//
// A repeat complaint at a point: a cooking-fumes complaint taken in during the period that the
// track counts as a repeat — REPEAT (closed at intake as a repeat of an open one, by the rules'
// repeat rule) or MERGED (a duplicate merged by hand), whatever its channel (a fume episode
// raised by the feed while an earlier complaint there is open is one too) — at the point's
// place by the repeat rule's own test of "the same place": within the rule's radius when both
// have coordinates, else in the same grid (neither without a grid).
namespace gov::disorder {

namespace dv1 = ::governance::disorder::v1;

// Whether `complaint` lies at the place of `point` (the repeat rule's test, `radius_meters`).
bool AtPlace(const dv1::Complaint& complaint, const dv1::MonitoredObject& point,
             double radius_meters);

// 环保督查点和重复投诉点无重复投诉率: of the control points in force on the period's last day
// within the region (ACTIVE fume restaurants with a flag, since_date on or before it), the
// share without a repeat complaint at them in the period; no data without a point. Graded the
// same in every street and community (the district's own 100 %, data/targets.json).
// `complaints` is the complaints' engine; both outlive the measure.
std::vector<indicators::IndicatorSpec> ControlPointIndicators(const Rules& rules,
                                                              cases::CaseEngine* complaints);

}  // namespace gov::disorder

#endif  // GOV_SERVICES_DISORDER_CONTROL_POINTS_H_
