#include "common/api/field_mask.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/errors.h"
#include "google/protobuf/util/field_mask_util.h"

namespace accord::api {

using google::protobuf::FieldDescriptor;
using google::protobuf::util::FieldMaskUtil;

absl::Status ApplyFieldMask(const google::protobuf::FieldMask& mask,
                            const google::protobuf::Message& source,
                            const std::set<std::string>& writable,
                            google::protobuf::Message* target) {
  const google::protobuf::Descriptor* descriptor = source.GetDescriptor();
  google::protobuf::FieldMask effective;
  bool all = mask.paths_size() == 1 && mask.paths(0) == "*";
  if (mask.paths_size() == 0 || all) {
    const google::protobuf::Reflection* reflection = source.GetReflection();
    for (const std::string& name : writable) {
      const FieldDescriptor* field = descriptor->FindFieldByName(name);
      if (field == nullptr) continue;
      bool set = field->is_repeated() ? reflection->FieldSize(source, field) > 0
                                      : reflection->HasField(source, field);
      if (all || set) effective.add_paths(name);
    }
  } else {
    std::vector<std::string> violations;
    for (const std::string& path : mask.paths()) {
      std::string top = path.substr(0, path.find('.'));
      if (!FieldMaskUtil::GetFieldDescriptors(descriptor, path, nullptr)) {
        violations.push_back(absl::StrCat("'", path, "' is not a field of ",
                                          descriptor->name()));
      } else if (!writable.count(top)) {
        violations.push_back(absl::StrCat("'", path, "' is output only or cannot be changed"));
      }
    }
    if (!violations.empty()) {
      return InvalidField("update_mask", absl::StrJoin(violations, "; "));
    }
    effective = mask;
  }
  FieldMaskUtil::MergeOptions options;
  options.set_replace_message_fields(true);
  options.set_replace_repeated_fields(true);
  FieldMaskUtil::MergeMessageTo(source, effective, options, target);
  return absl::OkStatus();
}

}  // namespace accord::api
