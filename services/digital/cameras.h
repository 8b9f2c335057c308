#ifndef GOV_SERVICES_DIGITAL_CAMERAS_H_
#define GOV_SERVICES_DIGITAL_CAMERAS_H_

#include <vector>

#include "absl/status/status.h"
#include "common/auth/auth.h"
#include "common/clock/clock.h"
#include "common/indicators/indicators.h"
#include "common/regions/regions.h"
#include "common/registry/registry.h"
#include "services/digital/model.h"

// The camera feeds of the City Eye platform (城市眼·云共治): registered with the day each was
// connected (the plan: 400 more this year), online, offline or retired.
namespace gov::digital {

class Cameras {
 public:
  // Nothing is owned; everything outlives the part.
  Cameras(const registry::Registry* cameras, const regions::RegionRegistry* regions,
          const Clock* clock);

  // The RPCs (after the declared access).
  absl::Status Register(const auth::Principal& who, const dv1::RegisterCameraRequest& in,
                        dv1::RegisterCameraResponse* out) const;
  absl::Status Get(const auth::Principal& who, const dv1::GetCameraRequest& in,
                   dv1::GetCameraResponse* out) const;
  absl::Status List(const auth::Principal& who, const dv1::ListCamerasRequest& in,
                    dv1::ListCamerasResponse* out) const;
  absl::Status SetStatus(const auth::Principal& who, const dv1::SetCameraStatusRequest& in,
                         dv1::SetCameraStatusResponse* out) const;

 private:
  friend std::vector<indicators::IndicatorSpec> CameraIndicators(const Cameras* cameras);

  const registry::Registry* const cameras_;
  const regions::RegionRegistry* const regions_;
  const Clock* const clock_;
};

// The cameras' indicators: camera_feeds_added (the plan's 400: cameras connected in the
// period, in the context's region, a district count) and cameras_online_rate (watched: of the
// cameras not retired now, the share online now).
std::vector<indicators::IndicatorSpec> CameraIndicators(const Cameras* cameras);

}  // namespace gov::digital

#endif  // GOV_SERVICES_DIGITAL_CAMERAS_H_
