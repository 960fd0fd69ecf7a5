// The council's officer directory, kept by the HR system through the gateway. The gateway
// takes an officer's roles and service from here, never from the caller.
//
// Thread-safe. Find reads an immutable in-memory snapshot (pointer copied under a reader
// lock); changes run one at a time, write one synced batch and publish a new snapshot
// before returning, so an officer marked as left cannot act on the next request.
#ifndef ACCORD_GATEWAY_DIRECTORY_OFFICER_DIRECTORY_H_
#define ACCORD_GATEWAY_DIRECTORY_OFFICER_DIRECTORY_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "accord/gateway/v1/gateway.pb.h"
#include "common/storage/store.h"
#include "google/protobuf/field_mask.pb.h"

namespace accord::gateway {

struct OfficerPage {
  std::vector<v1::Officer> officers;
  std::string next_page_token;
};

class OfficerDirectory {
 public:
  static std::vector<std::string> ColumnFamilies();
  // Loads the directory from `store` (not owned; must outlive the directory).
  static absl::StatusOr<std::unique_ptr<OfficerDirectory>> Open(storage::Store* store);

  // INVALID_ARGUMENT naming the field for a bad id, missing name or service, or unknown
  // role; ALREADY_EXISTS when the id is taken.
  // `actor` is recorded as the officer's updated_by (the client system, say).
  absl::StatusOr<v1::Officer> Create(absl::string_view officer_id, const v1::Officer& officer,
                                     absl::string_view actor = "");
  // NOT_FOUND naming "name".
  absl::StatusOr<v1::Officer> Get(absl::string_view name) const;
  absl::StatusOr<OfficerPage> List(int page_size, absl::string_view page_token) const;
  // Changes display_name, service and roles (those in `mask`; all three when empty).
  // FAILED_PRECONDITION for an officer who has left.
  absl::StatusOr<v1::Officer> Update(const v1::Officer& officer,
                                     const google::protobuf::FieldMask& mask,
                                     absl::string_view actor = "");
  // Marks the officer as left; leaving twice answers the same officer.
  absl::StatusOr<v1::Officer> Leave(absl::string_view name, absl::string_view actor = "");

  // The officer with id `officer_id`, or nullptr when there is none. Departed officers are
  // returned (active = false); the caller decides.
  std::shared_ptr<const v1::Officer> Find(absl::string_view officer_id) const;

 private:
  using Snapshot = std::map<std::string, std::shared_ptr<const v1::Officer>, std::less<>>;
  explicit OfficerDirectory(storage::Store* store) : store_(store) {}
  absl::Status Save(const v1::Officer& officer) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  std::shared_ptr<const Snapshot> Current() const;

  storage::Store* store_;
  absl::Mutex write_mu_;
  mutable absl::Mutex snapshot_mu_;
  std::shared_ptr<const Snapshot> snapshot_ ABSL_GUARDED_BY(snapshot_mu_);
};

}  // namespace accord::gateway

#endif  // ACCORD_GATEWAY_DIRECTORY_OFFICER_DIRECTORY_H_
