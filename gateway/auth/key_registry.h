// The API keys of client systems, kept in the gateway's store and mirrored in memory so that
// checking a key reads no disk and takes no exclusive lock.
//
// Thread-safe. Verify runs on every request: it copies a pointer to an immutable snapshot
// under a reader lock, so requests never serialise on each other. Changes (create, rotate,
// revoke) run one at a time, write one synced batch, then publish a new snapshot before
// returning — so a revoked key is refused by the next request.
#ifndef ACCORD_GATEWAY_AUTH_KEY_REGISTRY_H_
#define ACCORD_GATEWAY_AUTH_KEY_REGISTRY_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "accord/gateway/v1/gateway.pb.h"
#include "common/storage/store.h"

namespace accord::gateway {

struct IssuedKey {
  v1::ApiKey api_key;  // without its hash
  std::string secret;  // the whole key text, "accord_<id>_<secret>"; shown once
};

class KeyRegistry {
 public:
  static std::vector<std::string> ColumnFamilies();

  // Loads every key from `store` (not owned; must outlive the registry), plus `file_keys`
  // (from --api_keys_file, see keys_file.h). FAILED_PRECONDITION when a file key has the id of
  // a stored one.
  static absl::StatusOr<std::unique_ptr<KeyRegistry>> Open(
      storage::Store* store, const std::vector<v1::ApiKey>& file_keys = {});

  // INVALID_ARGUMENT naming "client" or "scopes[i]" for a missing client or unknown scope.
  absl::StatusOr<IssuedKey> Create(absl::string_view client, const std::vector<std::string>& scopes,
                                   bool acts_for_officers);
  // Every key, revoked ones included, without hashes, ordered by name.
  std::vector<v1::ApiKey> List() const;
  // A new secret for `name` ("apiKeys/<id>" or "<id>"); the old secret stops at once.
  // NOT_FOUND for an unknown key, FAILED_PRECONDITION for a revoked one or one from the file.
  absl::StatusOr<IssuedKey> Rotate(absl::string_view name);
  // Revokes `name`; revoking twice answers the revoked key again. FAILED_PRECONDITION for a
  // key from the file (remove its line instead).
  absl::StatusOr<v1::ApiKey> Revoke(absl::string_view name);

  // The live key `token` ("accord_<id>_<secret>") belongs to. UNAUTHENTICATED, with the same
  // message for every cause (malformed, unknown, wrong secret, revoked).
  absl::StatusOr<std::shared_ptr<const v1::ApiKey>> Verify(absl::string_view token) const;

 private:
  using Snapshot = std::map<std::string, std::shared_ptr<const v1::ApiKey>, std::less<>>;
  explicit KeyRegistry(storage::Store* store) : store_(store) {}
  absl::Status Save(const v1::ApiKey& key) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  std::shared_ptr<const Snapshot> Current() const;

  storage::Store* store_;
  absl::Mutex write_mu_;  // one change at a time, store and snapshot together
  mutable absl::Mutex snapshot_mu_;
  std::shared_ptr<const Snapshot> snapshot_ ABSL_GUARDED_BY(snapshot_mu_);
};

}  // namespace accord::gateway

#endif  // ACCORD_GATEWAY_AUTH_KEY_REGISTRY_H_
