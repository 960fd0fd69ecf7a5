#include "services/assessment/domain/significance.h"

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/assessment/domain/test_protocols.h"

namespace accord::assessment {
namespace {

using ::accord::assessment::testing::Protocol;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using Answers = google::protobuf::RepeatedPtrField<v1::Answer>;

v1::Answer Scored(int question, int score) {
  v1::Answer a;
  a.set_question(question);
  a.set_score(score);
  return a;
}
v1::Answer Amount(int question, int64_t pence) {
  v1::Answer a;
  a.set_question(question);
  a.set_amount_pence(pence);
  return a;
}
v1::Answer Count(int question, int count) {
  v1::Answer a;
  a.set_question(question);
  a.set_count(count);
  return a;
}
v1::Answer NotApplicable(int question) {
  v1::Answer a;
  a.set_question(question);
  a.set_not_applicable(true);
  return a;
}

Answers Of(std::initializer_list<v1::Answer> list) {
  Answers answers;
  for (const v1::Answer& a : list) *answers.Add() = a;
  return answers;
}

std::string MessageOf(const absl::StatusOr<Score>& score) {
  return std::string(score.status().message());
}

// Bolsover LSP (Appendix A): £1.5m through the council's accounts, 4 corporate aims,
// accountable body, national interest, many familiar partners, financial penalties, done
// before with the same partners.
Answers BolsoverLsp() {
  return Of({Amount(1, 150000000), Count(2, 4), Scored(3, 5), Scored(4, 5), Scored(5, 2),
             Scored(6, 5), Scored(7, 1)});
}

TEST(Significance, TheSeedsBolsoverLspExampleIs27Of35Or77PercentMajorAndAccountableBody) {
  absl::StatusOr<Score> score = ScoreAnswers(BolsoverLsp(), Protocol("bolsover"));
  ASSERT_TRUE(score.ok()) << score.status();
  EXPECT_THAT(score->derived_scores, ElementsAre(5, 4, 5, 5, 2, 5, 1));
  EXPECT_EQ(score->total, 27);
  EXPECT_EQ(score->maximum, 35);
  EXPECT_EQ(score->percent, 77);
  EXPECT_EQ(score->tier, v1::MAJOR);
  EXPECT_TRUE(score->accountable_body);
}

TEST(Significance, QuestionOneBandsPlaceEveryBoundaryAsTheProtocolStates) {
  const v1::Protocol protocol = Protocol("bolsover");
  const std::vector<std::pair<int64_t, int>> cases = {
      {0, 1},        {999999, 1},   {1000000, 2},   {2500000, 2},   {2500001, 3},
      {16000000, 3}, {16000001, 4}, {100000000, 4}, {100000001, 5}, {int64_t{1} << 50, 5}};
  for (const auto& [pence, band] : cases) {
    absl::StatusOr<Score> score = ScoreAnswers(Of({Amount(1, pence)}), protocol);
    ASSERT_TRUE(score.ok()) << pence << ": " << score.status();
    EXPECT_EQ(score->derived_scores[0], band) << pence << " pence";
  }
}

TEST(Significance, QuestionTwoCountsOfCorporateAimsMapToTheirBands) {
  const v1::Protocol protocol = Protocol("bolsover");
  const std::map<int, int> cases = {{0, 1}, {1, 2}, {2, 2}, {3, 3}, {4, 4},
                                    {5, 4}, {6, 5}, {7, 5}, {40, 5}};
  for (const auto& [count, band] : cases) {
    absl::StatusOr<Score> score = ScoreAnswers(Of({Count(2, count)}), protocol);
    ASSERT_TRUE(score.ok()) << count << ": " << score.status();
    EXPECT_EQ(score->derived_scores[0], band) << count << " aims";
  }
}

// The oracle states each rule in its own terms, reduced by hand, so that it shares no
// arithmetic with TierFor: with maximum = 5n, total/5n >= 70% <=> 2 x total >= 7n, and
// total/5n >= 50% <=> 2 x total >= 5n.
v1::Tier OracleTier(int total, int answered) {
  if (2 * total >= 7 * answered) return v1::MAJOR;
  if (2 * total >= 5 * answered) return v1::MODERATE;
  return v1::LIMITED;
}

int OraclePercent(int total, int maximum) {
  const int whole = 100 * total / maximum;
  const int remainder = 100 * total % maximum;
  return 2 * remainder >= maximum ? whole + 1 : whole;
}

// An answer to Bolsover question `question` that derives `score`, given the way the
// question is answered (amount for 1, count for 2, a score otherwise).
v1::Answer AnswerGiving(int question, int score) {
  static const int64_t kPence[] = {0, 0, 1000000, 2500001, 16000001, 100000001};
  static const int kAims[] = {0, 0, 1, 3, 4, 6};
  if (question == 1) return Amount(1, kPence[score]);
  if (question == 2) return Count(2, kAims[score]);
  return Scored(question, score);
}

// Scores for `questions` summing to `total`, question 3 odd; empty when impossible.
std::map<int, int> Distribute(const std::vector<int>& questions, int total) {
  std::map<int, int> scores;
  int rest = total;
  int others = static_cast<int>(questions.size());
  for (int q : questions) {
    if (q != 3) continue;
    --others;
    for (int s : {5, 3, 1}) {
      if (rest - s >= others && rest - s <= 5 * others) {
        scores[3] = s;
        break;
      }
    }
    if (!scores.contains(3)) return {};
    rest -= scores[3];
  }
  for (int q : questions) {
    if (q == 3) continue;
    scores[q] = 1;
    --rest;
  }
  for (int q : questions) {
    if (q == 3) continue;
    const int add = std::min(4, rest);
    scores[q] += add;
    rest -= add;
  }
  return rest == 0 ? scores : std::map<int, int>{};
}

TEST(Significance, EveryTotalOfEveryCombinationOfAnsweredQuestionsGetsTheOraclesTier) {
  const v1::Protocol protocol = Protocol("bolsover");
  int cases = 0;
  std::map<int, int> cases_by_answered;
  for (int mask = 1; mask < (1 << 7); ++mask) {
    std::vector<int> questions;
    for (int q = 1; q <= 7; ++q) {
      if (mask & (1 << (q - 1))) questions.push_back(q);
    }
    const int n = static_cast<int>(questions.size());
    for (int total = n; total <= 5 * n; ++total) {
      std::map<int, int> wanted = Distribute(questions, total);
      if (wanted.empty()) {
        // Only question 3 alone with an even total: it accepts 1, 3 or 5.
        ASSERT_EQ(questions, std::vector<int>{3});
        ASSERT_EQ(total % 2, 0);
        continue;
      }
      Answers answers;
      for (int q = 1; q <= 7; ++q) {
        *answers.Add() = wanted.contains(q) ? AnswerGiving(q, wanted[q]) : NotApplicable(q);
      }
      absl::StatusOr<Score> score = ScoreAnswers(answers, protocol);
      ASSERT_TRUE(score.ok()) << score.status();
      ASSERT_EQ(score->total, total);
      ASSERT_EQ(score->maximum, 5 * n);
      ASSERT_EQ(score->tier, OracleTier(total, n))
          << total << "/" << 5 * n << " with questions mask " << mask;
      ASSERT_EQ(score->percent, OraclePercent(total, 5 * n)) << total << "/" << 5 * n;
      ASSERT_EQ(score->accountable_body, wanted.contains(3) && wanted[3] == 5);
      ++cases;
      ++cases_by_answered[n];
    }
  }
  std::printf("[ scoring  ] %d scoring cases checked against the oracle (", cases);
  for (const auto& [n, count] : cases_by_answered) {
    std::printf("%s%d answered: %d", n == 1 ? "" : ", ", n, count);
  }
  std::printf(")\n");
  // 127 combinations of questions x (4n + 1) totals each, less question 3's two even ones.
  EXPECT_EQ(cases, 1917);
}

TEST(Significance, TierForMatchesTheOracleForEveryTotalOfOneToSevenAnsweredQuestions) {
  v1::TierThresholds thresholds;
  thresholds.set_moderate_percent(50);
  thresholds.set_major_percent(70);
  for (int n = 1; n <= 7; ++n) {
    for (int total = n; total <= 5 * n; ++total) {
      EXPECT_EQ(TierFor(total, 5 * n, thresholds), OracleTier(total, n)) << total << "/" << 5 * n;
    }
  }
}

TEST(Significance, ExactlyFiftyPercentIsModerateAndExactlySeventyIsMajor) {
  v1::TierThresholds thresholds;
  thresholds.set_moderate_percent(50);
  thresholds.set_major_percent(70);
  EXPECT_EQ(TierFor(10, 20, thresholds), v1::MODERATE);
  EXPECT_EQ(TierFor(9, 20, thresholds), v1::LIMITED);
  EXPECT_EQ(TierFor(21, 30, thresholds), v1::MAJOR);
  EXPECT_EQ(TierFor(20, 30, thresholds), v1::MODERATE);
  EXPECT_EQ(TierFor(24, 35, thresholds), v1::MODERATE);  // 68.57%
  EXPECT_EQ(TierFor(25, 35, thresholds), v1::MAJOR);     // 71.43%
  EXPECT_EQ(TierFor(17, 35, thresholds), v1::LIMITED);   // 48.57%
  EXPECT_EQ(TierFor(0, 0, thresholds), v1::TIER_UNSPECIFIED);
}

TEST(Significance, SeventyPercentExactlyFromSixAnswersIsMajor) {
  absl::StatusOr<Score> score =
      ScoreAnswers(Of({Scored(3, 5), Scored(4, 4), Scored(5, 3), Scored(6, 3), Scored(7, 3),
                       Count(2, 3), NotApplicable(1)}),
                   Protocol("bolsover"));
  ASSERT_TRUE(score.ok()) << score.status();
  EXPECT_EQ(score->total, 21);
  EXPECT_EQ(score->maximum, 30);
  EXPECT_EQ(score->percent, 70);
  EXPECT_EQ(score->tier, v1::MAJOR);
}

TEST(Significance, TwentyFourOfThirtyFiveShowsSixtyNinePercentButIsModerate) {
  absl::StatusOr<Score> score =
      ScoreAnswers(Of({Amount(1, 16000000), Count(2, 3), Scored(3, 3), Scored(4, 4), Scored(5, 4),
                       Scored(6, 4), Scored(7, 3)}),
                   Protocol("bolsover"));
  ASSERT_TRUE(score.ok()) << score.status();
  EXPECT_EQ(score->total, 24);
  EXPECT_EQ(score->percent, 69);
  EXPECT_EQ(score->tier, v1::MODERATE);
}

TEST(Significance, PercentagesRoundHalfUp) {
  EXPECT_EQ(RoundedPercent(27, 35), 77);  // 77.14
  EXPECT_EQ(RoundedPercent(1, 8), 13);    // 12.5
  EXPECT_EQ(RoundedPercent(3, 8), 38);    // 37.5
  EXPECT_EQ(RoundedPercent(1, 3), 33);    // 33.33
  EXPECT_EQ(RoundedPercent(2, 3), 67);    // 66.67
  EXPECT_EQ(RoundedPercent(24, 35), 69);  // 68.57
  EXPECT_EQ(RoundedPercent(35, 35), 100);
  EXPECT_EQ(RoundedPercent(5, 0), 0);
}

TEST(Significance, NotApplicableCountsInNeitherTotalNorMaximum) {
  absl::StatusOr<Score> score = ScoreAnswers(
      Of({NotApplicable(1), Scored(4, 3), NotApplicable(5), Scored(6, 2)}), Protocol("bolsover"));
  ASSERT_TRUE(score.ok()) << score.status();
  EXPECT_THAT(score->derived_scores, ElementsAre(0, 3, 0, 2));
  EXPECT_EQ(score->total, 5);
  EXPECT_EQ(score->maximum, 10);
  EXPECT_EQ(score->percent, 50);
  EXPECT_EQ(score->tier, v1::MODERATE);
}

TEST(Significance, AllNotApplicableIsRefusedNamingAnswers) {
  absl::StatusOr<Score> score =
      ScoreAnswers(Of({NotApplicable(1), NotApplicable(3)}), Protocol("bolsover"));
  EXPECT_EQ(score.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(score), HasSubstr("answers: at least one question must be answered"));
  EXPECT_EQ(ScoreAnswers(Answers(), Protocol("bolsover")).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(Significance, QuestionThreeRefusesTwoAndFourNamingTheField) {
  const v1::Protocol protocol = Protocol("bolsover");
  absl::StatusOr<Score> two =
      ScoreAnswers(Of({Scored(4, 1), Scored(5, 1), Scored(3, 2)}), protocol);
  EXPECT_EQ(two.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(two), HasSubstr("answers[2].score: question 3 accepts 1, 3 or 5; got 2"));
  absl::StatusOr<Score> four = ScoreAnswers(Of({Scored(3, 4)}), protocol);
  EXPECT_THAT(MessageOf(four), HasSubstr("answers[0].score: question 3 accepts 1, 3 or 5; got 4"));
}

TEST(Significance, ScoresOutsideOneToFiveAreRefused) {
  const v1::Protocol protocol = Protocol("bolsover");
  EXPECT_THAT(MessageOf(ScoreAnswers(Of({Scored(4, 0)}), protocol)),
              HasSubstr("answers[0].score: question 4 accepts 1, 2, 3, 4 or 5; got 0"));
  EXPECT_THAT(MessageOf(ScoreAnswers(Of({Scored(4, 3), Scored(7, 6)}), protocol)),
              HasSubstr("answers[1].score: question 7 accepts 1, 2, 3, 4 or 5; got 6"));
}

TEST(Significance, AValueOfTheWrongKindForItsQuestionIsRefused) {
  const v1::Protocol protocol = Protocol("bolsover");
  EXPECT_THAT(MessageOf(ScoreAnswers(Of({Scored(1, 5)}), protocol)),
              HasSubstr("answers[0].score: question 1 takes an amount in pence"));
  EXPECT_THAT(MessageOf(ScoreAnswers(Of({Amount(4, 100)}), protocol)),
              HasSubstr("answers[0].amount_pence: question 4 takes a score"));
  EXPECT_THAT(MessageOf(ScoreAnswers(Of({Count(1, 3)}), protocol)),
              HasSubstr("answers[0].count: question 1 takes an amount in pence"));
  EXPECT_THAT(MessageOf(ScoreAnswers(Of({Scored(2, 3)}), protocol)),
              HasSubstr("answers[0].score: question 2 takes a count"));
}

TEST(Significance, UnknownDuplicateNegativeAndEmptyAnswersAreEachNamed) {
  const v1::Protocol protocol = Protocol("bolsover");
  v1::Answer empty;
  empty.set_question(6);
  absl::StatusOr<Score> score = ScoreAnswers(
      Of({Amount(1, -1), Scored(9, 3), Scored(4, 2), Scored(4, 3), Count(2, -2), empty}), protocol);
  EXPECT_EQ(score.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message = MessageOf(score);
  EXPECT_THAT(message, HasSubstr("answers[0].amount_pence: question 1: must be 0 or more; got -1"));
  EXPECT_THAT(message, HasSubstr("answers[1].question: no question 9 in protocols/bolsover"));
  EXPECT_THAT(message,
              HasSubstr("answers[3].question: question 4 is already answered by answers[2]"));
  EXPECT_THAT(message, HasSubstr("answers[4].count: question 2: must be 0 or more; got -2"));
  EXPECT_THAT(message, HasSubstr("answers[5]: question 6: set one of score"));
}

TEST(Significance, AccountableBodyOnlyWhenQuestionThreeScoresFive) {
  const v1::Protocol protocol = Protocol("bolsover");
  EXPECT_TRUE(ScoreAnswers(Of({Scored(3, 5)}), protocol)->accountable_body);
  EXPECT_FALSE(ScoreAnswers(Of({Scored(3, 3)}), protocol)->accountable_body);
  // A 5 on a question without the flag says nothing about accountable body.
  EXPECT_FALSE(ScoreAnswers(Of({Scored(4, 5), Scored(3, 1)}), protocol)->accountable_body);
}

TEST(Significance, AssessFillsEveryOutputField) {
  v1::Assessment input;
  input.set_name("partnerships/bolsover-lsp/assessments/a1");
  *input.mutable_answers() = BolsoverLsp();
  absl::StatusOr<v1::Assessment> out = Assess(input, Protocol("bolsover"));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->name(), "partnerships/bolsover-lsp/assessments/a1");
  EXPECT_EQ(out->answers(0).derived_score(), 5);
  EXPECT_EQ(out->answers(1).derived_score(), 4);
  EXPECT_EQ(out->total(), 27);
  EXPECT_EQ(out->maximum(), 35);
  EXPECT_EQ(out->percent(), 77);
  EXPECT_EQ(out->computed_tier(), v1::MAJOR);
  EXPECT_EQ(out->final_tier(), v1::MAJOR);
  EXPECT_TRUE(out->accountable_body());
  EXPECT_EQ(out->protocol(), "protocols/bolsover");
  EXPECT_EQ(out->protocol_version(), 1);
}

TEST(Significance, AModeratedTierOverridesTheFinalTierButTheComputedOneIsKept) {
  v1::Assessment input;
  *input.mutable_answers() = BolsoverLsp();
  input.mutable_moderation()->set_tier(v1::MODERATE);
  input.mutable_moderation()->set_reason("Chief Executive: the LSP's funding is passported.");
  absl::StatusOr<v1::Assessment> out = Assess(input, Protocol("bolsover"));
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(out->computed_tier(), v1::MAJOR);
  EXPECT_EQ(out->final_tier(), v1::MODERATE);

  input.mutable_moderation()->set_tier(v1::TIER_UNSPECIFIED);
  EXPECT_EQ(Assess(input, Protocol("bolsover"))->final_tier(), v1::MAJOR);
}

TEST(Significance, ReDerivingUnderTheRecordedVersionIgnoresALaterVersionsThresholds) {
  const v1::Protocol version1 = Protocol("bolsover");
  v1::Protocol version2 = version1;
  version2.set_version(2);
  version2.set_amendment_note("Deputy Leader: Major from 60%.");
  version2.mutable_thresholds()->set_moderate_percent(40);
  version2.mutable_thresholds()->set_major_percent(60);
  ASSERT_TRUE(ValidateProtocol(version2).ok());
  const std::map<int, v1::Protocol> versions = {{1, version1}, {2, version2}};

  v1::Assessment input;
  *input.mutable_answers() = Of({Amount(1, 16000000), Count(2, 3), Scored(3, 3), Scored(4, 4),
                                 Scored(5, 4), Scored(6, 4), Scored(7, 3)});  // 24/35
  absl::StatusOr<v1::Assessment> stored = Assess(input, versions.at(1));
  ASSERT_TRUE(stored.ok()) << stored.status();
  ASSERT_EQ(stored->protocol_version(), 1);
  ASSERT_EQ(stored->computed_tier(), v1::MODERATE);

  // Under version 2 the same answers would be Major, so the version matters...
  EXPECT_EQ(Assess(input, versions.at(2))->computed_tier(), v1::MAJOR);
  // ...and re-deriving with the version the assessment recorded gives the stored answer.
  absl::StatusOr<v1::Assessment> again = Assess(*stored, versions.at(stored->protocol_version()));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->SerializeAsString(), stored->SerializeAsString());
}

TEST(Significance, ModerationNeedsARealTierAndAReason) {
  EXPECT_TRUE(CheckModeration(v1::LIMITED, "Agreed with the register keeper.").ok());
  absl::Status status = CheckModeration(v1::TIER_UNSPECIFIED, "  ");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("tier: must be LIMITED, MODERATE or MAJOR"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("reason: is required"));
  EXPECT_FALSE(CheckModeration(static_cast<v1::Tier>(9), "why").ok());
}

}  // namespace
}  // namespace accord::assessment
