#include "common/privacy/service.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/cases/page_token.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "governance/v1/privacy.grpc.pb.h"

namespace gov::privacy {
namespace {

namespace gv1 = governance::v1;

constexpr size_t kMaxReasonLength = 500;

}  // namespace

PersonalDataPart::PersonalDataPart(std::string track, store::Repository* repo)
    : track_(std::move(track)), repo_(repo) {}

void PersonalDataPart::AddKind(cases::CaseEngine* engine,
                               cases::CaseEngine::PersonalDataEraser erase) {
  kinds_.push_back({engine, std::move(erase)});
}

absl::Status PersonalDataPart::ListReads(const auth::Principal& who,
                                         const gv1::ListPersonalDataReadsRequest& in,
                                         gv1::ListPersonalDataReadsResponse* out) const {
  (void)who;  // the access declaration admits auditors and district_admin, district-wide
  GOV_ASSIGN_OR_RETURN(const int size, cases::PageSize(in.page_size()));
  store::PersonalDataReadFilter filter;
  filter.track = track_;
  filter.principal = in.principal();
  filter.record = in.record();
  if (in.has_start_time()) {
    GOV_RETURN_IF_ERROR(ValidateTime(in.start_time(), "start_time"));
    filter.from = FromTimestamp(in.start_time());
  }
  if (in.has_end_time()) {
    GOV_RETURN_IF_ERROR(ValidateTime(in.end_time(), "end_time"));
    filter.to = FromTimestamp(in.end_time());
  }
  if (filter.from.has_value() && filter.to.has_value() && *filter.to <= *filter.from) {
    return InvalidField("end_time", "must be after start_time");
  }
  const std::string binding =
      cases::PageBinding({"personal_data_reads", track_, in.principal(), in.record(),
                          in.has_start_time() ? absl::StrCat(absl::ToUnixMicros(*filter.from)) : "",
                          in.has_end_time() ? absl::StrCat(absl::ToUnixMicros(*filter.to)) : ""});
  if (!in.page_token().empty()) {
    GOV_ASSIGN_OR_RETURN(const std::vector<std::string> cursor,
                         cases::DecodePageToken(in.page_token(), binding));
    if (cursor.size() != 1 || !absl::SimpleAtoi(cursor[0], &filter.before_seq) ||
        filter.before_seq <= 0) {
      return InvalidField("page_token", "not a token of this list");
    }
  }
  filter.limit = size + 1;
  GOV_ASSIGN_OR_RETURN(std::vector<store::PersonalDataRead> reads,
                       repo_->ListPersonalDataReads(filter));
  const bool more = static_cast<int>(reads.size()) > size;
  if (more) reads.resize(static_cast<size_t>(size));
  for (store::PersonalDataRead& r : reads) {
    gv1::PersonalDataRead* read = out->add_reads();
    *read->mutable_time() = ToTimestamp(r.time);
    read->set_principal(std::move(r.principal));
    for (std::string& role : r.roles) read->add_roles(std::move(role));
    read->set_method(std::move(r.method));
    for (std::string& record : r.records) read->add_records(std::move(record));
    read->set_purpose(std::move(r.purpose));
    read->set_trace_id(std::move(r.trace_id));
  }
  if (more) {
    out->set_next_page_token(cases::EncodePageToken(binding, {absl::StrCat(reads.back().seq)}));
  }
  return absl::OkStatus();
}

absl::Status PersonalDataPart::Erase(const auth::Principal& who,
                                     const gv1::ErasePersonalDataRequest& in,
                                     gv1::ErasePersonalDataResponse* out) const {
  GOV_RETURN_IF_ERROR(ValidateId(in.case_id(), "case_id"));
  GOV_RETURN_IF_ERROR(ValidateText(in.reason(), "reason", kMaxReasonLength, /*required=*/true));
  const Kind* kind = nullptr;
  std::vector<std::string> names;
  for (const Kind& k : kinds_) {
    names.push_back(k.engine->spec().case_kind);
    if (in.kind().empty() ? kind == nullptr : k.engine->spec().case_kind == in.kind()) kind = &k;
  }
  if (kind == nullptr) {
    return InvalidField("kind", kinds_.empty() ? std::string("the track keeps no cases")
                                               : absl::StrCat("not a kind of the track's cases (",
                                                              absl::StrJoin(names, ", "), ")"));
  }
  GOV_ASSIGN_OR_RETURN(
      cases::CaseEngine::Erasure erased,
      kind->engine->ErasePersonalData(who, in.case_id(), in.reason(), kind->erase));
  out->set_case_id(erased.erased.record.id);
  out->set_etag(erased.erased.etag());
  out->set_fields_cleared(erased.fields_cleared);
  out->set_notes_cleared(erased.notes_cleared);
  return absl::OkStatus();
}

std::unique_ptr<server::RpcService> MakePersonalDataService(const PersonalDataPart* part,
                                                            server::Handlers* handlers,
                                                            std::vector<std::string> roles) {
  auto service = std::make_unique<server::RpcService>(gv1::PersonalDataService::service_full_name(),
                                                      handlers, std::move(roles));
  service->Bind("ListPersonalDataReads", part, &PersonalDataPart::ListReads)
      .Bind("ErasePersonalData", part, &PersonalDataPart::Erase);
  return service;
}

}  // namespace gov::privacy
