// The review service's use cases: it follows the register, assessment and risk feeds into
// one record per partnership (schedule, compliance facts), records reviews, exit strategies,
// exits and performance reports, and answers the keeper's compliance view and annual report.
// Every change is one batch with its feed event; what is due is read from an index ordered
// by due date. Knows nothing of gRPC (the register is reached through PartnershipRegister).
//
// Thread safety: safe to share; see storage::Store.
#ifndef ACCORD_SERVICES_REVIEW_REVIEWS_H_
#define ACCORD_SERVICES_REVIEW_REVIEWS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "accord/review/v1/review_service.pb.h"
#include "common/server/caller.h"
#include "common/storage/store.h"
#include "services/review/partnership_register.h"

namespace accord::review {

namespace v1 = accord::review::v1;

class Reviews {
 public:
  static std::vector<std::string> ColumnFamilies();

  // Neither is owned; both must outlive this. `today` gives the current date (tests pin it).
  Reviews(storage::Store* store, PartnershipRegister* register_service,
          std::function<absl::CivilDay()> today = nullptr);

  // Apply one event of each feed exactly once (cursor in the same batch). Events that say
  // nothing to the review service only move the cursor.
  absl::Status FollowRegister(const events::v1::Event& event);
  absl::Status FollowAssessment(const events::v1::Event& event);
  absl::Status FollowRisk(const events::v1::Event& event);

  // NOT_FOUND when the review service has heard nothing of the partnership.
  absl::StatusOr<v1::Schedule> GetSchedule(const std::string& name) const;
  absl::StatusOr<v1::ListDueItemsResponse> ListDueItems(
      const v1::ListDueItemsRequest& request) const;

  absl::StatusOr<v1::Review> CreateReview(const v1::CreateReviewRequest& request,
                                          const server::Caller& caller);
  absl::StatusOr<v1::Review> GetReview(const std::string& name) const;
  absl::StatusOr<v1::ListReviewsResponse> ListReviews(const v1::ListReviewsRequest& request) const;

  absl::StatusOr<v1::PerformanceReport> CreatePerformanceReport(
      const v1::CreatePerformanceReportRequest& request, const server::Caller& caller);
  absl::StatusOr<v1::PerformanceReport> GetPerformanceReport(const std::string& name) const;

  absl::StatusOr<v1::ExitStrategy> GetExitStrategy(const std::string& name) const;
  absl::StatusOr<v1::ExitStrategy> UpdateExitStrategy(
      const v1::UpdateExitStrategyRequest& request, const server::Caller& caller);
  // Moves the partnership to EXITING then CLOSED through the register, then records the exit.
  absl::StatusOr<v1::Exit> CreateExit(const v1::CreateExitRequest& request,
                                      const server::Caller& caller);
  absl::StatusOr<v1::Exit> GetExit(const std::string& name) const;

  absl::StatusOr<v1::Compliance> GetCompliance(const v1::GetComplianceRequest& request) const;
  absl::StatusOr<v1::ListAnomaliesResponse> ListAnomalies(
      const v1::ListAnomaliesRequest& request) const;
  absl::StatusOr<v1::AnnualReport> GetAnnualReport(const std::string& name) const;

  // Stores records as if the feeds had built them (schedules refreshed from their protocols,
  // indexes written), all in one batch without feed events. For seeding and benchmarks.
  absl::Status Import(const std::vector<v1::TrackedPartnership>& records,
                      absl::CivilDay effective);

  storage::Store* store() const { return store_; }

 private:
  // Applies `react` to the partnership's record under ApplyOnce for feed `source`.
  using Reaction = std::function<bool(v1::TrackedPartnership&)>;
  absl::Status Follow(absl::string_view source, const events::v1::Event& event,
                      const std::string& partnership, const Reaction& react);
  absl::StatusOr<absl::CivilDay> AsOf(const std::string& text, absl::string_view field) const;

  storage::Store* store_;
  PartnershipRegister* register_;
  std::function<absl::CivilDay()> today_;
};

}  // namespace accord::review

#endif  // ACCORD_SERVICES_REVIEW_REVIEWS_H_
