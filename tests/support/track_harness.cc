#include "tests/support/track_harness.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/util/status.h"
#include "governance/v1/indicators.grpc.pb.h"
#include "gtest/gtest.h"

namespace gov::testing {

std::string Describe(const Outcome& o) {
  return absl::StrCat("code ", o.status.error_code(), ": ", o.status.error_message(), " [field ",
                      o.field, "]");
}

void ExpectRefused(const Outcome& o, grpc::StatusCode code, const std::string& field) {
  EXPECT_EQ(o.code(), code) << Describe(o);
  EXPECT_EQ(o.field, field) << Describe(o);
}

void ExpectInvalid(const Outcome& o, const std::string& field) {
  ExpectRefused(o, grpc::StatusCode::INVALID_ARGUMENT, field);
}

std::vector<std::string> ExpectPagesLikeEveryList(const PageCall& page, size_t expected) {
  std::vector<std::string> ids;
  std::string token;
  size_t pages = 0;
  do {
    std::vector<std::string> these;
    std::string next;
    const Outcome o = page(3, token, &these, &next);
    EXPECT_TRUE(o.status.ok()) << Describe(o);
    if (!o.status.ok()) return ids;
    EXPECT_LE(these.size(), 3u);
    ids.insert(ids.end(), these.begin(), these.end());
    token = next;
    if (++pages >= 1000) {
      ADD_FAILURE() << "the pages do not end";
      return ids;
    }
  } while (!token.empty());
  EXPECT_EQ(pages, (expected + 2) / 3) << "no empty last page";
  EXPECT_EQ(ids.size(), expected);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()).size(), ids.size()) << "each item once";
  EXPECT_TRUE(std::is_sorted(ids.begin(), ids.end()));

  if (expected <= 50) {
    std::vector<std::string> all;
    std::string next;
    EXPECT_TRUE(page(0, "", &all, &next).status.ok());
    EXPECT_EQ(all.size(), expected) << "page_size 0 is the default: everything on one page";
    EXPECT_TRUE(next.empty());
  }
  std::vector<std::string> first;
  std::string first_token;
  EXPECT_TRUE(page(3, "", &first, &first_token).status.ok());
  if (first_token.empty()) {
    ADD_FAILURE() << "a first page of 3 has no next token";
    return ids;
  }
  std::vector<std::string> ignored;
  std::string ignored_next;
  Outcome o = page(-1, "", &ignored, &ignored_next);
  EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(o);
  EXPECT_EQ(o.field, "page_size");
  std::string tampered = first_token;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  for (const std::string& bad :
       {tampered, std::string("bm90LWEtdG9rZW4"), first_token.substr(0, 10)}) {
    o = page(3, bad, &ignored, &ignored_next);
    EXPECT_EQ(o.code(), grpc::StatusCode::INVALID_ARGUMENT) << bad << ": " << Describe(o);
    EXPECT_EQ(o.field, "page_token") << bad;
  }
  return ids;
}

governance::v1::Period Month(int year, int month) {
  governance::v1::Period p;
  p.set_year(year);
  p.set_month(month);
  return p;
}

governance::v1::Period Year(int year) {
  governance::v1::Period p;
  p.set_year(year);
  return p;
}

governance::v1::RegionRef Region(const std::string& street, const std::string& community,
                                 const std::string& grid) {
  governance::v1::RegionRef r;
  r.set_street_id(street);
  r.set_community_id(community);
  r.set_grid_id(grid);
  return r;
}

void TrackHarness::AddStoreTrack(const std::string& store_track, std::string& out) const {
  constexpr int kBatch = 500;
  store::CaseFilter cases;
  cases.track = store_track;
  cases.limit = kBatch;
  while (true) {
    absl::StatusOr<std::vector<store::CaseRecord>> page = parts_.repo->ListCases(cases);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) return;
    for (const store::CaseRecord& c : *page) {
      absl::StatusOr<std::vector<store::HistoryRecord>> history =
          parts_.repo->GetHistory(store_track, c.id);
      EXPECT_TRUE(history.ok()) << history.status();
      absl::StrAppend(&out, "case ", store_track, "/", c.id, " v", c.version, " ", c.status,
                      " events ", history.ok() ? history->size() : 0, "\n");
    }
    if (page->size() < static_cast<size_t>(kBatch)) break;
    cases.after_create_time = page->back().create_time;
    cases.after_id = page->back().id;
  }
  store::EntityFilter rows;
  rows.track = store_track;
  rows.limit = kBatch;
  while (true) {
    absl::StatusOr<std::vector<store::EntityRecord>> page = parts_.repo->ListEntities(rows);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) return;
    for (const store::EntityRecord& row : *page) {
      absl::StrAppend(&out, "row ", store_track, "/", row.kind, "/", row.id, " v", row.version,
                      "\n");
    }
    if (page->size() < static_cast<size_t>(kBatch)) break;
    rows.after_id = page->back().id;
  }
  store::FigureFilter figures;
  figures.track = store_track;
  figures.limit = kBatch;
  while (true) {
    absl::StatusOr<std::vector<store::FigureRecord>> page = parts_.repo->ListFigures(figures);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) return;
    for (const store::FigureRecord& figure : *page) {
      absl::StrAppend(&out, "figure ", store_track, " seq ", figure.seq, "\n");
    }
    if (page->size() < static_cast<size_t>(kBatch)) break;
    figures.before_seq = page->back().seq;
  }
}

std::string TrackHarness::StoreSnapshot() const {
  std::string out;
  if (parts_.track == nullptr || parts_.repo == nullptr) {
    ADD_FAILURE() << "StoreSnapshot before Start()";
    return out;
  }
  for (const std::string& store_track : parts_.track->StoreTracks())
    AddStoreTrack(store_track, out);
  return out;
}

std::map<std::string, governance::v1::Indicator> TrackHarness::Indicators(
    const std::string& token, const governance::v1::Period& period,
    const governance::v1::RegionRef& region) const {
  governance::v1::ListIndicatorsRequest request;
  *request.mutable_period() = period;
  *request.mutable_region() = region;
  governance::v1::ListIndicatorsResponse response;
  const std::unique_ptr<governance::v1::IndicatorsService::Stub> stub =
      governance::v1::IndicatorsService::NewStub(channel_);
  const Outcome o = Rpc(
      token, [&](grpc::ClientContext* c) { return stub->ListIndicators(c, request, &response); });
  EXPECT_TRUE(o.status.ok()) << Describe(o);
  std::map<std::string, governance::v1::Indicator> out;
  for (const governance::v1::Indicator& i : response.indicators()) out[i.id()] = i;
  return out;
}

governance::v1::Indicator TrackHarness::Indicator(const std::string& token, const std::string& id,
                                                  const governance::v1::Period& period,
                                                  const governance::v1::RegionRef& region) const {
  const std::map<std::string, governance::v1::Indicator> all = Indicators(token, period, region);
  const auto it = all.find(id);
  if (it == all.end()) {
    ADD_FAILURE() << "no indicator " << id << " in " << track_name_;
    return {};
  }
  return it->second;
}

int64_t TrackHarness::IndicatorValue(const std::string& token, const std::string& id,
                                     const governance::v1::Period& period,
                                     const governance::v1::RegionRef& region) const {
  const governance::v1::Indicator indicator = Indicator(token, id, period, region);
  EXPECT_TRUE(indicator.has_data()) << id << " " << indicator.ShortDebugString();
  return indicator.has_data() ? indicator.actual() : -1;
}

Backend TrackTestBackend() {
  const char* store = std::getenv("GOV_TEST_STORE");
  return store != nullptr && std::string(store) == "postgres" ? Backend::kPostgres
                                                              : Backend::kSqlite;
}

TrackHarness::TrackHarness(std::string track, const Clock* clock, std::vector<TestToken> tokens)
    : track_name_(std::move(track)), clock_(clock), tokens_(std::move(tokens)) {
  config_.track = track_name_;
  config_.rules_file = SourcePath(absl::StrCat("data/", track_name_, ".json"));
  config_.targets_file = SourcePath("data/targets.json");
  config_.regions_file = SourcePath("data/regions.json");
  config_.holidays_file = SourcePath("data/holidays.json");
  config_.tokens_file = dir_.File("tokens.json");
}

TrackHarness::~TrackHarness() { Stop(); }

absl::Status TrackHarness::Start(const server::TrackFactory& factory) {
  GOV_RETURN_IF_ERROR(redis_.Start());
  WriteFile(config_.tokens_file, TokenFileJson(tokens_));

  parts_.metrics = std::make_shared<prometheus::Registry>();
  GOV_ASSIGN_OR_RETURN(parts_.repo, store_.Open(parts_.metrics.get()));
  cache::CacheOptions cache_options;
  cache_options.address = redis_.address();
  cache_options.prefix = absl::StrCat("gov:", track_name_, ":");
  GOV_RETURN_IF_ERROR(parts_.Build(config_, clock_, cache_options, factory));

  server::ServerOptions options;
  options.listen = "127.0.0.1:0";
  options.on_drain = [handlers = parts_.handlers.get()] { handlers->Drain(); };
  GOV_RETURN_IF_ERROR(server::AddTrackServices(*parts_.track, options));
  options.registry = parts_.metrics;
  GOV_ASSIGN_OR_RETURN(server_, server::Server::Start(std::move(options)));
  server_->SetServing(true);
  channel_ = grpc::CreateChannel(absl::StrCat("127.0.0.1:", server_->port()),
                                 grpc::InsecureChannelCredentials());
  return absl::OkStatus();
}

void TrackHarness::Stop() {
  // Drain first, then the queued work that uses the track, then what it was built on.
  if (server_ != nullptr) server_->Shutdown();
  parts_.Stop(server_);
}

std::string TrackHarness::address() const {
  return server_ == nullptr ? std::string() : absl::StrCat("127.0.0.1:", server_->port());
}

void TrackHarness::Prepare(grpc::ClientContext* context, const std::string& token) {
  context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  if (!token.empty()) context->AddMetadata("authorization", absl::StrCat("Bearer ", token));
}

void TrackHarness::Collect(const grpc::ClientContext& context, Outcome* out) {
  const auto& trailers = context.GetServerTrailingMetadata();
  auto it = trailers.find("gov-field");
  if (it != trailers.end()) out->field.assign(it->second.data(), it->second.size());
}

}  // namespace gov::testing
