// The partnership life cycle (DOMAIN.md section 8, ARCHITECTURE.md decision 9), written
// once: which acts each state of a partnership allows, and how the acts of the assessment
// service move it. Every service judges its writes by this one table; the register owns the
// state, the others keep a view of it fed by the register's change feed.
//
// Pure: no gRPC, no RocksDB. Reads are always allowed and are not acts.
#ifndef ACCORD_COMMON_LIFECYCLE_LIFECYCLE_H_
#define ACCORD_COMMON_LIFECYCLE_LIFECYCLE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "accord/registry/v1/partnership.pb.h"

namespace accord::lifecycle {

using registry::v1::State;

// Everything a person or a client system can do to a partnership or its records.
enum class Act {
  kEditRecord,    // change the register entry: name, remit, partners, documents, protocol
  kScreen,        // record a screening (is it a partnership?)
  kAssess,        // record a significance assessment
  kModerate,      // the Chief Executive decides a final tier
  kEvaluate,      // start or edit an evaluation (registration, basic or full)
  kSubmit,        // submit an evaluation for sign-off
  kSignOff,       // sign off or reject an evaluation
  kRecordRisk,    // add, change or close a risk
  kReview,        // record a review or a performance report; start or end a review
  kExitStrategy,  // write or change the exit strategy
  kExit,          // decide a formal exit (EXITING, then CLOSED)
  kNote,          // add a meeting note or an annual summary
  kFinance,       // record a financial year's figures (the finance system)
};

// Every act, in declaration order (for matrices and messages).
const std::vector<Act>& AllActs();
// Every state a partnership can be in (not STATE_UNSPECIFIED), in number order.
const std::vector<State>& AllStates();

// A short phrase naming the act, for messages: "record a risk".
absl::string_view ActName(Act act);

// Whether a partnership in `state` allows `act`.
bool Allows(State state, Act act);

// OK when a partnership in `state` allows `act`. Otherwise FAILED_PRECONDITION whose
// ErrorInfo reason says why (PARTNERSHIP_CLOSED, PARTNERSHIP_SCREENED_OUT,
// PARTNERSHIP_REJECTED, PARTNERSHIP_NOT_SCREENED, PARTNERSHIP_NOT_ASSESSED,
// PARTNERSHIP_NOT_APPROVED, PARTNERSHIP_EXITING) and whose message names the partnership,
// its state, what to do next and what the state allows.
absl::Status Check(absl::string_view partnership, State state, Act act);

// Closed, screened out or rejected: read-only for ever. Each service finishes its own
// records when a partnership reaches one of these (closes risks, withdraws escalations and
// evaluations, cancels due items).
bool IsFinal(State state);

// What an act of the assessment service tells the register about the state.
enum class Outcome {
  kNone,         // an act that moves nothing by itself (moderation, a draft)
  kScreenedIn,   // IS_PARTNERSHIP or IN_BETWEEN
  kScreenedOut,  // NOT_A_PARTNERSHIP
  kAssessed,
  kSubmitted,
  kApproved,  // the last sign-off
  kRejected,
};

// The state the register moves a partnership in `from` to when it applies an accepted act
// with `outcome`; `from` when the act moves nothing from there. The register applies it to
// the assessment feed, and the assessment service to its own records, so both agree.
State StateAfter(State from, Outcome outcome);

// The state a service that drives the steps before approval itself (the assessment
// service, from its own records) judges an act by: the register's state once the register
// has moved it past approval or ended it (the register moves it there itself), otherwise
// whichever of the two is further along (the service's own records are ahead of the
// register's feed by the time the feed takes to arrive).
State Effective(State register_state, State own_progress);

// What is left of a service's own progress once the register moves from `register_before`
// to `register_after`: nothing (STATE_UNSPECIFIED) when the register has caught up with it,
// moved backwards (the keeper sent an evaluation back) or moved past approval; otherwise
// `own_progress`, still ahead of the register's feed.
State OwnProgressAfter(State register_before, State register_after, State own_progress);

}  // namespace accord::lifecycle

#endif  // ACCORD_COMMON_LIFECYCLE_LIFECYCLE_H_
