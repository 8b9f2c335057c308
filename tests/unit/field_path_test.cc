// Field paths (common/util/field_path): dotted paths of singular fields checked against a
// message type, and scalars, strings and messages set and read through them on the schema's own
// requests; repeated fields, paths through scalars, unknown fields and values that do not fit
// are INVALID_ARGUMENT naming the path.

#include "common/util/field_path.h"

#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "governance/disorder/v1/disorder.pb.h"
#include "governance/hazard/v1/hazard.pb.h"
#include "governance/v1/common.pb.h"
#include "gtest/gtest.h"

namespace gov {
namespace {

namespace dv1 = ::governance::disorder::v1;
namespace hv1 = ::governance::hazard::v1;
using ::testing::HasSubstr;

// The status is INVALID_ARGUMENT and its message names `path` and says `why`.
void ExpectRefused(const absl::Status& st, const std::string& path, const std::string& why = "") {
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument) << st;
  EXPECT_THAT(std::string(st.message()), HasSubstr("\"" + path + "\"")) << st;
  if (!why.empty()) {
    EXPECT_THAT(std::string(st.message()), HasSubstr(why)) << st;
  }
}

TEST(FieldPathTest, SetsAnEnumByValueName) {
  dv1::SubmitComplaintRequest req;
  ASSERT_TRUE(SetFieldPath(req, "complaint.category", "COMPLAINT_CATEGORY_MOBILE_STALL").ok());
  EXPECT_EQ(req.complaint().category(), dv1::COMPLAINT_CATEGORY_MOBILE_STALL);
  ASSERT_TRUE(SetFieldPath(req, "complaint.channel", "CHANNEL_CITY_EYE").ok());
  EXPECT_EQ(req.complaint().channel(), dv1::CHANNEL_CITY_EYE);

  hv1::ReportHazardRequest hazard;
  ASSERT_TRUE(SetFieldPath(hazard, "hazard.type", "HAZARD_TYPE_FIRE_LANE").ok());
  ASSERT_TRUE(SetFieldPath(hazard, "hazard.source", "HAZARD_SOURCE_CITY_EYE").ok());
  ASSERT_TRUE(SetFieldPath(hazard, "hazard.severity", "SEVERITY_GENERAL").ok());
  EXPECT_EQ(hazard.hazard().type(), hv1::HAZARD_TYPE_FIRE_LANE);
  EXPECT_EQ(hazard.hazard().source(), hv1::HAZARD_SOURCE_CITY_EYE);
  EXPECT_EQ(hazard.hazard().severity(), hv1::SEVERITY_GENERAL);
}

TEST(FieldPathTest, SetsAnEnumByNumber) {
  dv1::SubmitComplaintRequest req;
  ASSERT_TRUE(SetFieldPath(req, "complaint.category", "5").ok());
  EXPECT_EQ(req.complaint().category(), dv1::COMPLAINT_CATEGORY_MOBILE_STALL);
  hv1::ReportHazardRequest hazard;
  ASSERT_TRUE(SetFieldPath(hazard, "hazard.severity", "2").ok());
  EXPECT_EQ(hazard.hazard().severity(), hv1::SEVERITY_MAJOR);
}

TEST(FieldPathTest, RefusesAValueTheEnumDoesNotHave) {
  dv1::SubmitComplaintRequest req;
  ExpectRefused(SetFieldPath(req, "complaint.category", "COMPLAINT_CATEGORY_NOPE"),
                "complaint.category", "governance.disorder.v1.ComplaintCategory");
  ExpectRefused(SetFieldPath(req, "complaint.category", "99"), "complaint.category");
  ExpectRefused(SetFieldPath(req, "complaint.category", ""), "complaint.category");
  // A value name of another enum is not one of this enum's.
  ExpectRefused(SetFieldPath(req, "complaint.category", "CHANNEL_CITY_EYE"), "complaint.category");
  hv1::ReportHazardRequest hazard;
  ExpectRefused(SetFieldPath(hazard, "hazard.type", "COMPLAINT_CATEGORY_NOISE"), "hazard.type");
  EXPECT_EQ(req.complaint().category(), dv1::COMPLAINT_CATEGORY_UNSPECIFIED);
  EXPECT_EQ(hazard.hazard().type(), hv1::HAZARD_TYPE_UNSPECIFIED);
}

TEST(FieldPathTest, SetsAString) {
  dv1::SubmitComplaintRequest req;
  ASSERT_TRUE(SetFieldPath(req, "complaint.description", "流动摊贩占道经营").ok());
  EXPECT_EQ(req.complaint().description(), "流动摊贩占道经营");
  ASSERT_TRUE(SetFieldPath(req, "request_id", "EV-000007").ok());
  EXPECT_EQ(req.request_id(), "EV-000007");
  // A string is taken as it is, digits and "true" included.
  ASSERT_TRUE(SetFieldPath(req, "complaint.address", "true").ok());
  EXPECT_EQ(req.complaint().address(), "true");

  ASSERT_TRUE(SetStringPath(req, "complaint.address", "运河路12号").ok());
  EXPECT_EQ(req.complaint().address(), "运河路12号");
  ASSERT_TRUE(SetStringPath(req, "complaint.description", "").ok());
  EXPECT_EQ(req.complaint().description(), "");
}

TEST(FieldPathTest, SetStringPathTakesStringsOnly) {
  dv1::SubmitComplaintRequest req;
  ExpectRefused(SetStringPath(req, "complaint.category", "COMPLAINT_CATEGORY_NOISE"),
                "complaint.category", "is not a string");
  EXPECT_EQ(req.complaint().category(), dv1::COMPLAINT_CATEGORY_UNSPECIFIED);
  ExpectRefused(SetStringPath(req, "complaint.region", "GS01"), "complaint.region",
                "is not a string");
  ExpectRefused(SetStringPath(req, "complaint.nosuch", "x"), "complaint.nosuch");
}

TEST(FieldPathTest, CreatesTheMessagesOnTheWay) {
  dv1::SubmitComplaintRequest req;
  ASSERT_FALSE(req.has_complaint());
  ASSERT_TRUE(SetFieldPath(req, "complaint.region.street_id", "GS01").ok());
  ASSERT_TRUE(req.has_complaint());
  ASSERT_TRUE(req.complaint().has_region());
  EXPECT_EQ(req.complaint().region().street_id(), "GS01");
  // The messages already there are kept.
  ASSERT_TRUE(SetStringPath(req, "complaint.region.community_id", "GS01-C01").ok());
  EXPECT_EQ(req.complaint().region().street_id(), "GS01");
  EXPECT_EQ(req.complaint().region().community_id(), "GS01-C01");

  hv1::ReportHazardRequest hazard;
  ASSERT_TRUE(SetStringPath(hazard, "hazard.region.grid_id", "GS01-C01-G01").ok());
  EXPECT_EQ(hazard.hazard().region().grid_id(), "GS01-C01-G01");
}

TEST(FieldPathTest, SetsABool) {
  dv1::ListComplaintsRequest req;
  ASSERT_TRUE(SetFieldPath(req, "breached_only", "true").ok());
  EXPECT_TRUE(req.breached_only());
  ASSERT_TRUE(SetFieldPath(req, "breached_only", "false").ok());
  EXPECT_FALSE(req.breached_only());
  hv1::ReportHazardRequest hazard;
  ASSERT_TRUE(SetFieldPath(hazard, "hazard.sla_breached", "true").ok());
  EXPECT_TRUE(hazard.hazard().sla_breached());
}

TEST(FieldPathTest, RefusesABoolOtherThanTrueOrFalse) {
  dv1::ListComplaintsRequest req;
  for (const char* bad : {"yes", "1", "0", "TRUE", "True", "", " true"}) {
    ExpectRefused(SetFieldPath(req, "breached_only", bad), "breached_only", "true or false");
  }
  EXPECT_FALSE(req.breached_only());
}

TEST(FieldPathTest, SetsAnIntegerFromDecimalText) {
  dv1::ListComplaintsRequest req;
  ASSERT_TRUE(SetFieldPath(req, "page_size", "25").ok());
  EXPECT_EQ(req.page_size(), 25);
  ASSERT_TRUE(SetFieldPath(req, "page_size", "-3").ok());
  EXPECT_EQ(req.page_size(), -3);
  ASSERT_TRUE(SetFieldPath(req, "page_size", "2147483647").ok());
  EXPECT_EQ(req.page_size(), 2147483647);
  dv1::SubmitComplaintResponse resp;
  ASSERT_TRUE(SetFieldPath(resp, "complaint.reopen_count", "2").ok());
  EXPECT_EQ(resp.complaint().reopen_count(), 2);
}

TEST(FieldPathTest, RefusesAnIntegerThatIsNotOne) {
  dv1::ListComplaintsRequest req;
  req.set_page_size(7);
  for (const char* bad : {"abc", "12x", "", "1.5", "2147483648", "0x10"}) {
    ExpectRefused(SetFieldPath(req, "page_size", bad), "page_size", "32-bit integer");
  }
  EXPECT_EQ(req.page_size(), 7);
}

TEST(FieldPathTest, SetsADouble) {
  dv1::SubmitComplaintRequest req;
  ASSERT_TRUE(SetFieldPath(req, "complaint.location.latitude", "30.25").ok());
  EXPECT_DOUBLE_EQ(req.complaint().location().latitude(), 30.25);
  ExpectRefused(SetFieldPath(req, "complaint.location.longitude", "east"),
                "complaint.location.longitude", "a number");
}

TEST(FieldPathTest, UnknownFieldIsRefusedNamingThePath) {
  dv1::SubmitComplaintRequest req;
  const absl::Status st = SetFieldPath(req, "complaint.nosuch", "x");
  ExpectRefused(st, "complaint.nosuch", "governance.disorder.v1.Complaint has no field \"nosuch\"");
  ExpectRefused(SetFieldPath(req, "nosuch", "x"), "nosuch");
  ExpectRefused(SetFieldPath(req, "complaint.region.nosuch", "x"), "complaint.region.nosuch",
                "governance.v1.RegionRef");
  // Field names, not JSON names.
  ExpectRefused(SetFieldPath(req, "requestId", "x"), "requestId");
  ExpectRefused(SetFieldPath(req, "complaint.", "x"), "complaint.");
  ExpectRefused(CheckFieldPath(*dv1::SubmitComplaintRequest::descriptor(), "complaint.nosuch",
                               FieldPathKind::kScalar)
                    .status(),
                "complaint.nosuch");
  ExpectRefused(MutableMessagePath(req, "complaint.nosuch").status(), "complaint.nosuch");
  ExpectRefused(GetStringPath(req, "complaint.nosuch").status(), "complaint.nosuch");
}

TEST(FieldPathTest, RepeatedFieldsAreRefused) {
  const google::protobuf::Descriptor& type = *dv1::SubmitComplaintRequest::descriptor();
  ExpectRefused(CheckFieldPath(type, "complaint.history", FieldPathKind::kMessage).status(),
                "complaint.history", "is repeated");
  ExpectRefused(
      CheckFieldPath(type, "complaint.joint_units.unit_id", FieldPathKind::kString).status(),
      "complaint.joint_units.unit_id", "governance.disorder.v1.Complaint.joint_units");
  dv1::SubmitComplaintRequest req;
  ExpectRefused(SetFieldPath(req, "complaint.joint_units.unit_id", "U1"),
                "complaint.joint_units.unit_id", "is repeated");
  EXPECT_EQ(req.complaint().joint_units_size(), 0);
  ExpectRefused(MutableMessagePath(req, "complaint.history").status(), "complaint.history",
                "is repeated");
  dv1::ListComplaintsRequest list;
  ExpectRefused(SetFieldPath(list, "categories", "COMPLAINT_CATEGORY_NOISE"), "categories",
                "is repeated");
  EXPECT_EQ(list.categories_size(), 0);
}

TEST(FieldPathTest, APathThroughAScalarIsRefused) {
  const google::protobuf::Descriptor& type = *dv1::SubmitComplaintRequest::descriptor();
  ExpectRefused(CheckFieldPath(type, "complaint.description.text", FieldPathKind::kString).status(),
                "complaint.description.text", "description is not a message field");
  ExpectRefused(CheckFieldPath(type, "request_id.x", FieldPathKind::kScalar).status(),
                "request_id.x", "request_id is not a message field");
  dv1::SubmitComplaintRequest req;
  ExpectRefused(SetFieldPath(req, "complaint.category.x", "1"), "complaint.category.x",
                "category is not a message field");
  ExpectRefused(GetStringPath(req, "complaint.description.text").status(),
                "complaint.description.text");
}

TEST(FieldPathTest, CheckFieldPathGivesTheLastField) {
  const google::protobuf::Descriptor& type = *dv1::SubmitComplaintRequest::descriptor();
  auto category = CheckFieldPath(type, "complaint.category", FieldPathKind::kScalar);
  ASSERT_TRUE(category.ok()) << category.status();
  EXPECT_EQ((*category)->full_name(), "governance.disorder.v1.Complaint.category");
  auto description = CheckFieldPath(type, "complaint.description", FieldPathKind::kString);
  ASSERT_TRUE(description.ok()) << description.status();
  EXPECT_EQ((*description)->full_name(), "governance.disorder.v1.Complaint.description");
  // A string is a scalar too.
  EXPECT_TRUE(CheckFieldPath(type, "complaint.description", FieldPathKind::kScalar).ok());
  auto region = CheckFieldPath(type, "complaint.region", FieldPathKind::kMessage,
                               governance::v1::RegionRef::descriptor());
  ASSERT_TRUE(region.ok()) << region.status();
  EXPECT_EQ((*region)->message_type(), governance::v1::RegionRef::descriptor());
  // Any message when no type is given.
  EXPECT_TRUE(CheckFieldPath(type, "complaint.location", FieldPathKind::kMessage).ok());
  EXPECT_TRUE(CheckFieldPath(type, "complaint", FieldPathKind::kMessage).ok());
  auto hazard_id =
      CheckFieldPath(*hv1::ReportHazardResponse::descriptor(), "hazard.id", FieldPathKind::kString);
  ASSERT_TRUE(hazard_id.ok()) << hazard_id.status();
  EXPECT_EQ((*hazard_id)->containing_type(), hv1::Hazard::descriptor());
}

TEST(FieldPathTest, KindMismatchesAreRefused) {
  const google::protobuf::Descriptor& type = *dv1::SubmitComplaintRequest::descriptor();
  ExpectRefused(CheckFieldPath(type, "complaint.category", FieldPathKind::kString).status(),
                "complaint.category", "is not a string");
  ExpectRefused(CheckFieldPath(type, "complaint.sla_breached", FieldPathKind::kString).status(),
                "complaint.sla_breached", "is not a string");
  ExpectRefused(CheckFieldPath(type, "complaint.description", FieldPathKind::kMessage).status(),
                "complaint.description", "is not a message");
  ExpectRefused(CheckFieldPath(type, "complaint.location", FieldPathKind::kMessage,
                               governance::v1::RegionRef::descriptor())
                    .status(),
                "complaint.location", "is not a governance.v1.RegionRef");
  ExpectRefused(CheckFieldPath(type, "complaint.region", FieldPathKind::kScalar).status(),
                "complaint.region", "is a message");
  ExpectRefused(CheckFieldPath(type, "complaint", FieldPathKind::kString).status(), "complaint",
                "is not a string");
}

TEST(FieldPathTest, SetFieldPathRefusesAMessage) {
  dv1::SubmitComplaintRequest req;
  ExpectRefused(SetFieldPath(req, "complaint.region", "GS01"), "complaint.region", "is a message");
  ExpectRefused(SetFieldPath(req, "complaint", "x"), "complaint", "is a message");
}

TEST(FieldPathTest, EmptyPathIsRefused) {
  const google::protobuf::Descriptor& type = *dv1::SubmitComplaintRequest::descriptor();
  for (FieldPathKind kind :
       {FieldPathKind::kScalar, FieldPathKind::kString, FieldPathKind::kMessage}) {
    ExpectRefused(CheckFieldPath(type, "", kind).status(), "", "empty");
  }
  dv1::SubmitComplaintRequest req;
  ExpectRefused(SetFieldPath(req, "", "x"), "", "empty");
  ExpectRefused(SetStringPath(req, "", "x"), "", "empty");
  ExpectRefused(MutableMessagePath(req, "").status(), "", "empty");
  ExpectRefused(GetStringPath(req, "").status(), "", "empty");
  EXPECT_EQ(req.ByteSizeLong(), 0u);
}

TEST(FieldPathTest, MutableMessagePathGivesTheMessageCreatingIt) {
  dv1::SubmitComplaintRequest req;
  auto region = MutableMessagePath(req, "complaint.region");
  ASSERT_TRUE(region.ok()) << region.status();
  ASSERT_TRUE(req.complaint().has_region());
  EXPECT_EQ(*region, req.mutable_complaint()->mutable_region());
  EXPECT_EQ((*region)->GetDescriptor(), governance::v1::RegionRef::descriptor());
  governance::v1::RegionRef ref;
  ref.set_street_id("GS01");
  ref.set_community_id("GS01-C01");
  (*region)->CopyFrom(ref);
  EXPECT_EQ(req.complaint().region().community_id(), "GS01-C01");
  // The same message again, kept.
  auto again = MutableMessagePath(req, "complaint.region");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *region);
  EXPECT_EQ(req.complaint().region().street_id(), "GS01");
  // The top-level message.
  auto complaint = MutableMessagePath(req, "complaint");
  ASSERT_TRUE(complaint.ok()) << complaint.status();
  EXPECT_EQ(*complaint, req.mutable_complaint());

  ExpectRefused(MutableMessagePath(req, "complaint.description").status(), "complaint.description",
                "is not a message");
  ExpectRefused(MutableMessagePath(req, "request_id").status(), "request_id", "is not a message");
}

TEST(FieldPathTest, GetStringPathReadsThroughUnsetMessages) {
  dv1::SubmitComplaintRequest req;
  auto unset = GetStringPath(req, "complaint.region.street_id");
  ASSERT_TRUE(unset.ok()) << unset.status();
  EXPECT_EQ(*unset, "");
  // Reading creates nothing.
  EXPECT_FALSE(req.has_complaint());
  req.mutable_complaint()->set_description("x");
  auto region_unset = GetStringPath(req, "complaint.region.street_id");
  ASSERT_TRUE(region_unset.ok()) << region_unset.status();
  EXPECT_EQ(*region_unset, "");
  EXPECT_FALSE(req.complaint().has_region());

  req.mutable_complaint()->mutable_region()->set_street_id("GS01");
  req.set_request_id("EV-000007");
  auto set = GetStringPath(req, "complaint.region.street_id");
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(*set, "GS01");
  auto description = GetStringPath(req, "complaint.description");
  ASSERT_TRUE(description.ok()) << description.status();
  EXPECT_EQ(*description, "x");
  auto request_id = GetStringPath(req, "request_id");
  ASSERT_TRUE(request_id.ok()) << request_id.status();
  EXPECT_EQ(*request_id, "EV-000007");

  hv1::ReportHazardResponse resp;
  resp.mutable_hazard()->set_id("H-000003");
  auto id = GetStringPath(resp, "hazard.id");
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, "H-000003");

  ExpectRefused(GetStringPath(req, "complaint.category").status(), "complaint.category",
                "is not a string");
  ExpectRefused(GetStringPath(req, "complaint.region").status(), "complaint.region",
                "is not a string");
}

TEST(FieldPathTest, GetEnumKeyPathReadsTheKeyThroughUnsetMessages) {
  dv1::SubmitComplaintResponse resp;
  absl::StatusOr<std::string> unset = GetEnumKeyPath(resp, "complaint.status");
  ASSERT_TRUE(unset.ok()) << unset.status();
  EXPECT_EQ(*unset, "");
  EXPECT_FALSE(resp.has_complaint());
  resp.mutable_complaint()->set_status(dv1::COMPLAINT_STATUS_RESOLVED);
  absl::StatusOr<std::string> key = GetEnumKeyPath(resp, "complaint.status");
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(*key, "RESOLVED");
  ExpectRefused(GetEnumKeyPath(resp, "complaint.id").status(), "complaint.id", "not an enum");
  ExpectRefused(GetEnumKeyPath(resp, "complaint.nosuch").status(), "complaint.nosuch");
}

}  // namespace
}  // namespace gov
