#include "common/store/sealed_repository.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/util/status.h"

namespace gov::store {

std::string CasePayloadPlace(absl::string_view track) { return absl::StrCat("case/", track); }
std::string HistoryNotePlace(absl::string_view track) { return absl::StrCat("history/", track); }
std::string EntityPayloadPlace(absl::string_view track) { return absl::StrCat("entity/", track); }
std::string FigurePayloadPlace(absl::string_view track) { return absl::StrCat("figure/", track); }
std::string FigureNotePlace(absl::string_view track) { return absl::StrCat("figure-note/", track); }
std::string ReadPurposePlace(absl::string_view track) {
  return absl::StrCat("read-purpose/", track);
}

namespace {

class SealedRepository final : public Repository {
 public:
  SealedRepository(std::unique_ptr<Repository> inner, std::shared_ptr<const DataKeys> keys)
      : inner_(std::move(inner)), keys_(std::move(keys)) {}

  absl::StatusOr<CreateCaseResult> CreateCase(const CaseRecord& record, const HistoryRecord& first,
                                              const std::string& request_id,
                                              const std::string& request_hash,
                                              const std::string& id_prefix) override {
    GOV_ASSIGN_OR_RETURN(CreateCaseResult result,
                         inner_->CreateCase(SealCase(record), SealNote(record.track, first),
                                            request_id, request_hash, id_prefix));
    GOV_RETURN_IF_ERROR(OpenCase(result.record));
    return result;
  }

  absl::StatusOr<CaseRecord> GetCase(const std::string& track, const std::string& id) override {
    GOV_ASSIGN_OR_RETURN(CaseRecord c, inner_->GetCase(track, id));
    GOV_RETURN_IF_ERROR(OpenCase(c));
    return c;
  }

  absl::StatusOr<std::vector<HistoryRecord>> GetHistory(const std::string& track,
                                                        const std::string& id) override {
    GOV_ASSIGN_OR_RETURN(std::vector<HistoryRecord> history, inner_->GetHistory(track, id));
    const std::string place = HistoryNotePlace(track);
    for (HistoryRecord& h : history) {
      GOV_ASSIGN_OR_RETURN(h.note, OpenStoredText(keys_.get(), h.note, place));
    }
    return history;
  }

  absl::StatusOr<CaseRecord> UpdateCase(const CaseRecord& updated, int64_t expected_version,
                                        const HistoryRecord& event) override {
    GOV_ASSIGN_OR_RETURN(CaseRecord c, inner_->UpdateCase(SealCase(updated), expected_version,
                                                          SealNote(updated.track, event)));
    GOV_RETURN_IF_ERROR(OpenCase(c));
    return c;
  }

  absl::StatusOr<std::vector<CaseRecord>> ListCases(const CaseFilter& filter) override {
    GOV_ASSIGN_OR_RETURN(std::vector<CaseRecord> cases, inner_->ListCases(filter));
    for (CaseRecord& c : cases) GOV_RETURN_IF_ERROR(OpenCase(c));
    return cases;
  }

  absl::StatusOr<std::vector<CaseRecord>> ListOverdue(const std::string& track, absl::Time now,
                                                      int limit) override {
    GOV_ASSIGN_OR_RETURN(std::vector<CaseRecord> cases, inner_->ListOverdue(track, now, limit));
    for (CaseRecord& c : cases) GOV_RETURN_IF_ERROR(OpenCase(c));
    return cases;
  }

  absl::StatusOr<std::vector<ChangeRecord>> ListChanges(const std::string& track,
                                                        const std::string& after,
                                                        int limit) override {
    return inner_->ListChanges(track, after, limit);
  }
  absl::StatusOr<std::string> LastChange(const std::string& track) override {
    return inner_->LastChange(track);
  }
  absl::StatusOr<std::vector<CountRow>> SumCases(const CountQuery& query) override {
    return inner_->SumCases(query);
  }
  absl::StatusOr<std::vector<CountRow>> SumEvents(const CountQuery& query) override {
    return inner_->SumEvents(query);
  }
  absl::StatusOr<int64_t> CountCasesWithEvents(const EventCaseQuery& query) override {
    return inner_->CountCasesWithEvents(query);
  }

  absl::StatusOr<EntityRecord> CreateEntity(const EntityRecord& record,
                                            const std::string& request_id,
                                            const std::string& request_hash,
                                            const std::string& id_prefix) override {
    GOV_ASSIGN_OR_RETURN(EntityRecord e, inner_->CreateEntity(SealEntity(record), request_id,
                                                              request_hash, id_prefix));
    GOV_RETURN_IF_ERROR(OpenEntity(e));
    return e;
  }
  absl::StatusOr<EntityRecord> GetEntity(const std::string& track, const std::string& kind,
                                         const std::string& id) override {
    GOV_ASSIGN_OR_RETURN(EntityRecord e, inner_->GetEntity(track, kind, id));
    GOV_RETURN_IF_ERROR(OpenEntity(e));
    return e;
  }
  absl::StatusOr<EntityRecord> UpdateEntity(const EntityRecord& updated,
                                            int64_t expected_version) override {
    GOV_ASSIGN_OR_RETURN(EntityRecord e,
                         inner_->UpdateEntity(SealEntity(updated), expected_version));
    GOV_RETURN_IF_ERROR(OpenEntity(e));
    return e;
  }
  absl::StatusOr<std::vector<EntityRecord>> ListEntities(const EntityFilter& filter) override {
    GOV_ASSIGN_OR_RETURN(std::vector<EntityRecord> entities, inner_->ListEntities(filter));
    for (EntityRecord& e : entities) GOV_RETURN_IF_ERROR(OpenEntity(e));
    return entities;
  }
  absl::StatusOr<int64_t> CountEntities(const EntityFilter& filter) override {
    return inner_->CountEntities(filter);
  }

  absl::StatusOr<FigureRecord> RecordFigure(const FigureRecord& record,
                                            const std::string& request_id,
                                            const std::string& request_hash) override {
    GOV_ASSIGN_OR_RETURN(FigureRecord f,
                         inner_->RecordFigure(SealFigure(record), request_id, request_hash));
    GOV_RETURN_IF_ERROR(OpenFigure(f));
    return f;
  }
  absl::StatusOr<FigureRecord> LatestFigure(const std::string& track, const std::string& figure_id,
                                            const std::string& period_key,
                                            const std::string& street_id) override {
    GOV_ASSIGN_OR_RETURN(FigureRecord f,
                         inner_->LatestFigure(track, figure_id, period_key, street_id));
    GOV_RETURN_IF_ERROR(OpenFigure(f));
    return f;
  }
  absl::StatusOr<std::vector<FigureRecord>> ListFigures(const FigureFilter& filter) override {
    GOV_ASSIGN_OR_RETURN(std::vector<FigureRecord> figures, inner_->ListFigures(filter));
    for (FigureRecord& f : figures) GOV_RETURN_IF_ERROR(OpenFigure(f));
    return figures;
  }

  absl::StatusOr<CaseRecord> EraseCasePersonalData(const std::string& track, const std::string& id,
                                                   const std::string& payload,
                                                   int64_t expected_version,
                                                   const HistoryRecord& event) override {
    GOV_ASSIGN_OR_RETURN(CaseRecord c, inner_->EraseCasePersonalData(
                                           track, id, SealBytes(payload, CasePayloadPlace(track)),
                                           expected_version, SealNote(track, event)));
    GOV_RETURN_IF_ERROR(OpenCase(c));
    return c;
  }

  absl::Status AppendPersonalDataReads(const std::vector<PersonalDataRead>& reads) override {
    std::vector<PersonalDataRead> sealed = reads;
    for (PersonalDataRead& r : sealed) r.purpose = SealText(r.purpose, ReadPurposePlace(r.track));
    return inner_->AppendPersonalDataReads(sealed);
  }
  absl::StatusOr<std::vector<PersonalDataRead>> ListPersonalDataReads(
      const PersonalDataReadFilter& filter) override {
    GOV_ASSIGN_OR_RETURN(std::vector<PersonalDataRead> reads,
                         inner_->ListPersonalDataReads(filter));
    for (PersonalDataRead& r : reads) {
      GOV_ASSIGN_OR_RETURN(r.purpose,
                           OpenStoredText(keys_.get(), r.purpose, ReadPurposePlace(r.track)));
    }
    return reads;
  }

  bool Ready() const override { return inner_->Ready(); }

 private:
  std::string SealBytes(absl::string_view plain, const std::string& place) const {
    return keys_ == nullptr ? std::string(plain) : keys_->Seal(plain, place);
  }
  // An empty note stays empty: it says nothing, and a sealed one would only hide that.
  std::string SealText(absl::string_view plain, const std::string& place) const {
    return keys_ == nullptr || plain.empty() ? std::string(plain) : keys_->SealText(plain, place);
  }

  CaseRecord SealCase(const CaseRecord& record) const {
    CaseRecord out = record;
    out.payload = SealBytes(record.payload, CasePayloadPlace(record.track));
    return out;
  }
  HistoryRecord SealNote(const std::string& track, const HistoryRecord& h) const {
    HistoryRecord out = h;
    out.note = SealText(h.note, HistoryNotePlace(track));
    return out;
  }
  EntityRecord SealEntity(const EntityRecord& record) const {
    EntityRecord out = record;
    out.payload = SealBytes(record.payload, EntityPayloadPlace(record.track));
    return out;
  }
  FigureRecord SealFigure(const FigureRecord& record) const {
    FigureRecord out = record;
    out.payload = SealBytes(record.payload, FigurePayloadPlace(record.track));
    out.note = SealText(record.note, FigureNotePlace(record.track));
    return out;
  }

  absl::Status OpenCase(CaseRecord& c) const {
    GOV_ASSIGN_OR_RETURN(c.payload, OpenStored(keys_.get(), c.payload, CasePayloadPlace(c.track)));
    return absl::OkStatus();
  }
  absl::Status OpenEntity(EntityRecord& e) const {
    GOV_ASSIGN_OR_RETURN(e.payload,
                         OpenStored(keys_.get(), e.payload, EntityPayloadPlace(e.track)));
    return absl::OkStatus();
  }
  absl::Status OpenFigure(FigureRecord& f) const {
    GOV_ASSIGN_OR_RETURN(f.payload,
                         OpenStored(keys_.get(), f.payload, FigurePayloadPlace(f.track)));
    GOV_ASSIGN_OR_RETURN(f.note, OpenStoredText(keys_.get(), f.note, FigureNotePlace(f.track)));
    return absl::OkStatus();
  }

  std::unique_ptr<Repository> inner_;
  std::shared_ptr<const DataKeys> keys_;
};

}  // namespace

std::unique_ptr<Repository> SealPersonalData(std::unique_ptr<Repository> inner,
                                             std::shared_ptr<const DataKeys> keys) {
  return std::make_unique<SealedRepository>(std::move(inner), std::move(keys));
}

}  // namespace gov::store
