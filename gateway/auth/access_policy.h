// Who may call which method: the gateway's authorisation table and its rules. Pure (no
// I/O); thread-safe.
//
// Every proxied and gateway-owned method has one rule: the scope an API key needs, whether
// the call writes (and so is audited), which officer roles it is limited to, and whether an
// officer may only act on partnerships of their own council service. A method without a
// rule is refused: new methods are closed until someone decides who may call them.
#ifndef ACCORD_GATEWAY_AUTH_ACCESS_POLICY_H_
#define ACCORD_GATEWAY_AUTH_ACCESS_POLICY_H_

#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace accord::gateway {

enum class RecordRule {
  kNone,
  // The request names a partnership (or something under one): an officer must belong to
  // its lead service unless a role lets them act council-wide.
  kOwnServicePartnership,
  // The request creates a partnership: its lead_service must be the officer's service,
  // with the same exceptions.
  kOwnServiceNewPartnership,
  // A decision about a partnership (sign-off, rejection, moderation, exit): an officer in a
  // service-scoped role decides only for their own service's partnerships; a council-wide
  // decision role decides for any.
  kOwnServiceDecision,
};

struct MethodRule {
  std::string method;  // gRPC full name without the leading '/'
  std::string scope;   // empty: public, no key needed
  bool write = false;  // changes something; every call is audited
  RecordRule record = RecordRule::kNone;
  // Non-empty: only a named officer holding one of these roles may call.
  std::vector<std::string> officer_roles;
};

// What the gateway has verified about a caller.
struct CallerFacts {
  std::set<std::string> scopes;
  bool names_officer = false;
  std::string officer_service;
  std::set<std::string> officer_roles;
};

// The rule of `method` ("accord.registry.v1.RegistryService/GetPartnership"), or nullptr.
const MethodRule* RuleFor(absl::string_view method);

// Every rule, in a stable order.
const std::vector<MethodRule>& AllMethodRules();

// Scopes an API key may be given, and the officer roles of DOMAIN.md section 9.
const std::set<std::string>& KnownScopes();
const std::set<std::string>& KnownRoles();

// Roles whose holders act on any service's partnerships.
const std::set<std::string>& CouncilWideRoles();
// Roles whose holders decide (kOwnServiceDecision) for any service's partnerships: the
// council-wide roles and those that decide for the whole council.
const std::set<std::string>& CouncilWideDecisionRoles();

// PERMISSION_DENIED when the caller lacks the method's scope or role. The message names the
// missing scope or role and nothing about any record.
absl::Status CheckMethod(const MethodRule& rule, const CallerFacts& caller);

// Whether CheckRecord must run: the rule has a record rule, an officer is named and none of
// their roles is council-wide.
bool NeedsRecordCheck(const MethodRule& rule, const CallerFacts& caller);

// PERMISSION_DENIED unless `record_service` (the partnership's lead service; empty when the
// record could not be found) is the officer's service. The same answer whether or not the
// record exists, so a refusal reveals nothing.
absl::Status CheckRecord(const CallerFacts& caller, absl::string_view record_service);

// The uniform refusal of a record check.
absl::Status RecordDenied();

}  // namespace accord::gateway

#endif  // ACCORD_GATEWAY_AUTH_ACCESS_POLICY_H_
