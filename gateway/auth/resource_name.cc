#include "gateway/auth/resource_name.h"

#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/descriptor.h"

namespace accord::gateway {
namespace {

using google::protobuf::FieldDescriptor;

std::string StringField(const google::protobuf::Message& message, absl::string_view name) {
  const FieldDescriptor* field = message.GetDescriptor()->FindFieldByName(std::string(name));
  if (field == nullptr || field->is_repeated() || field->type() != FieldDescriptor::TYPE_STRING) {
    return "";
  }
  return message.GetReflection()->GetString(message, field);
}

}  // namespace

std::string ResourceOf(const google::protobuf::Message& request) {
  for (absl::string_view field : {"name", "parent"}) {
    std::string value = StringField(request, field);
    if (!value.empty()) return value;
  }
  const google::protobuf::Descriptor* type = request.GetDescriptor();
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    if (field->is_repeated() || field->type() != FieldDescriptor::TYPE_MESSAGE) continue;
    if (!request.GetReflection()->HasField(request, field)) continue;
    std::string value =
        StringField(request.GetReflection()->GetMessage(request, field), "name");
    if (!value.empty()) return value;
  }
  // CreatePartnershipRequest.partnership_id names "partnerships/<id>".
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    absl::string_view field_name = field->name();
    if (!absl::ConsumeSuffix(&field_name, "_id") || field_name == "request") continue;
    std::string id = StringField(request, field->name());
    if (!id.empty()) return absl::StrCat(field_name, "s/", id);
  }
  return "";
}

std::string PartnershipOf(absl::string_view resource) {
  std::vector<absl::string_view> parts = absl::StrSplit(resource, '/');
  if (parts.size() < 2 || parts[0] != "partnerships" || parts[1].empty() || parts[1] == "-") {
    return "";
  }
  return absl::StrCat(parts[0], "/", parts[1]);
}

}  // namespace accord::gateway
