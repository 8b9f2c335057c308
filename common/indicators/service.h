#ifndef GOV_COMMON_INDICATORS_SERVICE_H_
#define GOV_COMMON_INDICATORS_SERVICE_H_

#include <memory>
#include <string>
#include <vector>

#include "common/indicators/indicators.h"
#include "common/indicators/published.h"
#include "common/meetings/meetings.h"
#include "common/server/rpc_service.h"

namespace gov::indicators {

// governance.v1.IndicatorsService, the same for every track: the shared wrapper for auth and
// logging, then the track's IndicatorEngine and its published rankings. `roles` are the roles
// the track knows (the access options of the shared service name only shared ones).
std::unique_ptr<server::RpcService> MakeIndicatorsService(IndicatorEngine* engine,
                                                          RankingsPublisher* rankings,
                                                          server::Handlers* handlers,
                                                          std::vector<std::string> roles);

// governance.v1.MeetingsService over a track's meetings (served by the tracks that hold some).
std::unique_ptr<server::RpcService> MakeMeetingsService(const meetings::Meetings* meetings,
                                                        server::Handlers* handlers,
                                                        std::vector<std::string> roles);

}  // namespace gov::indicators

#endif  // GOV_COMMON_INDICATORS_SERVICE_H_
