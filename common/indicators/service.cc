#include "common/indicators/service.h"

namespace gov::indicators {

grpc::ServerUnaryReactor* IndicatorsServiceImpl::ListIndicators(
    grpc::CallbackServerContext* context, const governance::v1::ListIndicatorsRequest* request,
    governance::v1::ListIndicatorsResponse* response) {
  return handlers_->Unary(context, "ListIndicators", server::Access::kRead,
                          [this, request, response](const server::Call& call) -> absl::Status {
                            auto result = engine_->List(call.principal, *request);
                            if (!result.ok()) return result.status();
                            *response = *std::move(result);
                            return absl::OkStatus();
                          });
}

grpc::ServerUnaryReactor* IndicatorsServiceImpl::ListRankings(
    grpc::CallbackServerContext* context, const governance::v1::ListRankingsRequest* request,
    governance::v1::ListRankingsResponse* response) {
  return handlers_->Unary(context, "ListRankings", server::Access::kRead,
                          [this, request, response](const server::Call& call) -> absl::Status {
                            auto result = engine_->Rankings(call.principal, *request);
                            if (!result.ok()) return result.status();
                            *response = *std::move(result);
                            return absl::OkStatus();
                          });
}

grpc::ServerUnaryReactor* IndicatorsServiceImpl::RecordFigure(
    grpc::CallbackServerContext* context, const governance::v1::RecordFigureRequest* request,
    governance::v1::RecordFigureResponse* response) {
  return handlers_->Unary(context, "RecordFigure", server::Access::kWrite,
                          [this, request, response](const server::Call& call) -> absl::Status {
                            auto result = engine_->RecordFigure(call.principal, *request);
                            if (!result.ok()) return result.status();
                            *response = *std::move(result);
                            return absl::OkStatus();
                          });
}

grpc::ServerUnaryReactor* IndicatorsServiceImpl::ListFigures(
    grpc::CallbackServerContext* context, const governance::v1::ListFiguresRequest* request,
    governance::v1::ListFiguresResponse* response) {
  return handlers_->Unary(context, "ListFigures", server::Access::kRead,
                          [this, request, response](const server::Call& call) -> absl::Status {
                            auto result = engine_->ListFigures(call.principal, *request);
                            if (!result.ok()) return result.status();
                            *response = *std::move(result);
                            return absl::OkStatus();
                          });
}

}  // namespace gov::indicators
