#include "tests/support/conformance.h"

#include <algorithm>
#include <atomic>
#include <map>
#include <set>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/synchronization/notification.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "common/cases/calendar.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/util/json_util.h"
#include "grpcpp/generic/generic_stub.h"

namespace gov::testing::conformance {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

std::vector<TestToken> SuiteTokens() {
  return {{kAdmin, "conf-admin", "district_admin", {}},
          {kOperator, "conf-op-gs01", "street_operator", {"GS01"}},
          {kOtherOperator, "conf-op-gs02", "street_operator", {"GS02"}},
          {kViewer, "conf-viewer", "viewer", {}},
          {kSystem, "conf-system", "system", {}}};
}

// The shared harnesses, one a track, stopped after the last test (before static destruction,
// while the test process's PostgreSQL still runs).
std::map<std::string, std::unique_ptr<TrackHarness>>& Harnesses() {
  static auto* harnesses = new std::map<std::string, std::unique_ptr<TrackHarness>>();
  return *harnesses;
}

class StopHarnesses : public ::testing::Environment {
 public:
  void TearDown() override { Harnesses().clear(); }
};
[[maybe_unused]] ::testing::Environment* const kStopHarnesses =
    ::testing::AddGlobalTestEnvironment(new StopHarnesses);

const FakeClock& SuiteClock() {
  static const auto* clock = new FakeClock(absl::Now());
  return *clock;
}

std::string StringField(const Message& m, const std::string& name) {
  const FieldDescriptor* f = m.GetDescriptor()->FindFieldByName(name);
  if (f == nullptr || f->cpp_type() != FieldDescriptor::CPPTYPE_STRING || f->is_repeated()) {
    return "";
  }
  return m.GetReflection()->GetString(m, f);
}

std::string Fill(const std::string& text, std::map<std::string, std::string> values) {
  static std::atomic<int> counter{0};
  const int n = ++counter;
  values.try_emplace("N", absl::StrCat(n));
  values.try_emplace("RID", absl::StrCat("conf-", absl::ToUnixMicros(absl::Now()), "-", n));
  values.try_emplace("STREET", "GS01");
  values.try_emplace("COMMUNITY", "GS01-C01");
  std::vector<std::pair<std::string, std::string>> replacements;
  for (const auto& [name, value] : values) replacements.emplace_back("$" + name, value);
  return absl::StrReplaceAll(text, replacements);
}

}  // namespace

void PrintTo(const Kind& kind, std::ostream* os) { *os << kind.track << " " << kind.name; }

std::string KindName(const ::testing::TestParamInfo<Kind>& info) {
  return absl::StrCat(info.param.track, "_", info.param.name);
}

TrackHarness& HarnessFor(const Kind& kind) {
  std::unique_ptr<TrackHarness>& harness = Harnesses()[kind.track];
  if (harness == nullptr) {
    harness = std::make_unique<TrackHarness>(kind.track, &SuiteClock(), SuiteTokens());
    const absl::Status started = harness->Start(kind.factory);
    EXPECT_TRUE(started.ok()) << kind.track << ": " << started;
  }
  return *harness;
}

// The id of the kind's prepared item ("" when it has none), made on first use.
std::string Prepared(const Kind& kind) {
  static auto* prepared = new std::map<std::string, std::string>();
  if (kind.prepare.empty()) return "";
  const std::string key = absl::StrCat(kind.track, "/", kind.name);
  auto it = prepared->find(key);
  if (it != prepared->end()) return it->second;
  Kind as_prepare = kind;
  as_prepare.item_field = kind.prepare_field;
  as_prepare.prepare = {};
  const Result made = Invoke(as_prepare, kind.prepare, kAdmin);
  EXPECT_TRUE(made.ok()) << kind.prepare.method << ": " << Describe(made.outcome);
  EXPECT_FALSE(made.id.empty()) << kind.prepare.method << ": no item in " << kind.prepare_field;
  return (*prepared)[key] = made.id;
}

// The values a create's request id brings: the n-th fresh one gets per_create(n) and a fresh
// prepare_each item; its retries get the same.
std::map<std::string, std::string> PerCreate(const Kind& kind, const std::string& rid) {
  static auto* seen = new std::map<std::string, std::map<std::string, std::string>>();
  static auto* counts = new std::map<std::string, int>();
  const std::string key = absl::StrCat(kind.track, "/", kind.name);
  auto it = seen->find(absl::StrCat(key, "/", rid));
  if (it != seen->end()) return it->second;
  std::map<std::string, std::string> values;
  const int n = (*counts)[key]++;
  if (kind.per_create) values = kind.per_create(n);
  if (!kind.prepare_each.empty()) {
    Kind as_prepare = kind;
    as_prepare.item_field = kind.prepare_each_field;
    as_prepare.prepare_each = {};
    as_prepare.per_create = nullptr;
    const Result made = Invoke(as_prepare, kind.prepare_each, kAdmin);
    EXPECT_TRUE(made.ok()) << kind.prepare_each.method << ": " << Describe(made.outcome);
    values["EACH"] = made.id;
  }
  return (*seen)[absl::StrCat(key, "/", rid)] = values;
}

Result Invoke(const Kind& kind, const Call& call, const std::string& token,
              std::map<std::string, std::string> values) {
  if (!kind.prepare.empty()) values.try_emplace("PREP", Prepared(kind));
  const absl::CivilDay today = absl::ToCivilDay(SuiteClock().Now(), cal::DistrictZone());
  values.try_emplace("MONTH", absl::FormatCivilTime(absl::CivilMonth(today)));
  values.try_emplace("TODAY", absl::FormatCivilTime(today));
  // An hour before the suite's clock (a meeting held, an activity that took place).
  values.try_emplace("NOW", absl::FormatTime(absl::RFC3339_sec, SuiteClock().Now() - absl::Hours(1),
                                             absl::UTCTimeZone()));
  if (&call == &kind.create || &call == &kind.create_other) {
    static std::atomic<int> fresh{0};
    values.try_emplace("RID", absl::StrCat("conf-", absl::ToUnixMicros(absl::Now()), "-", ++fresh));
    for (auto& [name, value] : PerCreate(kind, values["RID"])) values.try_emplace(name, value);
  }
  Result result;
  const std::string& service_name = call.service.empty() ? kind.service : call.service;
  const google::protobuf::ServiceDescriptor* service =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(service_name);
  const google::protobuf::MethodDescriptor* method =
      service == nullptr ? nullptr : service->FindMethodByName(call.method);
  if (method == nullptr) {
    ADD_FAILURE() << service_name << "/" << call.method << " is not in the schema";
    result.outcome.status = grpc::Status(grpc::StatusCode::UNIMPLEMENTED, "not in the schema");
    return result;
  }
  google::protobuf::MessageFactory* factory = google::protobuf::MessageFactory::generated_factory();
  std::unique_ptr<Message> request(factory->GetPrototype(method->input_type())->New());
  const std::string wanted_id = values.contains("ID") ? values["ID"] : "";
  const std::string json = Fill(call.request, std::move(values));
  const auto parsed = google::protobuf::util::JsonStringToMessage(json, request.get());
  if (!parsed.ok()) {
    ADD_FAILURE() << call.method << ": the request template is not its JSON: " << parsed << "\n"
                  << json;
    result.outcome.status = grpc::Status(grpc::StatusCode::INTERNAL, "bad template");
    return result;
  }
  std::string bytes;
  request->SerializeToString(&bytes);
  TrackHarness& harness = HarnessFor(kind);
  grpc::GenericStub stub(harness.channel());
  grpc::ByteBuffer reply;
  result.outcome = harness.Rpc(token, [&](grpc::ClientContext* context) {
    grpc::Slice slice(bytes);
    grpc::ByteBuffer body(&slice, 1);
    grpc::Status status;
    absl::Notification done;
    stub.UnaryCall(context, absl::StrCat("/", service_name, "/", call.method), grpc::StubOptions(),
                   &body, &reply, [&](grpc::Status s) {
                     status = std::move(s);
                     done.Notify();
                   });
    done.WaitForNotification();
    return status;
  });
  result.response.reset(factory->GetPrototype(method->output_type())->New());
  if (result.ok()) {
    std::vector<grpc::Slice> slices;
    EXPECT_TRUE(reply.Dump(&slices).ok());
    std::string out;
    for (const grpc::Slice& s : slices)
      out.append(reinterpret_cast<const char*>(s.begin()), s.size());
    EXPECT_TRUE(result.response->ParseFromString(out)) << call.method << ": unreadable response";
    const FieldDescriptor* item =
        result.response->GetDescriptor()->FindFieldByName(kind.item_field);
    const FieldDescriptor* items =
        result.response->GetDescriptor()->FindFieldByName(kind.list_field);
    const auto* refl = result.response->GetReflection();
    if (item != nullptr && item->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
        !item->is_repeated()) {
      const Message& m = refl->GetMessage(*result.response, item);
      result.id = StringField(m, "id");
      result.etag = StringField(m, "etag");
    } else if (items != nullptr && items->is_repeated() && !wanted_id.empty()) {
      // A kind read through its list (no Get RPC): the listed item with the id asked for.
      for (int i = 0; i < refl->FieldSize(*result.response, items); ++i) {
        const Message& m = refl->GetRepeatedMessage(*result.response, items, i);
        if (StringField(m, "id") != wanted_id) continue;
        result.id = wanted_id;
        result.etag = StringField(m, "etag");
      }
    }
  }
  return result;
}

std::vector<std::string> ListAll(const Kind& kind, const std::string& token, int page_size,
                                 const std::function<void()>& between_pages) {
  std::vector<std::string> ids;
  std::string page_token;
  for (int page = 0; page < 1000; ++page) {
    const Result r =
        Invoke(kind, kind.list, token, {{"SIZE", absl::StrCat(page_size)}, {"TOKEN", page_token}});
    EXPECT_TRUE(r.ok()) << kind.list.method << ": " << Describe(r.outcome);
    if (!r.ok()) break;
    const Message& response = *r.response;
    const FieldDescriptor* items = response.GetDescriptor()->FindFieldByName(kind.list_field);
    if (items == nullptr || !items->is_repeated()) {
      ADD_FAILURE() << kind.list.method << " has no repeated field " << kind.list_field;
      break;
    }
    const int n = response.GetReflection()->FieldSize(response, items);
    EXPECT_LE(n, page_size) << "a page holds at most page_size items";
    for (int i = 0; i < n; ++i) {
      ids.push_back(
          StringField(response.GetReflection()->GetRepeatedMessage(response, items, i), "id"));
    }
    page_token = StringField(response, "next_page_token");
    if (page_token.empty()) break;
    if (between_pages) between_pages();
  }
  return ids;
}

Result ConformanceTest::CreateOne(const std::string& rid) {
  std::map<std::string, std::string> values;
  if (!rid.empty()) values["RID"] = rid;
  Result r = Invoke(kind(), kind().create, kind().creator == "system" ? kSystem : kAdmin, values);
  EXPECT_TRUE(r.ok()) << kind().create.method << ": " << Describe(r.outcome);
  EXPECT_FALSE(r.id.empty()) << kind().create.method << " answered no item in "
                             << kind().item_field;
  return r;
}

namespace {

std::string CreatorToken(const Kind& kind) { return kind.creator == "system" ? kSystem : kAdmin; }

TEST_P(ConformanceTest, ARetriedCreateIsTheSameItemAnotherBodyUnderItsIdIsRefused) {
  const std::string rid =
      absl::StrCat("conf-idem-", kind().name, "-", absl::ToUnixMicros(absl::Now()));
  const Result first = CreateOne(rid);
  const Result again = Invoke(kind(), kind().create, CreatorToken(kind()), {{"RID", rid}});
  ASSERT_TRUE(again.ok()) << Describe(again.outcome);
  EXPECT_EQ(again.id, first.id) << "a retry made a second item";
  const Result other = Invoke(kind(), kind().create_other, CreatorToken(kind()), {{"RID", rid}});
  EXPECT_EQ(other.outcome.code(), grpc::StatusCode::ALREADY_EXISTS) << Describe(other.outcome);
  const std::vector<std::string> ids = ListAll(kind(), kAdmin, 100);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), first.id), 1);
}

TEST_P(ConformanceTest, AStaleEtagIsAborted) {
  if (kind().move.empty()) GTEST_SKIP() << kind().name << " has no move";
  const Result created = CreateOne();
  const Result moved =
      Invoke(kind(), kind().move, kAdmin, {{"ID", created.id}, {"ETAG", created.etag}});
  ASSERT_TRUE(moved.ok()) << kind().move.method << ": " << Describe(moved.outcome);
  // The creation's etag is stale now, whatever the state allows.
  const Result stale =
      Invoke(kind(), kind().move, kAdmin, {{"ID", created.id}, {"ETAG", created.etag}});
  EXPECT_EQ(stale.outcome.code(), grpc::StatusCode::ABORTED) << Describe(stale.outcome);
}

TEST_P(ConformanceTest, AMoveTheStateDoesNotAllowIsRefused) {
  if (kind().illegal.empty()) GTEST_SKIP() << kind().name << " has no refused move";
  const Result created = CreateOne();
  const Result refused =
      Invoke(kind(), kind().illegal, kAdmin, {{"ID", created.id}, {"ETAG", created.etag}});
  EXPECT_EQ(refused.outcome.code(), grpc::StatusCode::FAILED_PRECONDITION)
      << Describe(refused.outcome);
  const Result read = Invoke(kind(), kind().get, kAdmin, {{"ID", created.id}});
  ASSERT_TRUE(read.ok()) << Describe(read.outcome);
  EXPECT_EQ(read.etag, created.etag) << "a refused move changed the item";
}

TEST_P(ConformanceTest, PagesHaveNoDuplicatesOrGapsWhileItemsAreInserted) {
  for (int i = 0; i < 5; ++i) CreateOne();
  const std::vector<std::string> before = ListAll(kind(), kAdmin, 100);
  ASSERT_GE(before.size(), 5u);
  // Pages of 2, with an item created between every two pages on another thread.
  std::vector<std::thread> inserts;
  const std::vector<std::string> paged =
      ListAll(kind(), kAdmin, 2, [&] { inserts.emplace_back([this] { CreateOne(); }); });
  for (std::thread& t : inserts) t.join();
  const std::set<std::string> seen(paged.begin(), paged.end());
  EXPECT_EQ(seen.size(), paged.size()) << "an item came twice";
  for (const std::string& id : before) EXPECT_TRUE(seen.contains(id)) << id << " was skipped";
}

TEST_P(ConformanceTest, ABadPageSizeOrPageTokenIsRefusedNamingIt) {
  for (int i = 0; i < 3; ++i) CreateOne();
  const Result first = Invoke(kind(), kind().list, kAdmin, {{"SIZE", "2"}, {"TOKEN", ""}});
  ASSERT_TRUE(first.ok()) << Describe(first.outcome);
  const std::string token = StringField(*first.response, "next_page_token");
  ASSERT_FALSE(token.empty()) << "a page of 2 of at least 3 items has no next token";
  const Result negative = Invoke(kind(), kind().list, kAdmin, {{"SIZE", "-1"}, {"TOKEN", ""}});
  ExpectInvalid(negative.outcome, "page_size");
  std::string tampered = token;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  for (const std::string& bad : {tampered, token.substr(0, 10), std::string("bm90LWEtdG9rZW4")}) {
    const Result refused = Invoke(kind(), kind().list, kAdmin, {{"SIZE", "2"}, {"TOKEN", bad}});
    ExpectInvalid(refused.outcome, "page_token");
  }
}

TEST_P(ConformanceTest, AnotherStreetNeitherReadsNorListsIt) {
  const Result created = CreateOne();
  const Result own = Invoke(kind(), kind().get, kOperator, {{"ID", created.id}});
  EXPECT_TRUE(own.ok()) << "the street's own operator: " << Describe(own.outcome);
  EXPECT_EQ(own.id, created.id) << "the street's own operator does not get it";
  if (kind().district_readable) {
    // Read by every caller by design; moved only by those whose streets it concerns.
    const Result other = Invoke(kind(), kind().get, kOtherOperator, {{"ID", created.id}});
    EXPECT_EQ(other.id, created.id) << Describe(other.outcome);
    if (!kind().move.empty()) {
      const Result moved =
          Invoke(kind(), kind().move, kOtherOperator, {{"ID", created.id}, {"ETAG", created.etag}});
      EXPECT_EQ(moved.outcome.code(), grpc::StatusCode::PERMISSION_DENIED)
          << Describe(moved.outcome);
    }
    return;
  }
  const Result other = Invoke(kind(), kind().get, kOtherOperator, {{"ID", created.id}});
  if (kind().get.method == kind().list.method && other.ok()) {
    // Read through its list: another street's list answers without it.
    EXPECT_TRUE(other.id.empty()) << "another street's operator reads it";
  } else {
    EXPECT_TRUE(other.outcome.code() == grpc::StatusCode::PERMISSION_DENIED ||
                other.outcome.code() == grpc::StatusCode::NOT_FOUND)
        << Describe(other.outcome);
  }
  const std::vector<std::string> listed = ListAll(kind(), kOtherOperator, 100);
  EXPECT_EQ(std::count(listed.begin(), listed.end(), created.id), 0);
}

TEST_P(ConformanceTest, AViewerWritesNothingAndNoTokenIsUnauthenticated) {
  const std::vector<std::string> before = ListAll(kind(), kAdmin, 100);
  const Result viewer = Invoke(kind(), kind().create, kViewer);
  EXPECT_EQ(viewer.outcome.code(), grpc::StatusCode::PERMISSION_DENIED) << Describe(viewer.outcome);
  EXPECT_EQ(ListAll(kind(), kAdmin, 100).size(), before.size()) << "a refused create wrote";
  for (const Call* call : {&kind().create, &kind().get, &kind().list}) {
    const Result none =
        Invoke(kind(), *call, "",
               {{"ID", before.empty() ? "X-1" : before.front()}, {"SIZE", "5"}, {"TOKEN", ""}});
    EXPECT_EQ(none.outcome.code(), grpc::StatusCode::UNAUTHENTICATED) << call->method;
  }
}

// Last: Redis is stopped and started again around it.
TEST_P(ConformanceTest, WithRedisStoppedCallsAnswerFromTheStore) {
  const Result created = CreateOne();
  TrackHarness& harness = HarnessFor(kind());
  harness.redis().Stop();
  const Result read = Invoke(kind(), kind().get, kAdmin, {{"ID", created.id}});
  EXPECT_TRUE(read.ok()) << Describe(read.outcome);
  EXPECT_EQ(read.id, created.id);
  const Result another = Invoke(kind(), kind().create, CreatorToken(kind()));
  EXPECT_TRUE(another.ok()) << Describe(another.outcome);
  const std::vector<std::string> ids = ListAll(kind(), kAdmin, 100);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), another.id), 1);
  ASSERT_TRUE(harness.redis().Restart().ok());
}

}  // namespace
}  // namespace gov::testing::conformance
