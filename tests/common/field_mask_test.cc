#include "common/api/field_mask.h"

#include "accord/registry/v1/partnership.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace accord::api {
namespace {

using accord::registry::v1::Partnership;

const std::set<std::string> kWritable = {"display_name", "remit", "partners",
                                         "council_contribution"};

Partnership Existing() {
  Partnership p;
  p.set_display_name("Old");
  p.set_remit("old remit");
  p.add_partners()->set_organisation("A");
  p.add_partners()->set_organisation("B");
  p.set_state(registry::v1::ACTIVE);
  return p;
}

google::protobuf::FieldMask Mask(std::initializer_list<std::string> paths) {
  google::protobuf::FieldMask mask;
  for (const auto& p : paths) mask.add_paths(p);
  return mask;
}

TEST(FieldMask, OnlyNamedFieldsChange) {
  Partnership target = Existing();
  Partnership patch;
  patch.set_display_name("New");
  patch.set_remit("ignored because not in mask");
  ASSERT_TRUE(ApplyFieldMask(Mask({"display_name"}), patch, kWritable, &target).ok());
  EXPECT_EQ(target.display_name(), "New");
  EXPECT_EQ(target.remit(), "old remit");
}

TEST(FieldMask, RepeatedFieldsAreReplacedNotAppended) {
  Partnership target = Existing();
  Partnership patch;
  patch.add_partners()->set_organisation("C");
  ASSERT_TRUE(ApplyFieldMask(Mask({"partners"}), patch, kWritable, &target).ok());
  ASSERT_EQ(target.partners_size(), 1);
  EXPECT_EQ(target.partners(0).organisation(), "C");
}

TEST(FieldMask, NamedFieldLeftEmptyIsCleared) {
  Partnership target = Existing();
  ASSERT_TRUE(ApplyFieldMask(Mask({"remit"}), Partnership(), kWritable, &target).ok());
  EXPECT_EQ(target.remit(), "");
}

TEST(FieldMask, EmptyMaskTakesTheFieldsThatAreSet) {
  Partnership target = Existing();
  Partnership patch;
  patch.set_remit("new remit");
  patch.set_state(registry::v1::CLOSED);  // output only: ignored, not refused
  ASSERT_TRUE(ApplyFieldMask({}, patch, kWritable, &target).ok());
  EXPECT_EQ(target.remit(), "new remit");
  EXPECT_EQ(target.display_name(), "Old");
  EXPECT_EQ(target.state(), registry::v1::ACTIVE);
}

TEST(FieldMask, StarReplacesEveryWritableField) {
  Partnership target = Existing();
  Partnership patch;
  patch.set_display_name("Only");
  ASSERT_TRUE(ApplyFieldMask(Mask({"*"}), patch, kWritable, &target).ok());
  EXPECT_EQ(target.display_name(), "Only");
  EXPECT_EQ(target.remit(), "");
  EXPECT_EQ(target.partners_size(), 0);
  EXPECT_EQ(target.state(), registry::v1::ACTIVE);
}

TEST(FieldMask, OutputOnlyAndUnknownPathsAreRefusedAndNothingChanges) {
  Partnership target = Existing();
  Partnership patch;
  patch.set_display_name("New");
  absl::Status status = ApplyFieldMask(Mask({"display_name", "state"}), patch, kWritable,
                                       &target);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("update_mask: 'state' is output only"));
  EXPECT_EQ(target.display_name(), "Old");

  status = ApplyFieldMask(Mask({"colour"}), patch, kWritable, &target);
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr("'colour' is not a field"));
}

TEST(FieldMask, NestedPathUnderAWritableFieldIsAllowed) {
  Partnership target = Existing();
  Partnership patch;
  patch.mutable_council_contribution()->set_money_pence(500);
  ASSERT_TRUE(ApplyFieldMask(Mask({"council_contribution.money_pence"}), patch, kWritable,
                             &target)
                  .ok());
  EXPECT_EQ(target.council_contribution().money_pence(), 500);
}

}  // namespace
}  // namespace accord::api
