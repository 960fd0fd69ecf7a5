#include "services/review/domain/partnership_tracking.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "accord/assessment/v1/assessment.pb.h"
#include "accord/registry/v1/partnership.pb.h"
#include "accord/risk/v1/risk.pb.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "common/lifecycle/lifecycle.h"
#include "services/review/domain/calendar_date.h"

namespace accord::review {
namespace {

namespace assessment = accord::assessment::v1;
namespace registry = accord::registry::v1;
namespace risk = accord::risk::v1;
using google::protobuf::util::MessageDifferencer;
using google::protobuf::util::TimeUtil;


std::string DateOfTimestamp(const google::protobuf::Timestamp& timestamp) {
  return FormatDate(DateOf(absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(timestamp))));
}

// The date an event happened: its commit time.
std::string EventDate(const events::v1::Event& event) {
  return DateOfTimestamp(event.commit_time());
}

}  // namespace

bool ReactToRegister(Tracked& record, const events::v1::Event& event) {
  registry::Partnership p;
  if (!event.resource().UnpackTo(&p)) return false;
  Tracked before = record;
  record.set_name(p.name());
  record.set_display_name(p.display_name());
  record.set_key_partnership(p.key_partnership());
  record.set_money_pence(p.council_contribution().money_pence());
  // The tier the register holds: the one truth every service reports (an assessment the
  // register refused never counts).
  record.set_tier(static_cast<assessment::Tier>(p.tier()));
  record.set_in_kind_pence(p.council_contribution().in_kind_pence());
  if (p.has_create_time()) record.set_created_date(DateOfTimestamp(p.create_time()));
  if (record.created_date().empty()) record.set_created_date(EventDate(event));
  if (event.kind() == events::v1::DELETED) {
    // Only a proposal can be deleted; it leaves the register as if it had never entered.
    record.set_state(registry::SCREENED_OUT);
  } else {
    if (p.state() == registry::CLOSED && record.state() != registry::CLOSED) {
      record.set_closed_date(EventDate(event));
    }
    record.set_state(p.state());
  }
  return !MessageDifferencer::Equals(before, record);
}

bool ReactToAssessment(Tracked& record, const events::v1::Event& event) {
  Tracked before = record;
  const std::string& action = event.action();
  if (action == "screened") {
    assessment::Screening screening;
    if (!event.resource().UnpackTo(&screening)) return false;
    record.set_screened(true);
    record.set_screened_out(screening.outcome() == assessment::NOT_A_PARTNERSHIP);
  } else if (action == "assessed" || action == "moderated") {
    assessment::Assessment assessed;
    if (!event.resource().UnpackTo(&assessed)) return false;
    record.set_assessed(true);
    record.set_protocol(assessed.protocol());
    record.set_protocol_version(assessed.protocol_version());
  } else {
    assessment::Evaluation evaluation;
    if (!absl::StartsWith(event.resource_name(), record.name() + "/evaluations/") ||
        !event.resource().UnpackTo(&evaluation)) {
      return false;
    }
    Tracked::TrackedEvaluation* tracked = nullptr;
    for (auto& existing : *record.mutable_evaluations()) {
      if (existing.name() == evaluation.name()) tracked = &existing;
    }
    if (tracked == nullptr) tracked = record.add_evaluations();
    tracked->set_name(evaluation.name());
    tracked->set_kind(evaluation.kind());
    tracked->set_state(evaluation.state());
    tracked->set_memorandum_approved(!evaluation.memorandum_approval().officer().empty());
    if (action == "approved" && evaluation.state() == assessment::Evaluation::APPROVED) {
      // A later approval (after a re-assessment) starts no new cycle; the first one counts.
      if (record.approval_date().empty()) record.set_approval_date(EventDate(event));
      if (record.protocol().empty()) {
        record.set_protocol(evaluation.protocol());
        record.set_protocol_version(evaluation.protocol_version());
      }
    }
  }
  return !MessageDifferencer::Equals(before, record);
}

bool ReactToRisk(Tracked& record, const events::v1::Event& event) {
  risk::Risk r;
  if (!event.resource().UnpackTo(&r) || r.name().empty()) return false;
  Tracked before = record;
  Tracked::TrackedRisk* tracked = nullptr;
  for (auto& existing : *record.mutable_risks()) {
    if (existing.name() == r.name()) tracked = &existing;
  }
  if (tracked == nullptr) tracked = record.add_risks();
  tracked->set_name(r.name());
  tracked->set_open(event.kind() != events::v1::DELETED && r.state() == risk::Risk::OPEN);
  tracked->set_escalation(r.escalation().state());
  return !MessageDifferencer::Equals(before, record);
}

registry::State StateOf(const Tracked& record) {
  // A formal exit recorded here closed it in the register first.
  if (record.exited()) return registry::CLOSED;
  auto registered = static_cast<registry::State>(record.state());
  if (registered == registry::STATE_UNSPECIFIED) registered = registry::PROPOSED;
  // An approval counts while its evaluation stands (one the register refused is withdrawn).
  bool approved = std::any_of(record.evaluations().begin(), record.evaluations().end(),
                              [](const auto& e) {
                                return e.state() == assessment::Evaluation::APPROVED;
                              });
  registry::State own = approved ? registry::ACTIVE
                        : record.screened_out()         ? registry::SCREENED_OUT
                        : record.assessed()             ? registry::ASSESSED
                        : record.screened()             ? registry::SCREENED
                                                        : registry::PROPOSED;
  return lifecycle::Effective(registered, own);
}

bool Schedulable(const Tracked& record) {
  return !record.approval_date().empty() && record.tier() != assessment::TIER_UNSPECIFIED &&
         record.state() != registry::CLOSED && record.state() != registry::REJECTED &&
         record.state() != registry::SCREENED_OUT && !record.exited();
}

bool RefreshSchedule(Tracked& record, const Protocol* protocol, absl::CivilDay effective) {
  std::vector<v1::DueItem> current(record.items().begin(), record.items().end());
  std::vector<v1::DueItem> next;
  if (Schedulable(record) && protocol != nullptr) {
    auto approval = ParseDate(record.approval_date(), "approval_date");
    if (approval.ok()) {
      next = Reschedule(current, RequiredCadences(*protocol, record.tier(),
                                                  record.key_partnership()),
                        *approval, std::max(*approval, effective));
    }
  }
  for (auto& item : next) {
    item.set_name(DueItemName(record.name(), item.type()));
    item.set_partnership(record.name());
    item.set_display_name(record.display_name());
  }
  // Items carry the partnership's display name for listings; a new name (the register's
  // record arriving after the assessment's approval, or a rename) is kept, but it moves no
  // date, so it is not a reschedule (tests/fault change_feeds found one event per approval
  // turning into two when the register's feed ran behind the assessment's).
  auto without_name = [](v1::DueItem item) {
    item.clear_display_name();
    return item;
  };
  bool rescheduled = current.size() != next.size();
  bool renamed = false;
  for (size_t i = 0; !rescheduled && i < next.size(); ++i) {
    rescheduled = !MessageDifferencer::Equals(without_name(current[i]), without_name(next[i]));
    renamed = renamed || current[i].display_name() != next[i].display_name();
  }
  if (!rescheduled && !renamed) return false;
  record.clear_items();
  for (auto& item : next) *record.add_items() = std::move(item);
  return rescheduled;
}

}  // namespace accord::review
