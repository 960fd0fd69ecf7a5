// The register service's use cases over its store: each method validates with the domain
// rules, then reads or commits one change. Knows nothing of gRPC.
//
// Thread safety: safe to share; see storage::Store.
#ifndef ACCORD_SERVICES_REGISTRY_REGISTRY_H_
#define ACCORD_SERVICES_REGISTRY_REGISTRY_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "accord/registry/v1/registry_service.pb.h"
#include "common/server/caller.h"
#include "common/storage/store.h"

namespace accord::registry {

namespace v1 = accord::registry::v1;

class Registry {
 public:
  // The column families the register keeps besides the built-in ones.
  static std::vector<std::string> ColumnFamilies();

  // `store` is not owned and must outlive the Registry.
  explicit Registry(storage::Store* store) : store_(store) {}

  // ALREADY_EXISTS when the id is taken; INVALID_ARGUMENT naming the field for bad input.
  absl::StatusOr<v1::Partnership> Create(const v1::CreatePartnershipRequest& request);
  // Create without waiting for the commit (storage::Store::WriteOnceAsync): `done` gets the
  // answer, possibly on another thread, possibly before this returns.
  void CreateAsync(const v1::CreatePartnershipRequest& request,
                   std::function<void(absl::StatusOr<v1::Partnership>)> done);
  // NOT_FOUND when there is no such partnership.
  absl::StatusOr<v1::Partnership> Get(const std::string& name) const;
  absl::StatusOr<v1::ListPartnershipsResponse> List(
      const v1::ListPartnershipsRequest& request) const;
  // ABORTED when the etag is stale; FAILED_PRECONDITION when the partnership is closed.
  // The life-cycle policy decides which states allow each act (common/lifecycle); the
  // `caller` is recorded as the author of notes and summaries and as the source of finance
  // figures. Only the register keeper rebinds the protocol (update_mask "protocol").
  absl::StatusOr<v1::Partnership> Update(const v1::UpdatePartnershipRequest& request,
                                         const server::Caller& caller);
  // FAILED_PRECONDITION unless the partnership is PROPOSED.
  absl::Status Delete(const v1::DeletePartnershipRequest& request);
  absl::StatusOr<v1::Partnership> Transition(const v1::TransitionPartnershipRequest& request);
  // UNAUTHENTICATED when the call names no officer.
  absl::StatusOr<v1::Partnership> AddMeetingNote(const v1::AddMeetingNoteRequest& request,
                                                 const server::Caller& caller);
  absl::StatusOr<v1::Partnership> AddAnnualSummary(const v1::AddAnnualSummaryRequest& request,
                                                   const server::Caller& caller);

  // Finance's figures for one financial year, replacing that year's; INVALID_ARGUMENT naming
  // the field for a negative amount or an implausible year.
  absl::StatusOr<v1::Partnership> RecordFinancialYear(
      const v1::RecordFinancialYearRequest& request, const server::Caller& caller);

  // CSV import (docs/csv.md). validate_only: every problem reported, nothing written.
  // Otherwise one batch creates every row with its CREATED event, or nothing is written and
  // the result is INVALID_ARGUMENT listing every bad row and field ("rows[3].display_name");
  // ids already in the register count as bad rows.
  absl::StatusOr<v1::ImportPartnershipsResponse> Import(
      const v1::ImportPartnershipsRequest& request);

  // The register (or its public view) as CSV or JSON, read from one snapshot record by
  // record: writers are never held up.
  absl::StatusOr<v1::ExportPartnershipsResponse> Export(
      const v1::ExportPartnershipsRequest& request) const;
  absl::StatusOr<v1::ExportPublicPartnershipsResponse> ExportPublic(
      const v1::ExportPartnershipsRequest& request) const;

  absl::StatusOr<v1::PublicPartnership> GetPublic(const std::string& name) const;
  absl::StatusOr<v1::ListPublicPartnershipsResponse> ListPublic(
      const v1::ListPartnershipsRequest& request) const;

  // Applies one event of the assessment service's feed exactly once (its cursor is stored
  // in the same batch): status and tier follow screening, scoring and sign-off.
  absl::Status FollowAssessment(const events::v1::Event& event);

  storage::Store* store() const { return store_; }

 private:
  // Loads, lets `mutate` change, re-indexes and commits one partnership under the writer
  // lock, remembering the response under (method, request_id).
  using Mutation = std::function<absl::Status(v1::Partnership&)>;
  absl::StatusOr<v1::Partnership> Mutate(absl::string_view method, const std::string& name,
                                         absl::string_view etag, absl::string_view request_id,
                                         const google::protobuf::Message& request,
                                         events::v1::ChangeKind kind, const Mutation& mutate);

  storage::Store* store_;
};

}  // namespace accord::registry

#endif  // ACCORD_SERVICES_REGISTRY_REGISTRY_H_
