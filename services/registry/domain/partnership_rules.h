// The register's rules (DOMAIN.md section 8) as pure functions: what a valid partnership
// is, which life-cycle moves are legal, and what the public may see. No gRPC, no RocksDB.
#ifndef ACCORD_SERVICES_REGISTRY_DOMAIN_PARTNERSHIP_RULES_H_
#define ACCORD_SERVICES_REGISTRY_DOMAIN_PARTNERSHIP_RULES_H_

#include <set>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "accord/registry/v1/partnership.pb.h"
#include "common/api/filter.h"

namespace accord::registry {

using accord::registry::v1::Partnership;
using accord::registry::v1::PublicPartnership;
using accord::registry::v1::State;

// "partnerships/"
inline constexpr absl::string_view kCollection = "partnerships/";

// AIP-122 ids: 3-63 characters, lower-case letters, digits and hyphens, starting with a
// letter and not ending with a hyphen. INVALID_ARGUMENT naming `field` otherwise.
absl::Status ValidateId(absl::string_view id, absl::string_view field);

// The id in "partnerships/{id}", or INVALID_ARGUMENT naming `field`.
absl::StatusOr<std::string> IdFromName(absl::string_view name, absl::string_view field);

// Checks every client-writable field; each violation names its path under `prefix`
// (for example "partnership."). Output-only fields are not looked at.
absl::Status ValidatePartnership(const Partnership& partnership, absl::string_view prefix);

absl::Status ValidateMeetingNote(const v1::MeetingNote& note, absl::string_view prefix);
// Start year 2000 to 2100, amounts zero or more, source at most 200 characters.
absl::Status ValidateFinancialYear(const v1::FinancialYear& year, absl::string_view prefix);
absl::Status ValidateAnnualSummary(const v1::AnnualSummary& summary, absl::string_view prefix);

// The fields a client may set on create and update; everything else is output only.
const std::set<std::string>& WritableFields();

// OK when a partnership in `from` may move to `to` with `reason`. FAILED_PRECONDITION
// naming both states and the legal moves otherwise; INVALID_ARGUMENT naming "reason" when
// the move needs a reason and none is given.
absl::Status CheckTransition(State from, State to, absl::string_view reason);

// CheckTransition for a move asked for through the API. The screening, assessment and
// approval states belong to the assessment service: the register reaches them only by
// following its feed (so nobody skips screening, scoring or sign-off); asking for one is
// FAILED_PRECONDITION saying what to do instead. Reviews and exit move by hand.
absl::Status CheckRequestedTransition(State from, State to, absl::string_view reason);

// The states reachable in one move from `from`.
std::set<State> NextStates(State from);

// The public view: only field groups not marked confidential, never meeting notes.
PublicPartnership PublicView(const Partnership& partnership);

// The fields ListPartnerships' filter (AIP-160) may name, with their types; the equality
// indexes cover state, tier, lead_service and key_partnership.
const api::FilterSchema& PartnershipFilterSchema();

}  // namespace accord::registry

#endif  // ACCORD_SERVICES_REGISTRY_DOMAIN_PARTNERSHIP_RULES_H_
