#include "common/server/caller.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "common/api/errors.h"

namespace accord::server {

Caller CallerOf(const grpc::ServerContextBase& ctx) {
  Caller caller;
  const auto& metadata = ctx.client_metadata();
  if (auto it = metadata.find(kOfficerHeader); it != metadata.end()) {
    caller.officer.assign(it->second.data(), it->second.size());
  }
  if (auto it = metadata.find(kClientHeader); it != metadata.end()) {
    caller.client.assign(it->second.data(), it->second.size());
  }
  if (auto it = metadata.find(kRolesHeader); it != metadata.end()) {
    for (absl::string_view role : absl::StrSplit(
             absl::string_view(it->second.data(), it->second.size()), ',', absl::SkipWhitespace())) {
      caller.roles.insert(absl::AsciiStrToUpper(absl::StripAsciiWhitespace(role)));
    }
  }
  return caller;
}

absl::StatusOr<Caller> RequireOfficer(const Caller& caller) {
  if (caller.officer.empty()) {
    return api::Error(absl::StatusCode::kUnauthenticated, "NO_OFFICER",
                      "this act is recorded with the officer who does it; the call names no "
                      "officer (x-accord-officer)");
  }
  return caller;
}

std::string ActorOf(const Caller& caller) {
  if (!caller.officer.empty()) return caller.officer;
  if (!caller.client.empty()) return absl::StrCat("client:", caller.client);
  return "";
}

absl::StatusOr<Caller> RequireActor(const Caller& caller) {
  if (ActorOf(caller).empty()) {
    return api::Error(absl::StatusCode::kUnauthenticated, "NO_ACTOR",
                      "this act is recorded with who does it; the call names neither an officer "
                      "(x-accord-officer) nor a client system");
  }
  return caller;
}

}  // namespace accord::server
