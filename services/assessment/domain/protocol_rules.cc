#include "services/assessment/domain/protocol_rules.h"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/api/errors.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "services/assessment/domain/violations.h"

namespace accord::assessment {
namespace {

bool IsBlank(absl::string_view text) { return absl::StripAsciiWhitespace(text).empty(); }

// AIP-122: 3-63 lower-case letters, digits and hyphens, starting with a letter and not
// ending with a hyphen (the same rule as partnership ids).
bool IsResourceId(absl::string_view id) {
  bool ok =
      id.size() >= 3 && id.size() <= 63 && absl::ascii_islower(id.front()) && id.back() != '-';
  for (char c : id) ok = ok && (absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-');
  return ok;
}

bool IsRealTier(v1::Tier tier) {
  return tier == v1::LIMITED || tier == v1::MODERATE || tier == v1::MAJOR;
}

bool IsRealRole(int role) { return v1::Role_IsValid(role) && role != v1::ROLE_UNSPECIFIED; }

void CheckReviews(const google::protobuf::RepeatedPtrField<v1::ReviewCadence>& reviews,
                  absl::string_view at, Violations& v) {
  for (int i = 0; i < reviews.size(); ++i) {
    const std::string field = absl::StrCat(at, "reviews[", i, "]");
    const v1::ReviewCadence& review = reviews[i];
    if (!v1::ReviewType_IsValid(review.type()) || review.type() == v1::REVIEW_TYPE_UNSPECIFIED) {
      v.Add(absl::StrCat(field, ".type"), "must name a review type");
    }
    if (review.every_months() < 1) {
      v.Add(absl::StrCat(field, ".every_months"),
            absl::StrCat("must be 1 or more; got ", review.every_months()));
    }
  }
}

void CheckRoles(const google::protobuf::RepeatedField<int>& roles, absl::string_view field,
                Violations& v) {
  std::set<int> seen;
  for (int i = 0; i < roles.size(); ++i) {
    if (!IsRealRole(roles[i])) {
      v.Add(absl::StrCat(field, "[", i, "]"), absl::StrCat("must name a role; got ", roles[i]));
    } else if (!seen.insert(roles[i]).second) {
      v.Add(absl::StrCat(field, "[", i, "]"),
            absl::StrCat("role ", v1::Role_Name(roles[i]), " is listed twice"));
    }
  }
}

void CheckQuestion(const v1::SignificanceQuestion& question, absl::string_view at, Violations& v) {
  if (IsBlank(question.title())) v.Add(absl::StrCat(at, ".title"), "is required");
  const v1::Derivation derivation = question.derivation();
  const bool banded = derivation == v1::AMOUNT_PENCE || derivation == v1::COUNT;
  if (derivation != v1::SCORE && !banded) {
    v.Add(absl::StrCat(at, ".derivation"), "must be SCORE, AMOUNT_PENCE or COUNT");
    return;
  }
  std::set<int> allowed;
  for (int i = 0; i < question.allowed_scores_size(); ++i) {
    const int score = question.allowed_scores(i);
    const std::string field = absl::StrCat(at, ".allowed_scores[", i, "]");
    if (score < 1 || score > kTopScore) {
      v.Add(field, absl::StrCat("must be between 1 and ", kTopScore, "; got ", score));
    } else if (!allowed.insert(score).second) {
      v.Add(field, absl::StrCat("score ", score, " is listed twice"));
    }
  }
  if (banded && question.allowed_scores_size() > 0) {
    v.Add(absl::StrCat(at, ".allowed_scores"),
          "only SCORE questions list allowed scores; a banded question's bands give them");
  }
  if (banded && question.bands_size() == 0) {
    v.Add(absl::StrCat(at, ".bands"), "an AMOUNT_PENCE or COUNT question needs bands");
  }
  const int last = question.bands_size() - 1;
  bool have_previous = false;
  int64_t previous = 0;
  for (int i = 0; i <= last; ++i) {
    const v1::Band& band = question.bands(i);
    const std::string field = absl::StrCat(at, ".bands[", i, "]");
    if (band.score() < 1 || band.score() > kTopScore) {
      v.Add(absl::StrCat(field, ".score"),
            absl::StrCat("must be between 1 and ", kTopScore, "; got ", band.score()));
    }
    if (!banded) {
      if (band.has_max_inclusive()) {
        v.Add(absl::StrCat(field, ".max_inclusive"),
              "only AMOUNT_PENCE and COUNT questions have band limits");
      }
      continue;
    }
    if (i == last) {
      if (band.has_max_inclusive()) {
        v.Add(absl::StrCat(field, ".max_inclusive"),
              "the last band must be unbounded so that every value has a band");
      }
      continue;
    }
    if (!band.has_max_inclusive()) {
      v.Add(absl::StrCat(field, ".max_inclusive"),
            "is required on every band but the last; only the last band is unbounded");
      have_previous = false;
      continue;
    }
    if (band.max_inclusive() < 0) {
      v.Add(absl::StrCat(field, ".max_inclusive"),
            absl::StrCat("must be 0 or more; got ", band.max_inclusive()));
    }
    if (have_previous && band.max_inclusive() <= previous) {
      v.Add(absl::StrCat(field, ".max_inclusive"),
            absl::StrCat("must be greater than the previous band's ", previous, "; got ",
                         band.max_inclusive()));
    }
    have_previous = true;
    previous = band.max_inclusive();
  }
}

void CheckTierRequirements(const v1::Protocol& protocol, Violations& v) {
  std::map<int, int> index_of_tier;
  for (int i = 0; i < protocol.tier_requirements_size(); ++i) {
    const v1::TierRequirement& requirement = protocol.tier_requirements(i);
    const std::string at = absl::StrCat("tier_requirements[", i, "].");
    if (!IsRealTier(requirement.tier())) {
      v.Add(absl::StrCat(at, "tier"), "must be LIMITED, MODERATE or MAJOR");
    } else if (auto [it, inserted] = index_of_tier.emplace(requirement.tier(), i); !inserted) {
      v.Add(absl::StrCat(at, "tier"),
            absl::StrCat("tier ", v1::Tier_Name(requirement.tier()),
                         " already has a requirement at tier_requirements[", it->second, "]"));
    }
    if (!v1::EvaluationKind_IsValid(requirement.document()) ||
        requirement.document() == v1::EVALUATION_KIND_UNSPECIFIED) {
      v.Add(absl::StrCat(at, "document"),
            "must be REGISTRATION, BASIC_EVALUATION or FULL_EVALUATION");
    }
    if (requirement.sign_off_roles_size() == 0) {
      v.Add(absl::StrCat(at, "sign_off_roles"), "at least one sign-off role is required");
    }
    CheckRoles(requirement.sign_off_roles(), absl::StrCat(at, "sign_off_roles"), v);
    for (int r = 0; r < requirement.risk_registers_size(); ++r) {
      const int reg = requirement.risk_registers(r);
      if (!v1::RiskRegister_IsValid(reg) || reg == v1::RISK_REGISTER_UNSPECIFIED) {
        v.Add(absl::StrCat(at, "risk_registers[", r, "]"), "must name a risk register");
      }
    }
    CheckReviews(requirement.reviews(), at, v);
    for (int d = 0; d < requirement.extra_documents_size(); ++d) {
      if (IsBlank(requirement.extra_documents(d))) {
        v.Add(absl::StrCat(at, "extra_documents[", d, "]"), "must not be blank");
      }
    }
  }
  for (v1::Tier tier : {v1::LIMITED, v1::MODERATE, v1::MAJOR}) {
    if (!index_of_tier.contains(tier)) {
      v.Add("tier_requirements", absl::StrCat("exactly one requirement per tier is needed; ",
                                              v1::Tier_Name(tier), " has none"));
    }
  }
}

// Checklist items and screening questions alike: an id unique within the list, and text.
template <typename Item>
void CheckChecklist(const google::protobuf::RepeatedPtrField<Item>& items, absl::string_view name,
                    Violations& v) {
  std::map<std::string, int> index_of_id;
  for (int i = 0; i < items.size(); ++i) {
    const std::string at = absl::StrCat(name, "[", i, "]");
    if (IsBlank(items[i].id())) {
      v.Add(absl::StrCat(at, ".id"), "is required");
    } else if (auto [it, inserted] = index_of_id.emplace(items[i].id(), i); !inserted) {
      v.Add(absl::StrCat(at, ".id"), absl::StrCat("id '", items[i].id(), "' is already used by ",
                                                  name, "[", it->second, "]"));
    }
    if (IsBlank(items[i].text())) v.Add(absl::StrCat(at, ".text"), "is required");
  }
}

void CheckRiskMatrix(const v1::RiskMatrix& matrix, Violations& v) {
  if (matrix.impact_levels_size() < 2) {
    v.Add("risk_matrix.impact_levels",
          absl::StrCat("at least 2 levels are required; got ", matrix.impact_levels_size()));
  }
  if (matrix.likelihood_levels_size() < 2) {
    v.Add("risk_matrix.likelihood_levels",
          absl::StrCat("at least 2 levels are required; got ", matrix.likelihood_levels_size()));
  }
  if (matrix.bands_size() == 0) {
    v.Add("risk_matrix.bands", "at least one band is required");
    return;
  }
  const int top = matrix.impact_levels_size() * matrix.likelihood_levels_size();
  // Which band holds each score 1..top; 0 when none.
  std::vector<int> holder(static_cast<size_t>(std::max(top, 0)) + 1, -1);
  for (int i = 0; i < matrix.bands_size(); ++i) {
    const v1::RiskRatingBand& band = matrix.bands(i);
    const std::string at = absl::StrCat("risk_matrix.bands[", i, "]");
    if (IsBlank(band.name())) v.Add(absl::StrCat(at, ".name"), "is required");
    if (band.min_score() < 1 || band.min_score() > top) {
      v.Add(absl::StrCat(at, ".min_score"),
            absl::StrCat("must be between 1 and ", top, "; got ", band.min_score()));
      continue;
    }
    if (band.max_score() < band.min_score() || band.max_score() > top) {
      v.Add(absl::StrCat(at, ".max_score"),
            absl::StrCat("must be between min_score ", band.min_score(), " and ", top, "; got ",
                         band.max_score()));
      continue;
    }
    for (int score = band.min_score(); score <= band.max_score(); ++score) {
      if (holder[score] >= 0) {
        v.Add(at, absl::StrCat("overlaps risk_matrix.bands[", holder[score], "] at score ", score));
        break;
      }
      holder[score] = i;
    }
  }
  std::vector<int> uncovered;
  for (int score = 1; score <= top; ++score) {
    if (holder[score] < 0) uncovered.push_back(score);
  }
  if (!uncovered.empty()) {
    v.Add("risk_matrix.bands",
          absl::StrCat("must cover every score from 1 to ", top, " (impact x likelihood); ",
                       "not covered: ", absl::StrJoin(uncovered, ", ")));
  }
}

class CollectErrors : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (first_.empty()) {
      // The parser counts from zero; editors count from one.
      first_ = absl::StrCat(line + 1, ":", column + 1, ": ", message);
    }
  }
  void AddWarning(int, google::protobuf::io::ColumnNumber, const std::string&) override {}
  const std::string& first() const { return first_; }

 private:
  std::string first_;
};

// `status` with its message prefixed, keeping its payloads (reason, field violations).
absl::Status Prefixed(const absl::Status& status, absl::string_view prefix) {
  absl::Status out(status.code(), absl::StrCat(prefix, status.message()));
  status.ForEachPayload(
      [&out](absl::string_view url, const absl::Cord& payload) { out.SetPayload(url, payload); });
  return out;
}

}  // namespace

absl::Status ValidateProtocol(const v1::Protocol& protocol, absl::string_view prefix) {
  Violations v(prefix);
  const absl::string_view name = protocol.name();
  if (!absl::StartsWith(name, kProtocolCollection) ||
      !IsResourceId(name.substr(kProtocolCollection.size()))) {
    v.Add("name", absl::StrCat("must look like protocols/{id}, the id 3 to 63 lower-case "
                               "letters, digits or hyphens starting with a letter; got '",
                               name, "'"));
  }
  if (protocol.version() < 1) {
    v.Add("version", absl::StrCat("must be 1 or more; got ", protocol.version()));
  }

  CheckChecklist(protocol.screening_questions(), "screening_questions", v);

  if (protocol.questions_size() == 0) {
    v.Add("questions", "at least one significance question is required");
  }
  std::map<int, int> index_of_number;
  for (int i = 0; i < protocol.questions_size(); ++i) {
    const v1::SignificanceQuestion& question = protocol.questions(i);
    const std::string at = absl::StrCat("questions[", i, "]");
    if (question.number() < 1) {
      v.Add(absl::StrCat(at, ".number"),
            absl::StrCat("must be 1 or more; got ", question.number()));
    } else if (auto [it, inserted] = index_of_number.emplace(question.number(), i); !inserted) {
      v.Add(absl::StrCat(at, ".number"),
            absl::StrCat("question ", question.number(), " is already numbered at questions[",
                         it->second, "]"));
    }
    CheckQuestion(question, at, v);
  }

  const v1::TierThresholds& thresholds = protocol.thresholds();
  if (thresholds.moderate_percent() <= 0 ||
      thresholds.moderate_percent() >= thresholds.major_percent()) {
    v.Add("thresholds.moderate_percent",
          absl::StrCat("must be above 0 and below major_percent (", thresholds.major_percent(),
                       "); got ", thresholds.moderate_percent()));
  }
  if (thresholds.major_percent() <= 0 || thresholds.major_percent() > 100) {
    v.Add("thresholds.major_percent",
          absl::StrCat("must be above 0 and at most 100; got ", thresholds.major_percent()));
  }

  CheckTierRequirements(protocol, v);

  const v1::KeyPartnershipRules& key = protocol.key_partnership();
  CheckRoles(key.extra_sign_off_roles(), "key_partnership.extra_sign_off_roles", v);
  if (key.memorandum_required() && !IsRealRole(key.memorandum_approver())) {
    v.Add("key_partnership.memorandum_approver",
          "is required when key_partnership.memorandum_required is set");
  }
  CheckReviews(key.reviews(), "key_partnership.", v);

  const v1::BusinessCaseRule& business_case = protocol.business_case();
  if ((business_case.required_at_creation() || business_case.required_at_review()) &&
      !IsRealRole(business_case.signer())) {
    v.Add("business_case.signer", "is required when a business case is required");
  }

  std::map<int, int> index_of_section;
  for (int i = 0; i < protocol.evaluation_sections_size(); ++i) {
    const v1::EvaluationSection& section = protocol.evaluation_sections(i);
    const std::string at = absl::StrCat("evaluation_sections[", i, "]");
    if (section.number() < 1) {
      v.Add(absl::StrCat(at, ".number"), absl::StrCat("must be 1 or more; got ", section.number()));
    } else if (auto [it, inserted] = index_of_section.emplace(section.number(), i); !inserted) {
      v.Add(absl::StrCat(at, ".number"),
            absl::StrCat("section ", section.number(),
                         " is already numbered at evaluation_sections[", it->second, "]"));
    }
    if (IsBlank(section.title())) v.Add(absl::StrCat(at, ".title"), "is required");
  }

  CheckChecklist(protocol.governance_checklist(), "governance_checklist", v);
  CheckChecklist(protocol.memorandum_checklist(), "memorandum_checklist", v);
  CheckChecklist(protocol.pre_entry_checklist(), "pre_entry_checklist", v);
  CheckRiskMatrix(protocol.risk_matrix(), v);
  return v.Done();
}

absl::StatusOr<v1::Protocol> ParseProtocolText(absl::string_view text, absl::string_view source) {
  v1::Protocol protocol;
  CollectErrors errors;
  google::protobuf::TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(std::string(text), &protocol)) {
    return api::Error(
        absl::StatusCode::kInvalidArgument, "INVALID_PROTOCOL_TEXT",
        absl::StrCat(source, ":", errors.first().empty() ? "1:1: cannot parse" : errors.first()));
  }
  absl::Status valid = ValidateProtocol(protocol);
  if (!valid.ok()) return Prefixed(valid, absl::StrCat(source, ": "));
  return protocol;
}

absl::StatusOr<v1::Protocol> LoadProtocolFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot read protocol file ", path));
  std::ostringstream text;
  text << in.rdbuf();
  return ParseProtocolText(text.str(), path);
}

}  // namespace accord::assessment
