#ifndef GOV_COMMON_PRIVACY_SERVICE_H_
#define GOV_COMMON_PRIVACY_SERVICE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/auth/auth.h"
#include "common/cases/engine.h"
#include "common/server/rpc_service.h"
#include "common/store/repository.h"
#include "governance/v1/privacy.pb.h"

// governance.v1.PersonalDataService, served by every track (the track kit): the record of reads
// of personal data (common/privacy/read_audit.h writes it) for auditors, and the erasure of a
// case's personal data for district_admin, through the case's engine so that the cache, the
// change stream and the counts see it as every other write.
namespace gov::privacy {

class PersonalDataPart {
 public:
  PersonalDataPart(std::string track, store::Repository* repo);

  // A kind of case whose personal data can be erased: its name (TrackSpec::case_kind, as the
  // change stream names it), its engine, and what clears the personal fields of its payload.
  // The first added is the default kind.
  void AddKind(cases::CaseEngine* engine, cases::CaseEngine::PersonalDataEraser erase);

  absl::Status ListReads(const auth::Principal& who,
                         const governance::v1::ListPersonalDataReadsRequest& in,
                         governance::v1::ListPersonalDataReadsResponse* out) const;
  absl::Status Erase(const auth::Principal& who, const governance::v1::ErasePersonalDataRequest& in,
                     governance::v1::ErasePersonalDataResponse* out) const;

 private:
  struct Kind {
    cases::CaseEngine* engine;
    cases::CaseEngine::PersonalDataEraser erase;
  };
  const std::string track_;
  store::Repository* const repo_;
  std::vector<Kind> kinds_;
};

std::unique_ptr<server::RpcService> MakePersonalDataService(const PersonalDataPart* part,
                                                            server::Handlers* handlers,
                                                            std::vector<std::string> roles);

}  // namespace gov::privacy

#endif  // GOV_COMMON_PRIVACY_SERVICE_H_
