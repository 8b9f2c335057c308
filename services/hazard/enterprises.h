#ifndef GOV_SERVICES_HAZARD_ENTERPRISES_H_
#define GOV_SERVICES_HAZARD_ENTERPRISES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "common/clock/clock.h"
#include "common/indicators/indicators.h"
#include "common/regions/regions.h"
#include "common/registry/registry.h"
#include "services/hazard/model.h"
#include "services/hazard/rules.h"

// 四色风险等级管控 — enterprises graded red, orange, yellow or blue by the rules file's grading of
// their sector's inherent risk and what their inspections found; each grading kept in the
// enterprise's history with its reason; inspections recorded with their findings (each finding
// a hazard at the enterprise, in the hazards' case kind), at the frequency the colour asks.
namespace gov::hazard {

class Enterprises {
 public:
  // Nothing is owned; everything outlives the part.
  Enterprises(const registry::Registry* enterprises, const registry::Registry* inspections,
              cases::CaseEngine* hazards, const Rules* rules,
              const regions::RegionRegistry* regions, const Clock* clock);

  // The RPCs (after the declared access).
  absl::Status Register(const auth::Principal& who, const hv1::RegisterEnterpriseRequest& in,
                        hv1::RegisterEnterpriseResponse* out);
  absl::Status Get(const auth::Principal& who, const hv1::GetEnterpriseRequest& in,
                   hv1::GetEnterpriseResponse* out);
  absl::Status List(const auth::Principal& who, const hv1::ListEnterprisesRequest& in,
                    hv1::ListEnterprisesResponse* out);
  absl::Status RecordInspection(const auth::Principal& who, const hv1::RecordInspectionRequest& in,
                                hv1::RecordInspectionResponse* out);
  absl::Status ListInspections(const auth::Principal& who, const hv1::ListInspectionsRequest& in,
                               hv1::ListInspectionsResponse* out);

  // The enterprise `id` as the track reads it, for the other parts (a hazard or an accident at
  // it): INVALID_ARGUMENT naming `field` when there is none such.
  absl::StatusOr<hv1::Enterprise> Find(const std::string& id, const std::string& field) const;

  const registry::Registry& enterprises() const { return *enterprises_; }

 private:
  friend std::vector<indicators::IndicatorSpec> EnterpriseIndicators(
      const Enterprises* enterprises);

  // The enterprise a row holds as stored (the first grading's time is the registration's).
  absl::StatusOr<hv1::Enterprise> Stored(const store::EntityRecord& row) const;
  // The stored enterprise with what is computed on read as of `today`: the next inspection's
  // due day and whether it has passed.
  absl::StatusOr<hv1::Enterprise> Present(const store::EntityRecord& row,
                                          absl::CivilDay today) const;
  // Present as of the clock's today, as `who` may see it (the contact for the working roles).
  absl::StatusOr<hv1::Enterprise> Shown(const store::EntityRecord& row,
                                        const auth::Principal& who) const;
  // The inspection a row holds.
  absl::StatusOr<hv1::Inspection> InspectionOf(const store::EntityRecord& row) const;
  // Opens a hazard through the hazards' engine for each finding of the inspection stored as
  // `row` at `enterprise`; their ids, in the findings' order. Idempotent: each hazard's request
  // id is the inspection's id and the finding's index, its payload built from the stored row.
  absl::StatusOr<std::vector<std::string>> OpenFindings(const auth::Principal& who,
                                                        const hv1::Enterprise& enterprise,
                                                        const store::EntityRecord& row,
                                                        const hv1::Inspection& inspection);
  // Grades the enterprise again after `inspection` (its colour, its history when the colour
  // changes, its last inspection's day), under its etag, trying again when a concurrent
  // inspection wrote it first.
  absl::StatusOr<store::EntityRecord> Regrade(const std::string& enterprise_id,
                                              const hv1::Inspection& inspection) const;
  // Measures over the enterprises registered by the period's last day in the context's region:
  // those of the index key `key` ("" = every colour), and those whose inspection is overdue.
  indicators::Measure Registered(std::string key) const;
  indicators::Measure OverdueInspections() const;

  const registry::Registry* const enterprises_;
  const registry::Registry* const inspections_;
  cases::CaseEngine* const hazards_;
  const Rules* const rules_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
};

// The enterprises' indicators: enterprises_graded (the plan's 248, a district count), the
// enterprises of each colour (enterprises_red, _orange, _yellow, _blue; watched) and
// overdue_inspections (watched, lower is better).
std::vector<indicators::IndicatorSpec> EnterpriseIndicators(const Enterprises* enterprises);

}  // namespace gov::hazard

#endif  // GOV_SERVICES_HAZARD_ENTERPRISES_H_
