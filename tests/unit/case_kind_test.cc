// The case-kind codec (common/cases/case_kind.h) on a message built here: what the record owns
// read into the message and kept out of the payload, edits written back, wrong declarations
// refused, and personal data (fields marked (governance.v1.personal), nested and repeated ones
// and the history's notes included) cleared.

#include "common/cases/case_kind.h"

#include <memory>
#include <string>

#include "absl/time/time.h"
#include "common/util/proto.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "google/protobuf/timestamp.pb.h"
#include "governance/v1/common.pb.h"
#include "governance/v1/privacy.pb.h"
#include "gtest/gtest.h"

namespace gov::cases {
namespace {

using google::protobuf::FieldDescriptorProto;
using ::testing::HasSubstr;

// message Party { string name = 1 [personal]; string role = 2; }
// enum TicketState { TICKET_STATE_UNSPECIFIED = 0; TICKET_STATE_OPEN = 1; TICKET_STATE_DONE = 2; }
// message Ticket { string id = 1; TicketState state = 2; string unit = 3; RegionRef region = 4;
//   Timestamp opened = 5; Timestamp due = 6; bool late = 7; string etag = 8;
//   repeated CaseEvent history = 9; string summary = 10 [personal]; repeated Party parties = 11;
//   string topic = 12; }
class CaseKindTest : public ::testing::Test {
 protected:
  void SetUp() override {
    google::protobuf::FileDescriptorProto file;
    file.set_name("case_kind_test.proto");
    file.set_package("kindtest");
    file.set_syntax("proto3");
    file.add_dependency("google/protobuf/timestamp.proto");
    file.add_dependency("governance/v1/common.proto");
    auto* state = file.add_enum_type();
    state->set_name("TicketState");
    for (const auto& [name, number] :
         {std::pair{"TICKET_STATE_UNSPECIFIED", 0}, std::pair{"TICKET_STATE_OPEN", 1},
          std::pair{"TICKET_STATE_DONE", 2}}) {
      auto* v = state->add_value();
      v->set_name(name);
      v->set_number(number);
    }
    auto add = [](google::protobuf::DescriptorProto* m, const char* name, int number,
                  FieldDescriptorProto::Type type, const char* type_name = nullptr,
                  bool repeated = false, bool personal = false) {
      auto* f = m->add_field();
      f->set_name(name);
      f->set_number(number);
      f->set_type(type);
      if (type_name != nullptr) f->set_type_name(type_name);
      f->set_label(repeated ? FieldDescriptorProto::LABEL_REPEATED
                            : FieldDescriptorProto::LABEL_OPTIONAL);
      if (personal) f->mutable_options()->SetExtension(governance::v1::personal, true);
    };
    auto* party = file.add_message_type();
    party->set_name("Party");
    add(party, "name", 1, FieldDescriptorProto::TYPE_STRING, nullptr, false, true);
    add(party, "role", 2, FieldDescriptorProto::TYPE_STRING);
    auto* ticket = file.add_message_type();
    ticket->set_name("Ticket");
    add(ticket, "id", 1, FieldDescriptorProto::TYPE_STRING);
    add(ticket, "state", 2, FieldDescriptorProto::TYPE_ENUM, ".kindtest.TicketState");
    add(ticket, "unit", 3, FieldDescriptorProto::TYPE_STRING);
    add(ticket, "region", 4, FieldDescriptorProto::TYPE_MESSAGE, ".governance.v1.RegionRef");
    add(ticket, "opened", 5, FieldDescriptorProto::TYPE_MESSAGE, ".google.protobuf.Timestamp");
    add(ticket, "due", 6, FieldDescriptorProto::TYPE_MESSAGE, ".google.protobuf.Timestamp");
    add(ticket, "late", 7, FieldDescriptorProto::TYPE_BOOL);
    add(ticket, "etag", 8, FieldDescriptorProto::TYPE_STRING);
    add(ticket, "history", 9, FieldDescriptorProto::TYPE_MESSAGE, ".governance.v1.CaseEvent", true);
    add(ticket, "summary", 10, FieldDescriptorProto::TYPE_STRING, nullptr, false, true);
    add(ticket, "parties", 11, FieldDescriptorProto::TYPE_MESSAGE, ".kindtest.Party", true);
    add(ticket, "topic", 12, FieldDescriptorProto::TYPE_STRING);
    // Make sure the generated files are in the generated pool before it underlies this one.
    (void)governance::v1::CaseEvent::descriptor();
    (void)google::protobuf::Timestamp::descriptor();
    const google::protobuf::FileDescriptor* built = pool_.BuildFile(file);
    ASSERT_NE(built, nullptr);
    type_ = built->FindMessageTypeByName("Ticket");
    factory_.SetDelegateToGeneratedFactory(true);
    fields_.status = "state";
    fields_.unit_id = "unit";
    fields_.region = "region";
    fields_.created = "opened";
    fields_.due_time = "due";
    fields_.sla_breached = "late";
    fields_.history = "history";
  }

  std::unique_ptr<google::protobuf::Message> NewTicket() {
    return std::unique_ptr<google::protobuf::Message>(factory_.GetPrototype(type_)->New());
  }

  google::protobuf::DescriptorPool pool_{google::protobuf::DescriptorPool::generated_pool()};
  google::protobuf::DynamicMessageFactory factory_{&pool_};
  const google::protobuf::Descriptor* type_ = nullptr;
  RecordFields fields_;
};

TEST_F(CaseKindTest, RecordFieldsInPayloadOutEditsBack) {
  ASSERT_TRUE(kind_internal::CheckFields(*type_, fields_).ok())
      << kind_internal::CheckFields(*type_, fields_);
  std::unique_ptr<google::protobuf::Message> ticket = NewTicket();
  const auto* refl = ticket->GetReflection();
  refl->SetString(ticket.get(), type_->FindFieldByName("id"), "T-1");
  refl->SetString(ticket.get(), type_->FindFieldByName("topic"), "noise");
  refl->SetString(ticket.get(), type_->FindFieldByName("unit"), "U-9");
  const std::string payload = kind_internal::Payload(*ticket, fields_);
  std::unique_ptr<google::protobuf::Message> stored = NewTicket();
  ASSERT_TRUE(stored->ParseFromString(payload));
  EXPECT_EQ(stored->ShortDebugString(), "topic: \"noise\"") << "the record's fields stay out";

  Case c;
  c.record.id = "T-7";
  c.record.status = "DONE";
  c.record.unit_id = "U-1";
  c.record.street_id = "GS01";
  c.record.community_id = "GS01-C01";
  c.record.create_time = absl::FromUnixSeconds(1700000000);
  c.record.due_time = absl::InfiniteFuture();
  c.record.sla_breached = true;
  c.record.version = 3;
  c.record.payload = payload;
  store::HistoryRecord event;
  event.sequence = 1;
  event.action = "Create";
  event.note = "called by 王五";
  c.history = {event};
  std::unique_ptr<google::protobuf::Message> read = NewTicket();
  ASSERT_TRUE(kind_internal::Decode(c, fields_, *read).ok());
  EXPECT_EQ(refl->GetString(*read, type_->FindFieldByName("id")), "T-7");
  EXPECT_EQ(refl->GetEnumValue(*read, type_->FindFieldByName("state")), 2);
  EXPECT_EQ(refl->GetString(*read, type_->FindFieldByName("etag")), c.etag());
  EXPECT_TRUE(refl->GetBool(*read, type_->FindFieldByName("late")));
  EXPECT_FALSE(refl->HasField(*read, type_->FindFieldByName("due"))) << "no clock runs";
  EXPECT_EQ(refl->FieldSize(*read, type_->FindFieldByName("history")), 1);
  const auto& region = static_cast<const governance::v1::RegionRef&>(
      refl->GetMessage(*read, type_->FindFieldByName("region")));
  EXPECT_EQ(region.community_id(), "GS01-C01");

  // An edit that moves the unit and the region is written back to the record.
  refl->SetString(read.get(), type_->FindFieldByName("unit"), "U-2");
  static_cast<governance::v1::RegionRef*>(
      refl->MutableMessage(read.get(), type_->FindFieldByName("region")))
      ->set_street_id("GS02");
  refl->SetString(read.get(), type_->FindFieldByName("topic"), "fumes");
  ASSERT_TRUE(kind_internal::WriteBack(*read, fields_, c.record).ok());
  EXPECT_EQ(c.record.unit_id, "U-2");
  EXPECT_EQ(c.record.street_id, "GS02");
  ASSERT_TRUE(stored->ParseFromString(c.record.payload));
  EXPECT_EQ(stored->ShortDebugString(), "topic: \"fumes\"");

  // An unreadable payload is DATA_LOSS.
  c.record.payload = "\xff\xff";
  EXPECT_EQ(kind_internal::Decode(c, fields_, *NewTicket()).code(), absl::StatusCode::kDataLoss);
}

TEST_F(CaseKindTest, WrongDeclarationsAreNamed) {
  RecordFields wrong = fields_;
  wrong.unit_id = "units";
  EXPECT_THAT(std::string(kind_internal::CheckFields(*type_, wrong).message()),
              HasSubstr("no field \"units\""));
  wrong = fields_;
  wrong.created = "topic";  // a string cannot hold a time
  EXPECT_THAT(std::string(kind_internal::CheckFields(*type_, wrong).message()),
              HasSubstr("kindtest.Ticket.topic cannot hold the record's create time"));
  wrong = fields_;
  wrong.history = "parties";
  EXPECT_FALSE(kind_internal::CheckFields(*type_, wrong).ok());
}

TEST_F(CaseKindTest, WhoSeesPersonalDataIsDeclared) {
  auth::Principal admin, operator1, viewer;
  admin.roles.insert(auth::kDistrictAdmin);
  operator1.roles.insert(auth::kStreetOperator);
  viewer.roles.insert(auth::kViewer);
  RecordFields fields = fields_;
  fields.sees_personal = {auth::kStreetOperator};
  EXPECT_TRUE(kind_internal::SeesPersonal(fields, admin));
  EXPECT_TRUE(kind_internal::SeesPersonal(fields, operator1));
  EXPECT_FALSE(kind_internal::SeesPersonal(fields, viewer));
  fields.sees_personal = {};
  EXPECT_TRUE(kind_internal::SeesPersonal(fields, admin));
  EXPECT_FALSE(kind_internal::SeesPersonal(fields, operator1));
  fields.sees_personal = {kEveryRole};
  EXPECT_TRUE(kind_internal::SeesPersonal(fields, viewer));
  EXPECT_TRUE(kind_internal::SeesPersonal(fields, auth::Principal{}));

  // A role misspelt would hide the data from the role meant: refused at declaration.
  fields.sees_personal = {"street operator"};
  EXPECT_THAT(std::string(kind_internal::CheckFields(*type_, fields).message()),
              HasSubstr("sees_personal names no role: \"street operator\""));
  fields.sees_personal = {auth::kStreetOperator, kEveryRole, "mediator"};
  EXPECT_TRUE(kind_internal::CheckFields(*type_, fields).ok());
}

TEST_F(CaseKindTest, PersonalDataClearedEverywhere) {
  std::unique_ptr<google::protobuf::Message> ticket = NewTicket();
  const auto* refl = ticket->GetReflection();
  refl->SetString(ticket.get(), type_->FindFieldByName("summary"), "王五 says");
  refl->SetString(ticket.get(), type_->FindFieldByName("topic"), "noise");
  for (const char* name : {"王五", "赵六"}) {
    google::protobuf::Message* party =
        refl->AddMessage(ticket.get(), type_->FindFieldByName("parties"));
    party->GetReflection()->SetString(party, party->GetDescriptor()->FindFieldByName("name"), name);
    party->GetReflection()->SetString(party, party->GetDescriptor()->FindFieldByName("role"),
                                      "applicant");
  }
  auto* event = static_cast<governance::v1::CaseEvent*>(
      refl->AddMessage(ticket.get(), type_->FindFieldByName("history")));
  event->set_note("王五 called");
  event->set_action("Create");
  ClearPersonalData(*ticket);
  EXPECT_EQ(ticket->ShortDebugString(),
            "history { action: \"Create\" } parties { role: \"applicant\" } "
            "parties { role: \"applicant\" } topic: \"noise\"");
}

}  // namespace
}  // namespace gov::cases
