// Who is calling: the officer and roles the gateway puts in metadata (x-accord-officer,
// x-accord-roles: comma-separated role names). Services trust these headers only because
// the gateway is their only caller from outside (ARCHITECTURE.md, decision 6).
#ifndef ACCORD_COMMON_SERVER_CALLER_H_
#define ACCORD_COMMON_SERVER_CALLER_H_

#include <set>
#include <string>

#include "absl/status/statusor.h"
#include "grpcpp/server_context.h"

namespace accord::server {

inline constexpr char kOfficerHeader[] = "x-accord-officer";
inline constexpr char kRolesHeader[] = "x-accord-roles";
inline constexpr char kClientHeader[] = "x-accord-client";

struct Caller {
  std::string officer;          // empty when the call names nobody
  std::set<std::string> roles;  // upper-case role names, for example "HEAD_OF_SERVICE"
  std::string client;           // the client system (API key's client), when named
};

Caller CallerOf(const grpc::ServerContextBase& ctx);

// The caller, or UNAUTHENTICATED when the call names no officer.
absl::StatusOr<Caller> RequireOfficer(const Caller& caller);

// Who an act is recorded as done by: the officer, else the client system ("client:finance").
std::string ActorOf(const Caller& caller);
// The caller, or UNAUTHENTICATED when the call names neither an officer nor a client system.
absl::StatusOr<Caller> RequireActor(const Caller& caller);

}  // namespace accord::server

#endif  // ACCORD_COMMON_SERVER_CALLER_H_
