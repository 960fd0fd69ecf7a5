#include "services/registry/domain/partnership_rules.h"

#include <map>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "common/api/errors.h"

namespace accord::registry {
namespace {

using api::FieldViolation;
using v1::FieldGroup;

constexpr size_t kMaxShortText = 200;
constexpr size_t kMaxLongText = 20000;
constexpr int kMaxPartners = 100;
constexpr int kMaxDocuments = 500;
constexpr int kMaxAims = 50;

class Violations {
 public:
  explicit Violations(absl::string_view prefix) : prefix_(prefix) {}

  void Add(absl::string_view field, absl::string_view rule) {
    list_.push_back({absl::StrCat(prefix_, field), std::string(rule)});
  }

  // Text: required or optional, at most `max` bytes, no control characters.
  void Text(absl::string_view field, absl::string_view value, size_t max, bool required) {
    if (value.empty()) {
      if (required) Add(field, "is required");
      return;
    }
    if (value.size() > max) {
      Add(field, absl::StrCat("must be at most ", max, " characters; got ", value.size()));
    }
    for (unsigned char c : value) {
      if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
        Add(field, "must not contain control characters");
        break;
      }
    }
  }

  void Date(absl::string_view field, absl::string_view value, bool required) {
    if (value.empty()) {
      if (required) Add(field, "is required");
      return;
    }
    absl::Time time;
    std::string error;
    if (value.size() != 10 || !absl::ParseTime("%Y-%m-%d", value, &time, &error)) {
      Add(field, absl::StrCat("must be a date written YYYY-MM-DD; got '", value, "'"));
    }
  }

  absl::Status Done() const { return list_.empty() ? absl::OkStatus() : api::InvalidFields(list_); }

 private:
  std::string prefix_;
  std::vector<FieldViolation> list_;
};

template <typename Enum>
bool IsKnown(Enum value, bool (*is_valid)(int)) {
  return is_valid(static_cast<int>(value));
}

// Moves that need a recorded reason: ending or refusing a partnership.
bool NeedsReason(State to) {
  return to == v1::SCREENED_OUT || to == v1::REJECTED || to == v1::EXITING || to == v1::CLOSED;
}

}  // namespace

absl::Status ValidateId(absl::string_view id, absl::string_view field) {
  bool ok =
      id.size() >= 3 && id.size() <= 63 && absl::ascii_islower(id.front()) && id.back() != '-';
  for (char c : id) {
    ok = ok && (absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-');
  }
  if (!ok) {
    return api::InvalidField(
        field, absl::StrCat("must be 3 to 63 lower-case letters, digits or hyphens, start with "
                            "a letter and not end with a hyphen; got '",
                            id, "'"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> IdFromName(absl::string_view name, absl::string_view field) {
  if (name.empty()) return api::InvalidField(field, "is required");
  if (!absl::StartsWith(name, kCollection)) {
    return api::InvalidField(field,
                             absl::StrCat("must look like partnerships/{id}; got '", name, "'"));
  }
  std::string id(name.substr(kCollection.size()));
  absl::Status valid = ValidateId(id, field);
  if (!valid.ok()) return valid;
  return id;
}

absl::Status ValidatePartnership(const Partnership& p, absl::string_view prefix) {
  Violations v(prefix);
  v.Text("display_name", p.display_name(), kMaxShortText, true);
  v.Text("remit", p.remit(), kMaxLongText, false);
  v.Text("lead_service", p.lead_service(), kMaxShortText, true);
  v.Text("lead_officer", p.lead_officer(), kMaxShortText, false);
  v.Text("monitoring_arrangements", p.monitoring_arrangements(), kMaxLongText, false);
  if (p.partners_size() > kMaxPartners) {
    v.Add("partners", absl::StrCat("at most ", kMaxPartners, " partners"));
  }
  for (int i = 0; i < p.partners_size() && i < kMaxPartners; ++i) {
    const auto& partner = p.partners(i);
    std::string at = absl::StrCat("partners[", i, "].");
    v.Text(at + "organisation", partner.organisation(), kMaxShortText, true);
    v.Text(at + "role", partner.role(), kMaxShortText, false);
    if (!IsKnown(partner.sector(), v1::Sector_IsValid)) v.Add(at + "sector", "is not a sector");
    if (!IsKnown(partner.power(), v1::Level_IsValid)) v.Add(at + "power", "must be LOW or HIGH");
    if (!IsKnown(partner.interest(), v1::Level_IsValid)) {
      v.Add(at + "interest", "must be LOW or HIGH");
    }
  }
  const auto& money = p.council_contribution();
  if (money.money_pence() < 0) {
    v.Add("council_contribution.money_pence",
          absl::StrCat("must be zero or more; got ", money.money_pence()));
  }
  if (money.in_kind_pence() < 0) {
    v.Add("council_contribution.in_kind_pence",
          absl::StrCat("must be zero or more; got ", money.in_kind_pence()));
  }
  v.Text("council_contribution.in_kind_description", money.in_kind_description(), kMaxLongText,
         false);
  if (p.corporate_aims_size() > kMaxAims) {
    v.Add("corporate_aims", absl::StrCat("at most ", kMaxAims, " aims"));
  }
  for (int i = 0; i < p.corporate_aims_size() && i < kMaxAims; ++i) {
    v.Text(absl::StrCat("corporate_aims[", i, "]"), p.corporate_aims(i), kMaxShortText, true);
  }
  if (p.documents_size() > kMaxDocuments) {
    v.Add("documents", absl::StrCat("at most ", kMaxDocuments, " documents"));
  }
  for (int i = 0; i < p.documents_size() && i < kMaxDocuments; ++i) {
    const auto& document = p.documents(i);
    std::string at = absl::StrCat("documents[", i, "].");
    v.Text(at + "kind", document.kind(), kMaxShortText, true);
    v.Text(at + "title", document.title(), kMaxShortText, true);
    v.Text(at + "reference", document.reference(), kMaxShortText, false);
    v.Date(at + "date", document.date(), false);
  }
  for (int i = 0; i < p.confidential_groups_size(); ++i) {
    int group = p.confidential_groups(i);
    if (group == v1::FIELD_GROUP_UNSPECIFIED || !v1::FieldGroup_IsValid(group)) {
      v.Add(absl::StrCat("confidential_groups[", i, "]"), "is not a field group");
    }
  }
  return v.Done();
}

absl::Status ValidateMeetingNote(const v1::MeetingNote& note, absl::string_view prefix) {
  Violations v(prefix);
  v.Date("meeting_date", note.meeting_date(), true);
  v.Text("text", note.text(), kMaxLongText, true);
  return v.Done();
}

absl::Status ValidateAnnualSummary(const v1::AnnualSummary& summary, absl::string_view prefix) {
  Violations v(prefix);
  if (summary.year() < 1990 || summary.year() > 2200) {
    v.Add("year", absl::StrCat("must be a year from 1990 to 2200; got ", summary.year()));
  }
  v.Text("text", summary.text(), kMaxLongText, true);
  return v.Done();
}

absl::Status ValidateFinancialYear(const v1::FinancialYear& year, absl::string_view prefix) {
  Violations v(prefix);
  if (year.start_year() < 2000 || year.start_year() > 2100) {
    v.Add("start_year", absl::StrCat("must be the year the financial year starts, 2000 to 2100; "
                                     "got ", year.start_year()));
  }
  if (year.committed_contribution_pence() < 0) {
    v.Add("committed_contribution_pence",
          absl::StrCat("must be zero or more; got ", year.committed_contribution_pence()));
  }
  if (year.actual_spend_pence() < 0) {
    v.Add("actual_spend_pence",
          absl::StrCat("must be zero or more; got ", year.actual_spend_pence()));
  }
  v.Text("source", year.source(), kMaxShortText, false);
  return v.Done();
}

const std::set<std::string>& WritableFields() {
  static const auto* fields = new std::set<std::string>{"display_name",
                                                        "remit",
                                                        "lead_service",
                                                        "lead_officer",
                                                        "partners",
                                                        "council_contribution",
                                                        "corporate_aims",
                                                        "key_partnership",
                                                        "monitoring_arrangements",
                                                        "additional_monitoring_required",
                                                        "documents",
                                                        "confidential_groups"};
  return *fields;
}

std::set<State> NextStates(State from) {
  static const auto* moves = new std::map<State, std::set<State>>{
      {v1::PROPOSED, {v1::SCREENED, v1::SCREENED_OUT}},
      {v1::SCREENED, {v1::ASSESSED, v1::SCREENED_OUT}},
      {v1::ASSESSED, {v1::AWAITING_APPROVAL}},
      // Sent back for changes (ASSESSED), approved, or refused.
      {v1::AWAITING_APPROVAL, {v1::ASSESSED, v1::ACTIVE, v1::REJECTED}},
      {v1::ACTIVE, {v1::UNDER_REVIEW, v1::EXITING}},
      {v1::UNDER_REVIEW, {v1::ACTIVE, v1::EXITING}},
      {v1::EXITING, {v1::CLOSED}},
  };
  auto it = moves->find(from);
  return it == moves->end() ? std::set<State>{} : it->second;
}

absl::Status CheckTransition(State from, State to, absl::string_view reason) {
  if (to == v1::STATE_UNSPECIFIED || !v1::State_IsValid(to)) {
    return api::InvalidField("state", "must name the state to move to");
  }
  std::set<State> next = NextStates(from);
  if (!next.count(to)) {
    std::vector<std::string> names;
    for (State s : next) names.push_back(v1::State_Name(s));
    return api::Error(
        absl::StatusCode::kFailedPrecondition, "ILLEGAL_TRANSITION",
        absl::StrCat(
            "state: a ", v1::State_Name(from), " partnership cannot move to ", v1::State_Name(to),
            "; allowed: ", names.empty() ? "none (final state)" : absl::StrJoin(names, ", ")));
  }
  if (NeedsReason(to) && reason.empty()) {
    return api::InvalidField("reason", absl::StrCat("is required to move to ", v1::State_Name(to)));
  }
  if (reason.size() > kMaxLongText) {
    return api::InvalidField("reason",
                             absl::StrCat("must be at most ", kMaxLongText, " characters"));
  }
  return absl::OkStatus();
}

absl::Status CheckRequestedTransition(State from, State to, absl::string_view reason) {
  if (absl::Status s = CheckTransition(from, to, reason); !s.ok()) return s;
  const char* instead = nullptr;
  switch (to) {
    case v1::SCREENED:
    case v1::SCREENED_OUT:
      instead = "record a screening with the assessment service";
      break;
    case v1::ASSESSED:
      instead = "record a significance assessment with the assessment service";
      break;
    case v1::AWAITING_APPROVAL:
      instead = "submit the evaluation with the assessment service";
      break;
    case v1::REJECTED:
      instead = "reject the evaluation with the assessment service";
      break;
    case v1::ACTIVE:
      if (from == v1::AWAITING_APPROVAL)
        instead = "sign off the evaluation with the assessment service";
      break;
    default:
      break;
  }
  if (instead != nullptr) {
    return api::Error(absl::StatusCode::kFailedPrecondition, "SET_BY_ASSESSMENT",
                      absl::StrCat("state: ", v1::State_Name(to),
                                   " is set when the assessment service records it; ", instead));
  }
  return absl::OkStatus();
}

PublicPartnership PublicView(const Partnership& p) {
  std::set<int> hidden(p.confidential_groups().begin(), p.confidential_groups().end());
  auto shown = [&](FieldGroup group) { return !hidden.count(group); };
  PublicPartnership out;
  out.set_name(p.name());
  out.set_display_name(p.display_name());
  out.set_tier(p.tier());
  out.set_state(p.state());
  out.set_key_partnership(p.key_partnership());
  *out.mutable_corporate_aims() = p.corporate_aims();
  *out.mutable_update_time() = p.update_time();
  if (shown(v1::REMIT)) out.set_remit(p.remit());
  if (shown(v1::LEAD)) {
    out.set_lead_service(p.lead_service());
    out.set_lead_officer(p.lead_officer());
  }
  if (shown(v1::PARTNERS)) *out.mutable_partners() = p.partners();
  if (shown(v1::CONTRIBUTION)) {
    *out.mutable_council_contribution() = p.council_contribution();
    *out.mutable_financial_years() = p.financial_years();
  }
  if (shown(v1::MONITORING)) out.set_monitoring_arrangements(p.monitoring_arrangements());
  if (shown(v1::DOCUMENTS)) *out.mutable_documents() = p.documents();
  if (shown(v1::ANNUAL_SUMMARIES)) *out.mutable_annual_summaries() = p.annual_summaries();
  return out;
}

const api::FilterSchema& PartnershipFilterSchema() {
  static const auto* schema = [] {
    auto* s = new api::FilterSchema;
    api::FilterFieldSpec state{api::FilterFieldSpec::Type::kEnum, {}};
    for (int i = v1::State_MIN + 1; i <= v1::State_MAX; ++i) {
      if (v1::State_IsValid(i)) state.enum_values.insert(v1::State_Name(i));
    }
    api::FilterFieldSpec tier{api::FilterFieldSpec::Type::kEnum, {}};
    for (int i = v1::Tier_MIN; i <= v1::Tier_MAX; ++i) {
      if (v1::Tier_IsValid(i)) tier.enum_values.insert(v1::Tier_Name(i));
    }
    (*s)["state"] = state;
    (*s)["tier"] = tier;
    (*s)["lead_service"] = {api::FilterFieldSpec::Type::kString, {}};
    (*s)["display_name"] = {api::FilterFieldSpec::Type::kString, {}};
    (*s)["key_partnership"] = {api::FilterFieldSpec::Type::kBool, {}};
    (*s)["update_time"] = {api::FilterFieldSpec::Type::kTimestamp, {}};
    return s;
  }();
  return *schema;
}

}  // namespace accord::registry
