#include "services/review/domain/compliance_rules.h"

#include "absl/strings/str_cat.h"
#include "accord/assessment/v1/assessment.pb.h"
#include "accord/registry/v1/partnership.pb.h"
#include "accord/risk/v1/risk.pb.h"
#include "services/review/domain/review_schedule.h"

namespace accord::review {
namespace {

namespace assessment = accord::assessment::v1;
namespace registry = accord::registry::v1;
using Escalation = accord::risk::v1::Escalation;

v1::Anomaly Make(const v1::TrackedPartnership& record, v1::AnomalyKind kind,
                 std::string detail) {
  v1::Anomaly anomaly;
  anomaly.set_partnership(record.name());
  anomaly.set_display_name(record.display_name());
  anomaly.set_kind(kind);
  anomaly.set_detail(std::move(detail));
  return anomaly;
}

}  // namespace

bool Watched(const v1::TrackedPartnership& record) {
  return !record.screened_out() && record.state() != registry::SCREENED_OUT &&
         record.state() != registry::REJECTED && record.state() != registry::CLOSED &&
         !record.exited();
}

std::vector<v1::Anomaly> StandingAnomalies(const v1::TrackedPartnership& record,
                                           const assessment::Protocol* protocol) {
  std::vector<v1::Anomaly> anomalies;
  if (!Watched(record)) return anomalies;
  if (!record.screened()) {
    anomalies.push_back(Make(record, v1::NOT_SCREENED, "no screening recorded"));
  } else if (!record.assessed()) {
    anomalies.push_back(Make(record, v1::NOT_ASSESSED, "no significance assessment recorded"));
  } else {
    assessment::EvaluationKind required = assessment::EVALUATION_KIND_UNSPECIFIED;
    if (protocol != nullptr) {
      for (const auto& requirement : protocol->tier_requirements()) {
        if (requirement.tier() == record.tier()) required = requirement.document();
      }
    }
    bool complete = false, approved = false;
    for (const auto& evaluation : record.evaluations()) {
      if (required != assessment::EVALUATION_KIND_UNSPECIFIED && evaluation.kind() != required) {
        continue;
      }
      complete |= evaluation.state() == assessment::Evaluation::SUBMITTED ||
                  evaluation.state() == assessment::Evaluation::APPROVED;
      approved |= evaluation.state() == assessment::Evaluation::APPROVED;
    }
    std::string document = required == assessment::EVALUATION_KIND_UNSPECIFIED
                               ? std::string("the tier's document")
                               : assessment::EvaluationKind_Name(required);
    if (!complete) {
      anomalies.push_back(
          Make(record, v1::DOCUMENT_MISSING,
               absl::StrCat(document, " for a ", assessment::Tier_Name(record.tier()),
                            " partnership is not complete")));
    } else if (!approved) {
      anomalies.push_back(Make(record, v1::SIGN_OFF_MISSING,
                               absl::StrCat(document, " is submitted but not signed off")));
    }
  }
  if (record.tier() == assessment::MAJOR) {
    int waiting = 0;
    for (const auto& risk : record.risks()) {
      if (risk.open() && risk.escalation() != Escalation::ACKNOWLEDGED &&
          risk.escalation() != Escalation::ACCEPTED) {
        ++waiting;
      }
    }
    if (waiting > 0) {
      anomalies.push_back(Make(
          record, v1::RISKS_NOT_ESCALATED,
          absl::StrCat(waiting, " open risk(s) of a Major partnership not acknowledged by the "
                                "corporate risk register")));
    }
  }
  bool memorandum_required =
      protocol == nullptr || protocol->key_partnership().memorandum_required();
  if (record.key_partnership() && memorandum_required) {
    bool memorandum = false;
    for (const auto& evaluation : record.evaluations()) {
      memorandum |= evaluation.state() == assessment::Evaluation::APPROVED &&
                    evaluation.memorandum_approved();
    }
    if (!memorandum) {
      anomalies.push_back(Make(record, v1::MEMORANDUM_MISSING,
                               "key partnership without an approved memorandum of understanding"));
    }
  }
  if ((record.state() == registry::ACTIVE || record.state() == registry::UNDER_REVIEW) &&
      !record.has_exit_strategy()) {
    anomalies.push_back(Make(record, v1::EXIT_STRATEGY_MISSING, "no exit strategy recorded"));
  }
  return anomalies;
}

v1::Anomaly OverdueAnomaly(const v1::DueItem& item) {
  v1::Anomaly anomaly;
  anomaly.set_partnership(item.partnership());
  anomaly.set_display_name(item.display_name());
  anomaly.set_kind(v1::REVIEW_OVERDUE);
  anomaly.set_detail(absl::StrCat(assessment::ReviewType_Name(item.type()), " due ",
                                  item.due_date()));
  return anomaly;
}

std::vector<v1::Anomaly> OverdueAnomalies(const v1::TrackedPartnership& record,
                                          absl::CivilDay as_of) {
  std::vector<v1::Anomaly> anomalies;
  for (const auto& item : record.items()) {
    if (IsOverdue(item, as_of)) anomalies.push_back(OverdueAnomaly(item));
  }
  return anomalies;
}

}  // namespace accord::review
