#include "common/indicators/service.h"

#include <utility>

#include "governance/v1/indicators.grpc.pb.h"
#include "governance/v1/meetings.grpc.pb.h"

namespace gov::indicators {

std::unique_ptr<server::RpcService> MakeIndicatorsService(IndicatorEngine* engine,
                                                          RankingsPublisher* rankings,
                                                          server::Handlers* handlers,
                                                          std::vector<std::string> roles) {
  auto service = std::make_unique<server::RpcService>(
      governance::v1::IndicatorsService::service_full_name(), handlers, std::move(roles));
  service->Bind("ListIndicators", engine, &IndicatorEngine::List)
      .Bind("ListRankings", engine, &IndicatorEngine::Rankings)
      .Bind("RecordFigure", engine, &IndicatorEngine::RecordFigure)
      .Bind("ListFigures", engine, &IndicatorEngine::ListFigures)
      .Bind("PublishRankings", rankings, &RankingsPublisher::Publish)
      .Bind("GetPublishedRankings", rankings, &RankingsPublisher::Get)
      .Bind("ListPublishedRankings", rankings, &RankingsPublisher::List);
  return service;
}

std::unique_ptr<server::RpcService> MakeMeetingsService(const meetings::Meetings* meetings,
                                                        server::Handlers* handlers,
                                                        std::vector<std::string> roles) {
  auto service = std::make_unique<server::RpcService>(
      governance::v1::MeetingsService::service_full_name(), handlers, std::move(roles));
  service->Bind("CreateMeeting", meetings, &meetings::Meetings::Create)
      .Bind("GetMeeting", meetings, &meetings::Meetings::Get)
      .Bind("ListMeetings", meetings, &meetings::Meetings::List)
      .Bind("CompleteFollowUp", meetings, &meetings::Meetings::CompleteFollowUp);
  return service;
}

}  // namespace gov::indicators
