#ifndef GOV_COMMON_INDICATORS_SERVICE_H_
#define GOV_COMMON_INDICATORS_SERVICE_H_

#include "common/indicators/indicators.h"
#include "common/server/handler.h"
#include "governance/v1/indicators.grpc.pb.h"

namespace gov::indicators {

// governance.v1.IndicatorsService, the same for every track: the shared wrapper for auth and
// logging, then the track's IndicatorEngine.
class IndicatorsServiceImpl final : public governance::v1::IndicatorsService::CallbackService {
 public:
  IndicatorsServiceImpl(IndicatorEngine* engine, server::Handlers* handlers)
      : engine_(engine), handlers_(handlers) {}

  grpc::ServerUnaryReactor* ListIndicators(
      grpc::CallbackServerContext* context, const governance::v1::ListIndicatorsRequest* request,
      governance::v1::ListIndicatorsResponse* response) override;
  grpc::ServerUnaryReactor* ListRankings(grpc::CallbackServerContext* context,
                                         const governance::v1::ListRankingsRequest* request,
                                         governance::v1::ListRankingsResponse* response) override;
  grpc::ServerUnaryReactor* RecordFigure(grpc::CallbackServerContext* context,
                                         const governance::v1::RecordFigureRequest* request,
                                         governance::v1::RecordFigureResponse* response) override;
  grpc::ServerUnaryReactor* ListFigures(grpc::CallbackServerContext* context,
                                        const governance::v1::ListFiguresRequest* request,
                                        governance::v1::ListFiguresResponse* response) override;

 private:
  IndicatorEngine* engine_;
  server::Handlers* handlers_;
};

}  // namespace gov::indicators

#endif  // GOV_COMMON_INDICATORS_SERVICE_H_
