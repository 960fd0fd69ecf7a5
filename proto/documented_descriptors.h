// The contracts as a serialized google.protobuf.FileDescriptorSet that keeps the comments
// (protoc --include_source_info), built by proto/CMakeLists.txt. Linked from
// accord_proto_docs.
#ifndef ACCORD_PROTO_DOCUMENTED_DESCRIPTORS_H_
#define ACCORD_PROTO_DOCUMENTED_DESCRIPTORS_H_

#include <string_view>

namespace accord::proto {

std::string_view DocumentedDescriptorSet();

}  // namespace accord::proto

#endif  // ACCORD_PROTO_DOCUMENTED_DESCRIPTORS_H_
