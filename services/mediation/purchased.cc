#include "services/mediation/purchased.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "common/cases/calendar.h"
#include "common/cases/page_token.h"
#include "common/util/proto.h"
#include "common/util/status.h"
#include "common/util/validate.h"
#include "services/mediation/model.h"
#include "services/mediation/validation.h"

namespace gov::mediation {
namespace {

// The most a contract may run, and the largest amount it may name (10^12 fen: ten billion yuan).
constexpr int kMaxContractYears = 5;
constexpr int64_t kMaxAmountFen = 1'000'000'000'000;
constexpr size_t kMaxScope = 1000;

// Categories of a provider or contract: each a dispute category, none twice.
absl::Status ValidateCategories(const google::protobuf::RepeatedField<int>& categories,
                                const std::string& field) {
  absl::flat_hash_set<int> seen;
  for (int i = 0; i < categories.size(); ++i) {
    const int c = categories.Get(i);
    const std::string at = absl::StrCat(field, "[", i, "]");
    if (c == mv1::DISPUTE_CATEGORY_UNSPECIFIED || !mv1::DisputeCategory_IsValid(c)) {
      return InvalidField(at, "not a dispute category");
    }
    if (!seen.insert(c).second) return InvalidField(at, "given twice");
  }
  return absl::OkStatus();
}

absl::Status ValidateNewProvider(const mv1::ServiceProvider& provider) {
  if (provider.kind() == mv1::PROVIDER_KIND_UNSPECIFIED ||
      !mv1::ProviderKind_IsValid(provider.kind())) {
    return InvalidField("provider.kind", "required: a provider kind");
  }
  GOV_RETURN_IF_ERROR(ValidateText(provider.name(), "provider.name", kMaxName, true));
  GOV_RETURN_IF_ERROR(ValidateCategories(provider.specialities(), "provider.specialities"));
  return ValidateDay(provider.since(), "provider.since");
}

// What needs nothing but the request; the provider is looked up after.
absl::Status ValidateNewContract(const mv1::ServiceContract& contract) {
  GOV_RETURN_IF_ERROR(ValidateId(contract.provider_id(), "contract.provider_id"));
  GOV_RETURN_IF_ERROR(ValidateText(contract.title(), "contract.title", kMaxBodyName, true));
  GOV_RETURN_IF_ERROR(ValidateDay(contract.first_day(), "contract.first_day"));
  GOV_RETURN_IF_ERROR(ValidateDay(contract.last_day(), "contract.last_day"));
  const absl::CivilDay first = *cal::ParseDay(contract.first_day());
  const absl::CivilDay last = *cal::ParseDay(contract.last_day());
  if (last < first) return InvalidField("contract.last_day", "before first_day");
  const absl::CivilDay longest(first.year() + kMaxContractYears, first.month(), first.day());
  if (last > longest) {
    return InvalidField("contract.last_day",
                        absl::StrCat("at most ", kMaxContractYears, " years after first_day"));
  }
  GOV_RETURN_IF_ERROR(ValidateCategories(contract.categories(), "contract.categories"));
  GOV_RETURN_IF_ERROR(ValidateText(contract.scope(), "contract.scope", kMaxScope, false));
  return ValidateRange(contract.amount_fen(), 1, kMaxAmountFen, "contract.amount_fen");
}

}  // namespace

bool InForceOn(const mv1::ServiceContract& contract, absl::CivilDay day) {
  const std::optional<absl::CivilDay> first = cal::ParseDay(contract.first_day());
  const std::optional<absl::CivilDay> last = cal::ParseDay(contract.last_day());
  return first.has_value() && last.has_value() && *first <= day && day <= *last;
}

bool Covers(const mv1::ServiceContract& contract, const mv1::ServiceProvider& provider,
            mv1::DisputeCategory category) {
  const auto& named =
      contract.categories_size() > 0 ? contract.categories() : provider.specialities();
  return named.empty() || std::find(named.begin(), named.end(), category) != named.end();
}

PurchasedServices::PurchasedServices(const Registries* registries, const Clock* clock)
    : registries_(registries), clock_(clock) {}

absl::StatusOr<mv1::ServiceProvider> PurchasedServices::Provider(const std::string& id) const {
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord row, registries_->providers.Get(id));
  return DecodeItem<mv1::ServiceProvider>(registries_->providers, row);
}

absl::StatusOr<mv1::ServiceContract> PurchasedServices::Contract(const std::string& id) const {
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord row, registries_->contracts.Get(id));
  return DecodeItem<mv1::ServiceContract>(registries_->contracts, row);
}

// District administrators only: the declared access has decided already.
absl::Status PurchasedServices::CreateProvider(const auth::Principal& /*who*/,
                                               const mv1::CreateServiceProviderRequest& in,
                                               mv1::CreateServiceProviderResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id(), "request_id"));
  GOV_RETURN_IF_ERROR(ValidateNewProvider(in.provider()));
  store::EntityRecord row;
  row.key = EnumKey(in.provider().kind());
  row.payload = ItemPayload(in.provider());
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord created,
                       registries_->providers.Create(std::move(row), in.request_id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_provider(),
                       DecodeItem<mv1::ServiceProvider>(registries_->providers, created));
  return absl::OkStatus();
}

absl::Status PurchasedServices::ListProviders(const auth::Principal& /*who*/,
                                              const mv1::ListServiceProvidersRequest& in,
                                              mv1::ListServiceProvidersResponse* out) {
  if (!mv1::ProviderKind_IsValid(in.kind())) return InvalidField("kind", "not a provider kind");
  store::EntityFilter filter;
  if (in.kind() != mv1::PROVIDER_KIND_UNSPECIFIED) filter.key = EnumKey(in.kind());
  GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows,
                       registries_->providers.AllRows(std::move(filter)));
  std::vector<mv1::ServiceProvider> providers;
  for (const store::EntityRecord& row : rows) {
    GOV_ASSIGN_OR_RETURN(providers.emplace_back(),
                         DecodeItem<mv1::ServiceProvider>(registries_->providers, row));
  }
  GOV_ASSIGN_OR_RETURN(
      *out->mutable_next_page_token(),
      cases::PageOfDirectory(std::move(providers), absl::StrCat("providers:", EnumKey(in.kind())),
                             in.page_size(), in.page_token(), out->mutable_providers()));
  return absl::OkStatus();
}

absl::Status PurchasedServices::CreateContract(const auth::Principal& /*who*/,
                                               const mv1::CreateServiceContractRequest& in,
                                               mv1::CreateServiceContractResponse* out) {
  GOV_RETURN_IF_ERROR(ValidateRequestId(in.request_id(), "request_id"));
  const mv1::ServiceContract& contract = in.contract();
  GOV_RETURN_IF_ERROR(ValidateNewContract(contract));
  GOV_ASSIGN_OR_RETURN(const mv1::ServiceProvider provider,
                       Referenced(Provider(contract.provider_id()), "contract.provider_id",
                                  "provider", contract.provider_id()));
  // A contract buys what its provider is qualified for.
  if (provider.specialities_size() > 0) {
    for (int i = 0; i < contract.categories_size(); ++i) {
      if (std::find(provider.specialities().begin(), provider.specialities().end(),
                    contract.categories(i)) == provider.specialities().end()) {
        return InvalidField(absl::StrCat("contract.categories[", i, "]"),
                            absl::StrCat("not a speciality of provider ", provider.id()));
      }
    }
  }
  store::EntityRecord row;
  row.parent_id = contract.provider_id();
  row.key = contract.first_day();
  row.payload = ItemPayload(contract);
  GOV_ASSIGN_OR_RETURN(const store::EntityRecord created,
                       registries_->contracts.Create(std::move(row), in.request_id()));
  GOV_ASSIGN_OR_RETURN(*out->mutable_contract(),
                       DecodeItem<mv1::ServiceContract>(registries_->contracts, created));
  return absl::OkStatus();
}

absl::Status PurchasedServices::ListContracts(const auth::Principal& /*who*/,
                                              const mv1::ListServiceContractsRequest& in,
                                              mv1::ListServiceContractsResponse* out) {
  if (!in.provider_id().empty()) GOV_RETURN_IF_ERROR(ValidateId(in.provider_id(), "provider_id"));
  GOV_RETURN_IF_ERROR(ValidateDay(in.in_force_on(), "in_force_on", /*required=*/false));
  std::optional<absl::CivilDay> on;
  if (!in.in_force_on().empty()) on = cal::ParseDay(in.in_force_on());
  store::EntityFilter filter;
  filter.parent_id = in.provider_id();
  GOV_ASSIGN_OR_RETURN(const std::vector<store::EntityRecord> rows,
                       registries_->contracts.AllRows(std::move(filter)));
  std::vector<mv1::ServiceContract> contracts;
  for (const store::EntityRecord& row : rows) {
    GOV_ASSIGN_OR_RETURN(mv1::ServiceContract contract,
                         DecodeItem<mv1::ServiceContract>(registries_->contracts, row));
    if (on.has_value() && !InForceOn(contract, *on)) continue;
    contracts.push_back(std::move(contract));
  }
  GOV_ASSIGN_OR_RETURN(
      *out->mutable_next_page_token(),
      cases::PageOfDirectory(std::move(contracts),
                             absl::StrCat("contracts:", in.provider_id(), ":", in.in_force_on()),
                             in.page_size(), in.page_token(), out->mutable_contracts()));
  return absl::OkStatus();
}

cases::Mutation PurchasedServices::ReferUnder(std::string contract_id) const {
  return [this, contract_id = std::move(contract_id)](store::CaseRecord& record) -> absl::Status {
    GOV_ASSIGN_OR_RETURN(const mv1::ServiceContract contract,
                         Referenced(Contract(contract_id), "contract_id", "contract", contract_id));
    GOV_ASSIGN_OR_RETURN(const mv1::ServiceProvider provider, Provider(contract.provider_id()));
    const absl::Time now = clock_->Now();
    const absl::CivilDay today = cal::LocalDay(now);
    if (!InForceOn(contract, today)) {
      return absl::FailedPreconditionError(
          absl::StrCat("contract ", contract.id(), " is not in force today (", contract.first_day(),
                       " to ", contract.last_day(), ")"));
    }
    return DisputeKind().Edit([&](mv1::Dispute& dispute) -> absl::Status {
      if (!Covers(contract, provider, dispute.category())) {
        return absl::FailedPreconditionError(
            absl::StrCat("contract ", contract.id(), " does not cover ",
                         EnumKey(dispute.category()), " disputes"));
      }
      mv1::PurchasedServiceReferral* referral = dispute.mutable_purchased_service();
      referral->set_provider_id(provider.id());
      referral->set_contract_id(contract.id());
      *referral->mutable_refer_time() = ToTimestamp(now);
      return absl::OkStatus();
    })(record);
  };
}

}  // namespace gov::mediation
