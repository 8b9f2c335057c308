#include "common/indicators/service.h"

#include <utility>

#include "governance/v1/indicators.grpc.pb.h"

namespace gov::indicators {

std::unique_ptr<server::RpcService> MakeIndicatorsService(IndicatorEngine* engine,
                                                          server::Handlers* handlers,
                                                          std::vector<std::string> roles) {
  auto service = std::make_unique<server::RpcService>(
      governance::v1::IndicatorsService::service_full_name(), handlers, std::move(roles));
  service->Bind("ListIndicators", engine, &IndicatorEngine::List)
      .Bind("ListRankings", engine, &IndicatorEngine::Rankings)
      .Bind("RecordFigure", engine, &IndicatorEngine::RecordFigure)
      .Bind("ListFigures", engine, &IndicatorEngine::ListFigures);
  return service;
}

}  // namespace gov::indicators
