// The digital rules file (services/digital/rules): the shipped data/digital.json loads and routes
// every City Eye event type, a route builds the owning track's create request from an event,
// and a broken dispatch table is refused naming the offending entry.

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "common/regions/regions.h"
#include "common/util/status.h"
#include "gmock/gmock.h"
#include "governance/disorder/v1/disorder.pb.h"
#include "governance/hazard/v1/hazard.pb.h"
#include "gtest/gtest.h"
#include "services/digital/rules.h"
#include "tests/support/test_support.h"

namespace gov::digital {
namespace {

namespace dv1 = ::governance::digital::v1;
namespace disv1 = ::governance::disorder::v1;
namespace hv1 = ::governance::hazard::v1;
using gov::testing::SourcePath;
using ::testing::HasSubstr;

class DigitalRulesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto regions = regions::RegionRegistry::LoadFile(SourcePath("data/regions.json"));
    ASSERT_TRUE(regions.ok()) << regions.status();
    regions_ = std::move(*regions);
    auto rules = Rules::LoadFile(SourcePath("data/digital.json"), *regions_);
    ASSERT_TRUE(rules.ok()) << rules.status();
    rules_ = std::move(*rules);
    shipped_ = rules_->data();
  }

  // The shipped rules changed by `edit`, loaded.
  absl::Status LoadEdited(const std::function<void(cv1::DigitalRules&)>& edit) {
    cv1::DigitalRules data = shipped_;
    edit(data);
    return Rules::FromProto(std::move(data), *regions_).status();
  }

  // An event of `type` as ReportEvent keeps it: id, region, address, description.
  static dv1::Event MakeEvent(dv1::EventType type) {
    dv1::Event e;
    e.set_id("EV-000007");
    e.set_type(type);
    e.set_source(dv1::EVENT_SOURCE_CAMERA);
    e.set_camera_id("CAM-000003");
    e.mutable_region()->set_street_id("GS01");
    e.mutable_region()->set_community_id("GS01-C01");
    e.set_address("运河路12号");
    e.set_description("流动摊贩占道经营");
    return e;
  }

  std::unique_ptr<regions::RegionRegistry> regions_;
  std::unique_ptr<Rules> rules_;
  cv1::DigitalRules shipped_;
};

TEST_F(DigitalRulesTest, ShippedFileRoutesEveryEventType) {
  EXPECT_EQ(rules_->version(), "2026.1");
  EXPECT_EQ(shipped_.routes_size(), 8);
  const google::protobuf::EnumDescriptor* d = dv1::EventType_descriptor();
  for (int i = 0; i < d->value_count(); ++i) {
    const auto type = static_cast<dv1::EventType>(d->value(i)->number());
    if (type == dv1::EVENT_TYPE_UNSPECIFIED) continue;
    const cv1::DispatchRoute& route = rules_->Route(type);
    EXPECT_EQ(route.event_type(), type) << d->value(i)->name();
    EXPECT_EQ(rules_->DisposalTime(type), absl::Hours(route.disposal_hours()))
        << d->value(i)->name();
  }
}

TEST_F(DigitalRulesTest, RoutesAgreeWithTheFile) {
  const struct {
    dv1::EventType type;
    const char* track;
    int hours;
  } expected[] = {
      {dv1::EVENT_TYPE_MOBILE_STALL, "disorder", 24},
      {dv1::EVENT_TYPE_OUT_OF_SHOP, "disorder", 24},
      {dv1::EVENT_TYPE_EXPOSED_RUBBISH, "disorder", 24},
      {dv1::EVENT_TYPE_NON_MOTOR_PARKING, "disorder", 24},
      {dv1::EVENT_TYPE_MUCK_TRUCK, "disorder", 48},
      {dv1::EVENT_TYPE_FIRE_LANE_BLOCKED, "hazard", 24},
      {dv1::EVENT_TYPE_SMOKE_FIRE, "hazard", 12},
      {dv1::EVENT_TYPE_EBIKE_INDOORS, "hazard", 48},
  };
  for (const auto& e : expected) {
    const std::string name = dv1::EventType_Name(e.type);
    EXPECT_EQ(rules_->Route(e.type).track(), e.track) << name;
    EXPECT_EQ(rules_->DisposalTime(e.type), absl::Hours(e.hours)) << name;
    if (std::string(e.track) == "disorder") {
      EXPECT_EQ(rules_->Route(e.type).method(),
                "governance.disorder.v1.DisorderService.SubmitComplaint")
          << name;
      for (const char* s : {"RESOLVED", "CLOSED", "MERGED"}) {
        EXPECT_TRUE(rules_->Disposes(e.type, s)) << name << " " << s;
      }
      for (const char* s : {"DISPATCHED", "HANDLING", "REPEAT", "VERIFIED", "", "closed"}) {
        EXPECT_FALSE(rules_->Disposes(e.type, s)) << name << " " << s;
      }
    } else {
      EXPECT_EQ(rules_->Route(e.type).method(), "governance.hazard.v1.HazardService.ReportHazard")
          << name;
      for (const char* s : {"VERIFIED", "CLOSED"}) {
        EXPECT_TRUE(rules_->Disposes(e.type, s)) << name << " " << s;
      }
      for (const char* s : {"OPEN", "RECTIFIED", "RESOLVED", ""}) {
        EXPECT_FALSE(rules_->Disposes(e.type, s)) << name << " " << s;
      }
    }
  }
}

TEST_F(DigitalRulesTest, BuildsTheComplaintOfAMobileStall) {
  const dv1::Event event = MakeEvent(dv1::EVENT_TYPE_MOBILE_STALL);
  std::unique_ptr<google::protobuf::Message> response;
  auto built = rules_->BuildRequest(event, &response);
  ASSERT_TRUE(built.ok()) << built.status();
  ASSERT_NE(*built, nullptr);
  ASSERT_EQ((*built)->GetDescriptor(), disv1::SubmitComplaintRequest::descriptor());
  disv1::SubmitComplaintRequest req;
  ASSERT_TRUE(req.ParseFromString((*built)->SerializeAsString()));
  EXPECT_EQ(req.request_id(), "EV-000007");
  EXPECT_EQ(req.complaint().category(), disv1::COMPLAINT_CATEGORY_MOBILE_STALL);
  EXPECT_EQ(req.complaint().channel(), disv1::CHANNEL_CITY_EYE);
  EXPECT_EQ(req.complaint().region().SerializeAsString(), event.region().SerializeAsString());
  EXPECT_EQ(req.complaint().region().street_id(), "GS01");
  EXPECT_EQ(req.complaint().region().community_id(), "GS01-C01");
  EXPECT_EQ(req.complaint().address(), "运河路12号");
  EXPECT_THAT(req.complaint().description(), HasSubstr("流动摊贩占道经营"));
  EXPECT_THAT(req.complaint().description(), HasSubstr("EV-000007"));
  EXPECT_THAT(req.complaint().description(), HasSubstr("CAM-000003"));
  // Nothing else of the complaint is set.
  EXPECT_TRUE(req.complaint().id().empty());
  EXPECT_FALSE(req.complaint().has_reporter());

  ASSERT_NE(response, nullptr);
  EXPECT_EQ(response->GetDescriptor(), disv1::SubmitComplaintResponse::descriptor());
  EXPECT_NE(dynamic_cast<disv1::SubmitComplaintResponse*>(response.get()), nullptr);
  EXPECT_EQ(response->ByteSizeLong(), 0u);
}

TEST_F(DigitalRulesTest, BuildsTheHazardOfABlockedFireLane) {
  dv1::Event event = MakeEvent(dv1::EVENT_TYPE_FIRE_LANE_BLOCKED);
  event.set_source(dv1::EVENT_SOURCE_GRID_PATROL);
  event.clear_camera_id();
  event.set_description("消防通道被杂物堵塞");
  std::unique_ptr<google::protobuf::Message> response;
  auto built = rules_->BuildRequest(event, &response);
  ASSERT_TRUE(built.ok()) << built.status();
  auto* req = dynamic_cast<hv1::ReportHazardRequest*>(built->get());
  ASSERT_NE(req, nullptr) << (*built)->GetDescriptor()->full_name();
  EXPECT_EQ(req->request_id(), "EV-000007");
  EXPECT_EQ(req->hazard().type(), hv1::HAZARD_TYPE_FIRE_LANE);
  EXPECT_EQ(req->hazard().source(), hv1::HAZARD_SOURCE_CITY_EYE);
  EXPECT_EQ(req->hazard().severity(), hv1::SEVERITY_GENERAL);
  EXPECT_EQ(req->hazard().region().street_id(), "GS01");
  EXPECT_EQ(req->hazard().region().community_id(), "GS01-C01");
  // No address field: the address goes with the description.
  EXPECT_THAT(req->hazard().description(), HasSubstr("消防通道被杂物堵塞"));
  EXPECT_THAT(req->hazard().description(), HasSubstr("运河路12号"));
  EXPECT_THAT(req->hazard().description(), HasSubstr("EV-000007"));
  ASSERT_NE(response, nullptr);
  EXPECT_NE(dynamic_cast<hv1::ReportHazardResponse*>(response.get()), nullptr)
      << response->GetDescriptor()->full_name();
}

TEST_F(DigitalRulesTest, SmokeFireIsAMajorFire) {
  std::unique_ptr<google::protobuf::Message> response;
  auto built = rules_->BuildRequest(MakeEvent(dv1::EVENT_TYPE_SMOKE_FIRE), &response);
  ASSERT_TRUE(built.ok()) << built.status();
  auto* req = dynamic_cast<hv1::ReportHazardRequest*>(built->get());
  ASSERT_NE(req, nullptr);
  EXPECT_EQ(req->hazard().type(), hv1::HAZARD_TYPE_FIRE);
  EXPECT_EQ(req->hazard().severity(), hv1::SEVERITY_MAJOR);
}

TEST_F(DigitalRulesTest, BrokenRulesNameTheEntry) {
  using Routes = cv1::DigitalRules;
  struct Case {
    const char* what;
    std::function<void(Routes&)> edit;
    std::string field;
  };
  const Case cases[] = {
      {"no version", [](Routes& d) { d.clear_version(); }, "version"},
      {"event type unspecified",
       [](Routes& d) { d.mutable_routes(2)->set_event_type(dv1::EVENT_TYPE_UNSPECIFIED); },
       "routes[2].event_type"},
      {"an event type twice",
       [](Routes& d) { d.mutable_routes(3)->set_event_type(dv1::EVENT_TYPE_MOBILE_STALL); },
       "routes[3].event_type"},
      {"a route missing", [](Routes& d) { d.mutable_routes()->RemoveLast(); }, "routes"},
      {"no routes", [](Routes& d) { d.clear_routes(); }, "routes"},
      {"track unknown", [](Routes& d) { d.mutable_routes(0)->set_track("nosuch"); },
       "routes[0].track"},
      {"track empty", [](Routes& d) { d.mutable_routes(0)->clear_track(); }, "routes[0].track"},
      {"track digital itself", [](Routes& d) { d.mutable_routes(0)->set_track("digital"); },
       "routes[0].track"},
      {"method not in the schema",
       [](Routes& d) {
         d.mutable_routes(0)->set_method("governance.disorder.v1.DisorderService.Nosuch");
       },
       "routes[0].method"},
      {"method of another track",
       [](Routes& d) {
         d.mutable_routes(5)->set_method("governance.disorder.v1.DisorderService.SubmitComplaint");
       },
       "routes[5].method"},
      {"method's request without request_id",
       [](Routes& d) {
         d.mutable_routes(0)->set_method("governance.disorder.v1.DisorderService.GetComplaint");
       },
       "routes[0].method"},
      {"constant on an unknown path",
       [](Routes& d) { (*d.mutable_routes(0)->mutable_constants())["complaint.nosuch"] = "x"; },
       "routes[0].constants[\"complaint.nosuch\"]"},
      {"constant on a message",
       [](Routes& d) { (*d.mutable_routes(0)->mutable_constants())["complaint.region"] = "GS01"; },
       "routes[0].constants[\"complaint.region\"]"},
      {"constant's enum name unknown",
       [](Routes& d) {
         (*d.mutable_routes(0)->mutable_constants())["complaint.category"] =
             "COMPLAINT_CATEGORY_NOPE";
       },
       "routes[0].constants[\"complaint.category\"]"},
      {"constant of another enum",
       [](Routes& d) {
         (*d.mutable_routes(5)->mutable_constants())["hazard.source"] = "CHANNEL_CITY_EYE";
       },
       "routes[5].constants[\"hazard.source\"]"},
      {"constant on request_id",
       [](Routes& d) { (*d.mutable_routes(0)->mutable_constants())["request_id"] = "R1"; },
       "routes[0].constants[\"request_id\"]"},
      {"region_field not a RegionRef",
       [](Routes& d) { d.mutable_routes(0)->set_region_field("complaint.location"); },
       "routes[0].region_field"},
      {"region_field a string",
       [](Routes& d) { d.mutable_routes(0)->set_region_field("complaint.address"); },
       "routes[0].region_field"},
      {"region_field empty", [](Routes& d) { d.mutable_routes(0)->clear_region_field(); },
       "routes[0].region_field"},
      {"description_field not a string",
       [](Routes& d) { d.mutable_routes(0)->set_description_field("complaint.category"); },
       "routes[0].description_field"},
      {"description_field empty", [](Routes& d) { d.mutable_routes(5)->clear_description_field(); },
       "routes[5].description_field"},
      {"address_field unknown",
       [](Routes& d) { d.mutable_routes(0)->set_address_field("complaint.nosuch"); },
       "routes[0].address_field"},
      {"case_id_field unknown",
       [](Routes& d) { d.mutable_routes(0)->set_case_id_field("complaint.nosuch"); },
       "routes[0].case_id_field"},
      {"case_id_field empty", [](Routes& d) { d.mutable_routes(6)->clear_case_id_field(); },
       "routes[6].case_id_field"},
      {"case_id_field a field of the request only",
       [](Routes& d) { d.mutable_routes(0)->set_case_id_field("request_id"); },
       "routes[0].case_id_field"},
      {"disposal_hours 0", [](Routes& d) { d.mutable_routes(0)->set_disposal_hours(0); },
       "routes[0].disposal_hours"},
      {"disposal_hours 721", [](Routes& d) { d.mutable_routes(7)->set_disposal_hours(721); },
       "routes[7].disposal_hours"},
      {"case_kind empty", [](Routes& d) { d.mutable_routes(2)->clear_case_kind(); },
       "routes[2].case_kind"},
      {"disposal_hours negative", [](Routes& d) { d.mutable_routes(1)->set_disposal_hours(-24); },
       "routes[1].disposal_hours"},
      {"closed_statuses empty", [](Routes& d) { d.mutable_routes(0)->clear_closed_statuses(); },
       "routes[0].closed_statuses"},
      {"a closed status not of the case's enum",
       [](Routes& d) { d.mutable_routes(0)->set_closed_statuses(1, "NOPE"); },
       "routes[0].closed_statuses[1]"},
      {"a status of another track's case",
       [](Routes& d) { d.mutable_routes(5)->set_closed_statuses(0, "RESOLVED"); },
       "routes[5].closed_statuses[0]"},
      {"the UNSPECIFIED status",
       [](Routes& d) { d.mutable_routes(0)->add_closed_statuses("UNSPECIFIED"); },
       "routes[0].closed_statuses[3]"},
      {"a status given twice",
       [](Routes& d) { d.mutable_routes(0)->add_closed_statuses("CLOSED"); },
       "routes[0].closed_statuses[3]"},
      {"an empty status", [](Routes& d) { d.mutable_routes(6)->add_closed_statuses(""); },
       "routes[6].closed_statuses[2]"},
  };
  for (const Case& c : cases) {
    const absl::Status st = LoadEdited(c.edit);
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << c.what << ": " << st;
    EXPECT_EQ(FieldOf(st), c.field) << c.what << ": " << st;
  }
}

TEST_F(DigitalRulesTest, ShippedCockpitsAreThePlansFifteenAndTheDistrictLeaders) {
  int street = 0, department = 0, district = 0;
  for (const dv1::CockpitDeclaration& c : shipped_.cockpits()) {
    street += c.kind() == dv1::COCKPIT_KIND_STREET && c.plan_new();
    department += c.kind() == dv1::COCKPIT_KIND_DEPARTMENT && c.plan_new();
    district += c.kind() == dv1::COCKPIT_KIND_DISTRICT && !c.plan_new();
  }
  EXPECT_EQ(street, 10);
  EXPECT_EQ(department, 5);
  EXPECT_EQ(district, 1);
  EXPECT_GT(shipped_.cockpit_settings().track_timeout_ms(), 0);
}

TEST_F(DigitalRulesTest, BrokenCockpitsNameTheEntry) {
  using Rules = cv1::DigitalRules;
  struct Case {
    std::string what;
    std::function<void(Rules&)> edit;
    std::string field;
  };
  const std::vector<Case> cases = {
      {"id empty", [](Rules& d) { d.mutable_cockpits(0)->clear_id(); }, "cockpits[0].id"},
      {"id not plain", [](Rules& d) { d.mutable_cockpits(1)->set_id("street GS01"); },
       "cockpits[1].id"},
      {"id twice", [](Rules& d) { d.mutable_cockpits(2)->set_id(d.cockpits(1).id()); },
       "cockpits[2].id"},
      {"no Chinese name", [](Rules& d) { d.mutable_cockpits(0)->clear_name_zh(); },
       "cockpits[0].name_zh"},
      {"no English name", [](Rules& d) { d.mutable_cockpits(3)->clear_name_en(); },
       "cockpits[3].name_en"},
      {"kind unspecified",
       [](Rules& d) { d.mutable_cockpits(0)->set_kind(dv1::COCKPIT_KIND_UNSPECIFIED); },
       "cockpits[0].kind"},
      {"the district's with a street",
       [](Rules& d) { d.mutable_cockpits(0)->set_street_id("GS01"); }, "cockpits[0].kind"},
      {"a street cockpit of an unknown street",
       [](Rules& d) { d.mutable_cockpits(1)->set_street_id("GS99"); }, "cockpits[1].street_id"},
      {"a street cockpit without its street",
       [](Rules& d) { d.mutable_cockpits(1)->clear_street_id(); }, "cockpits[1].street_id"},
      {"a street cockpit with a department",
       [](Rules& d) { d.mutable_cockpits(1)->set_department("区公安分局"); },
       "cockpits[1].department"},
      {"a department cockpit without its department",
       [](Rules& d) { d.mutable_cockpits(11)->clear_department(); }, "cockpits[11].department"},
      {"a department cockpit of a street",
       [](Rules& d) { d.mutable_cockpits(11)->set_street_id("GS01"); }, "cockpits[11].street_id"},
      {"launched not a date", [](Rules& d) { d.mutable_cockpits(2)->set_launched("2026-02-30"); },
       "cockpits[2].launched"},
      {"launched empty", [](Rules& d) { d.mutable_cockpits(2)->clear_launched(); },
       "cockpits[2].launched"},
      {"no selections", [](Rules& d) { d.mutable_cockpits(4)->clear_selections(); },
       "cockpits[4].selections"},
      {"a selection of an unknown track",
       [](Rules& d) { d.mutable_cockpits(4)->mutable_selections(1)->set_track("nosuch"); },
       "cockpits[4].selections[1].track"},
      {"a track selected twice",
       [](Rules& d) { *d.mutable_cockpits(4)->add_selections() = d.cockpits(4).selections(0); },
       "cockpits[4].selections[7].track"},
      {"an indicator id twice",
       [](Rules& d) {
         d.mutable_cockpits(12)->mutable_selections(1)->add_indicator_ids(
             d.cockpits(12).selections(1).indicator_ids(0));
       },
       "cockpits[12].selections[1].indicator_ids[2]"},
      {"an empty indicator id",
       [](Rules& d) { d.mutable_cockpits(12)->mutable_selections(1)->add_indicator_ids(""); },
       "cockpits[12].selections[1].indicator_ids[2]"},
      {"track deadline 0", [](Rules& d) { d.mutable_cockpit_settings()->set_track_timeout_ms(0); },
       "cockpit_settings.track_timeout_ms"},
      {"track deadline too long",
       [](Rules& d) { d.mutable_cockpit_settings()->set_track_timeout_ms(10001); },
       "cockpit_settings.track_timeout_ms"},
      {"cache negative", [](Rules& d) { d.mutable_cockpit_settings()->set_cache_seconds(-1); },
       "cockpit_settings.cache_seconds"},
      {"cache too long", [](Rules& d) { d.mutable_cockpit_settings()->set_cache_seconds(301); },
       "cockpit_settings.cache_seconds"},
  };
  for (const Case& c : cases) {
    const absl::Status st = LoadEdited(c.edit);
    EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << c.what << ": " << st;
    EXPECT_EQ(FieldOf(st), c.field) << c.what << ": " << st;
  }
  // Without cockpits the settings are not needed.
  EXPECT_TRUE(LoadEdited([](Rules& d) {
                d.clear_cockpits();
                d.clear_cockpit_settings();
              }).ok());
}

TEST_F(DigitalRulesTest, EditsThatKeepTheRulesValidLoad) {
  // No address field, and the event's type routed to another track's create request.
  EXPECT_TRUE(
      LoadEdited([](cv1::DigitalRules& d) { d.mutable_routes(0)->clear_address_field(); }).ok());
  EXPECT_TRUE(LoadEdited([](cv1::DigitalRules& d) {
                (*d.mutable_routes(0)->mutable_constants())["complaint.category"] = "5";
              }).ok());
  EXPECT_TRUE(LoadEdited([](cv1::DigitalRules& d) {
                d.mutable_routes(0)->set_disposal_hours(1);
                d.mutable_routes(1)->set_disposal_hours(720);
              }).ok());
}

TEST_F(DigitalRulesTest, ABrokenFileNamesThePathAndTheEntry) {
  gov::testing::TempDir dir;
  const std::string path = dir.File("digital.json");
  gov::testing::WriteFile(path, R"({"version": "2026.1", "routes": []})");
  auto rules = Rules::LoadFile(path, *regions_);
  ASSERT_FALSE(rules.ok());
  EXPECT_EQ(rules.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(rules.status()), "routes");
  EXPECT_THAT(std::string(rules.status().message()), HasSubstr(path));
  EXPECT_THAT(std::string(rules.status().message()), HasSubstr("EVENT_TYPE_MOBILE_STALL"));
}

}  // namespace
}  // namespace gov::digital
