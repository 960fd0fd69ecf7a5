#include "services/assessment/domain/significance.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/assessment/domain/protocol_rules.h"
#include "services/assessment/domain/violations.h"

namespace accord::assessment {
namespace {

std::vector<int> AllowedScores(const v1::SignificanceQuestion& question) {
  if (question.allowed_scores_size() == 0) return {1, 2, 3, 4, 5};
  return {question.allowed_scores().begin(), question.allowed_scores().end()};
}

// "1, 3 or 5"
std::string OneOf(const std::vector<int>& scores) {
  if (scores.size() == 1) return absl::StrCat(scores[0]);
  std::vector<int> head(scores.begin(), scores.end() - 1);
  return absl::StrCat(absl::StrJoin(head, ", "), " or ", scores.back());
}

// The score of the first band whose range holds `value`; 0 when none does, which a valid
// protocol (last band unbounded) never allows.
int BandScore(const v1::SignificanceQuestion& question, int64_t value) {
  for (const v1::Band& band : question.bands()) {
    if (!band.has_max_inclusive() || value <= band.max_inclusive()) return band.score();
  }
  return 0;
}

absl::string_view TakesWhat(v1::Derivation derivation) {
  switch (derivation) {
    case v1::AMOUNT_PENCE:
      return "an amount in pence (amount_pence)";
    case v1::COUNT:
      return "a count (count)";
    default:
      return "a score (score)";
  }
}

}  // namespace

v1::Tier TierFor(int total, int maximum, const v1::TierThresholds& thresholds) {
  if (maximum <= 0) return v1::TIER_UNSPECIFIED;
  const int64_t scaled = int64_t{total} * 100;
  if (scaled >= int64_t{thresholds.major_percent()} * maximum) return v1::MAJOR;
  if (scaled >= int64_t{thresholds.moderate_percent()} * maximum) return v1::MODERATE;
  return v1::LIMITED;
}

int RoundedPercent(int total, int maximum) {
  if (maximum <= 0) return 0;
  return static_cast<int>((int64_t{200} * total + maximum) / (int64_t{2} * maximum));
}

absl::StatusOr<Score> ScoreAnswers(const google::protobuf::RepeatedPtrField<v1::Answer>& answers,
                                   const v1::Protocol& protocol) {
  std::map<int, const v1::SignificanceQuestion*> questions;
  for (const v1::SignificanceQuestion& q : protocol.questions()) questions[q.number()] = &q;

  Violations v;
  Score score;
  std::map<int, int> answer_of_question;
  int answered = 0;
  for (int i = 0; i < answers.size(); ++i) {
    const v1::Answer& answer = answers[i];
    const std::string at = absl::StrCat("answers[", i, "]");
    score.derived_scores.push_back(0);

    auto found = questions.find(answer.question());
    if (found == questions.end()) {
      v.Add(absl::StrCat(at, ".question"),
            absl::StrCat("no question ", answer.question(), " in ", protocol.name(), " version ",
                         protocol.version()));
      continue;
    }
    if (auto [it, inserted] = answer_of_question.emplace(answer.question(), i); !inserted) {
      v.Add(absl::StrCat(at, ".question"),
            absl::StrCat("question ", answer.question(), " is already answered by answers[",
                         it->second, "]; answer each question at most once"));
      continue;
    }
    const v1::SignificanceQuestion& question = *found->second;
    const int number = question.number();
    int derived = 0;
    switch (answer.value_case()) {
      case v1::Answer::VALUE_NOT_SET:
        v.Add(at, absl::StrCat("question ", number,
                               ": set one of score, amount_pence, count or not_applicable"));
        continue;
      case v1::Answer::kNotApplicable:
        if (!answer.not_applicable()) {
          v.Add(absl::StrCat(at, ".not_applicable"),
                absl::StrCat("question ", number, ": must be true when set; answer with ",
                             TakesWhat(question.derivation()), " instead"));
        }
        continue;
      case v1::Answer::kScore: {
        ++answered;
        if (question.derivation() != v1::SCORE) {
          v.Add(absl::StrCat(at, ".score"),
                absl::StrCat("question ", number, " takes ", TakesWhat(question.derivation()),
                             ", not a score"));
          continue;
        }
        const std::vector<int> allowed = AllowedScores(question);
        if (std::find(allowed.begin(), allowed.end(), answer.score()) == allowed.end()) {
          v.Add(absl::StrCat(at, ".score"), absl::StrCat("question ", number, " accepts ",
                                                         OneOf(allowed), "; got ", answer.score()));
          continue;
        }
        derived = answer.score();
        break;
      }
      case v1::Answer::kAmountPence:
        ++answered;
        if (question.derivation() != v1::AMOUNT_PENCE) {
          v.Add(absl::StrCat(at, ".amount_pence"),
                absl::StrCat("question ", number, " takes ", TakesWhat(question.derivation()),
                             ", not an amount"));
          continue;
        }
        if (answer.amount_pence() < 0) {
          v.Add(absl::StrCat(at, ".amount_pence"),
                absl::StrCat("question ", number, ": must be 0 or more; got ",
                             answer.amount_pence()));
          continue;
        }
        derived = BandScore(question, answer.amount_pence());
        break;
      case v1::Answer::kCount:
        ++answered;
        if (question.derivation() != v1::COUNT) {
          v.Add(absl::StrCat(at, ".count"),
                absl::StrCat("question ", number, " takes ", TakesWhat(question.derivation()),
                             ", not a count"));
          continue;
        }
        if (answer.count() < 0) {
          v.Add(absl::StrCat(at, ".count"),
                absl::StrCat("question ", number, ": must be 0 or more; got ", answer.count()));
          continue;
        }
        derived = BandScore(question, answer.count());
        break;
    }
    if (derived < 1 || derived > kTopScore) {
      // Only a protocol that skipped ValidateProtocol gets here.
      v.Add(at, absl::StrCat("question ", number, ": the protocol gives no valid score for it"));
      continue;
    }
    score.derived_scores.back() = derived;
    score.total += derived;
    score.maximum += kTopScore;
    if (derived == kTopScore && question.top_score_means_accountable_body()) {
      score.accountable_body = true;
    }
  }
  if (answered == 0) {
    v.Add("answers", "at least one question must be answered; all are missing or not applicable");
  }
  if (!v.empty()) return v.Done();
  score.percent = RoundedPercent(score.total, score.maximum);
  score.tier = TierFor(score.total, score.maximum, protocol.thresholds());
  return score;
}

absl::StatusOr<v1::Assessment> Assess(const v1::Assessment& input, const v1::Protocol& protocol) {
  absl::StatusOr<Score> score = ScoreAnswers(input.answers(), protocol);
  if (!score.ok()) return score.status();
  v1::Assessment out = input;
  for (int i = 0; i < out.answers_size(); ++i) {
    out.mutable_answers(i)->set_derived_score(score->derived_scores[i]);
  }
  out.set_total(score->total);
  out.set_maximum(score->maximum);
  out.set_percent(score->percent);
  out.set_computed_tier(score->tier);
  out.set_accountable_body(score->accountable_body);
  const bool moderated =
      input.has_moderation() && input.moderation().tier() != v1::TIER_UNSPECIFIED;
  out.set_final_tier(moderated ? input.moderation().tier() : score->tier);
  out.set_protocol(protocol.name());
  out.set_protocol_version(protocol.version());
  return out;
}

absl::Status CheckModeration(v1::Tier tier, absl::string_view reason) {
  Violations v;
  if (tier != v1::LIMITED && tier != v1::MODERATE && tier != v1::MAJOR) {
    v.Add("tier", absl::StrCat("must be LIMITED, MODERATE or MAJOR; got ",
                               v1::Tier_IsValid(tier) ? v1::Tier_Name(tier)
                                                      : absl::StrCat(static_cast<int>(tier))));
  }
  if (absl::StripAsciiWhitespace(reason).empty()) {
    v.Add("reason", "is required: a moderated tier must record why it differs");
  }
  return v.Done();
}

}  // namespace accord::assessment
