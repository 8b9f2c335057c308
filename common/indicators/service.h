#ifndef GOV_COMMON_INDICATORS_SERVICE_H_
#define GOV_COMMON_INDICATORS_SERVICE_H_

#include <memory>
#include <string>
#include <vector>

#include "common/indicators/indicators.h"
#include "common/server/rpc_service.h"

namespace gov::indicators {

// governance.v1.IndicatorsService, the same for every track: the shared wrapper for auth and
// logging, then the track's IndicatorEngine. `roles` are the roles the track knows (the access
// options of the shared service name only shared ones).
std::unique_ptr<server::RpcService> MakeIndicatorsService(IndicatorEngine* engine,
                                                          server::Handlers* handlers,
                                                          std::vector<std::string> roles);

}  // namespace gov::indicators

#endif  // GOV_COMMON_INDICATORS_SERVICE_H_
