#include "gateway/auth/key_registry.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/api/errors.h"
#include "gateway/auth/access_policy.h"
#include "gateway/auth/api_key_secret.h"
#include "google/protobuf/util/time_util.h"

namespace accord::gateway {
namespace {

constexpr absl::string_view kKeysFamily = "api_keys";

using google::protobuf::util::TimeUtil;

absl::Status Refused() {
  return api::Error(absl::StatusCode::kUnauthenticated, "INVALID_API_KEY",
                    "the API key is missing, malformed, unknown or revoked");
}

std::string KeyIdOf(absl::string_view name) {
  absl::ConsumePrefix(&name, "apiKeys/");
  return std::string(name);
}

v1::ApiKey WithoutHash(const v1::ApiKey& key) {
  v1::ApiKey out = key;
  out.clear_secret_sha256();
  return out;
}

absl::Status FromFile(absl::string_view name) {
  return api::Error(absl::StatusCode::kFailedPrecondition, "API_KEY_FROM_FILE",
                    absl::StrCat("name: ", name, " comes from the gateway's --api_keys_file; "
                                 "change that file and restart the gateway"));
}

}  // namespace

std::vector<std::string> KeyRegistry::ColumnFamilies() { return {std::string(kKeysFamily)}; }

absl::StatusOr<std::unique_ptr<KeyRegistry>> KeyRegistry::Open(
    storage::Store* store, const std::vector<v1::ApiKey>& file_keys) {
  std::unique_ptr<KeyRegistry> registry(new KeyRegistry(store));
  auto snapshot = std::make_shared<Snapshot>();
  std::unique_ptr<rocksdb::Iterator> it = store->NewIterator(kKeysFamily);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto key = std::make_shared<v1::ApiKey>();
    if (!key->ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("api key ", storage::View(it->key()),
                                              " does not parse"));
    }
    (*snapshot)[std::string(storage::View(it->key()))] = std::move(key);
  }
  if (!it->status().ok()) return storage::FromRocks(it->status(), "reading api keys");
  for (const v1::ApiKey& key : file_keys) {
    std::string id = KeyIdOf(key.name());
    if (snapshot->count(id)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "api key ", id, " is both in --api_keys_file and in the gateway's store"));
    }
    (*snapshot)[id] = std::make_shared<const v1::ApiKey>(key);
  }
  absl::MutexLock lock(&registry->snapshot_mu_);
  registry->snapshot_ = std::move(snapshot);
  return registry;
}

std::shared_ptr<const KeyRegistry::Snapshot> KeyRegistry::Current() const {
  absl::ReaderMutexLock lock(&snapshot_mu_);
  return snapshot_;
}

absl::Status KeyRegistry::Save(const v1::ApiKey& key) {
  std::string id = KeyIdOf(key.name());
  absl::Status written = store_->Write([&](storage::Change& change) {
    change.Put(kKeysFamily, id, key.SerializeAsString());
    return absl::OkStatus();
  });
  if (!written.ok()) return written;
  auto next = std::make_shared<Snapshot>(*Current());
  (*next)[id] = std::make_shared<const v1::ApiKey>(key);
  absl::MutexLock lock(&snapshot_mu_);
  snapshot_ = std::move(next);
  return absl::OkStatus();
}

absl::StatusOr<IssuedKey> KeyRegistry::Create(absl::string_view client,
                                              const std::vector<std::string>& scopes,
                                              bool acts_for_officers) {
  std::vector<api::FieldViolation> violations;
  if (client.empty()) violations.push_back({"client", "is required"});
  if (scopes.empty()) violations.push_back({"scopes", "name at least one scope"});
  for (size_t i = 0; i < scopes.size(); ++i) {
    if (!KnownScopes().count(scopes[i])) {
      violations.push_back({absl::StrCat("scopes[", i, "]"),
                            absl::StrCat("'", scopes[i], "' is not a known scope")});
    }
  }
  if (!violations.empty()) return api::InvalidFields(violations);

  absl::MutexLock lock(&write_mu_);
  std::string id;
  do {
    id = NewKeyId();
  } while (Current()->count(id));
  std::string secret = NewKeySecret();
  v1::ApiKey key;
  key.set_name(absl::StrCat("apiKeys/", id));
  key.set_client(std::string(client));
  for (const std::string& scope : scopes) key.add_scopes(scope);
  key.set_acts_for_officers(acts_for_officers);
  *key.mutable_create_time() = TimeUtil::GetCurrentTime();
  key.set_secret_sha256(HashSecret(secret));
  if (absl::Status saved = Save(key); !saved.ok()) return saved;
  return IssuedKey{WithoutHash(key), FormatApiKey(id, secret)};
}

std::vector<v1::ApiKey> KeyRegistry::List() const {
  std::vector<v1::ApiKey> out;
  for (const auto& [id, key] : *Current()) out.push_back(WithoutHash(*key));
  return out;
}

absl::StatusOr<IssuedKey> KeyRegistry::Rotate(absl::string_view name) {
  std::string id = KeyIdOf(name);
  absl::MutexLock lock(&write_mu_);
  auto snapshot = Current();
  auto it = snapshot->find(id);
  if (it == snapshot->end()) {
    return api::Error(absl::StatusCode::kNotFound, "API_KEY_NOT_FOUND",
                      absl::StrCat("name: no API key ", name));
  }
  if (it->second->from_file()) return FromFile(name);
  if (it->second->has_revoke_time()) {
    return api::Error(absl::StatusCode::kFailedPrecondition, "API_KEY_REVOKED",
                      absl::StrCat("name: ", name, " is revoked; create a new key instead"));
  }
  v1::ApiKey key = *it->second;
  std::string secret = NewKeySecret();
  key.set_secret_sha256(HashSecret(secret));
  *key.mutable_rotate_time() = TimeUtil::GetCurrentTime();
  if (absl::Status saved = Save(key); !saved.ok()) return saved;
  return IssuedKey{WithoutHash(key), FormatApiKey(id, secret)};
}

absl::StatusOr<v1::ApiKey> KeyRegistry::Revoke(absl::string_view name) {
  std::string id = KeyIdOf(name);
  absl::MutexLock lock(&write_mu_);
  auto snapshot = Current();
  auto it = snapshot->find(id);
  if (it == snapshot->end()) {
    return api::Error(absl::StatusCode::kNotFound, "API_KEY_NOT_FOUND",
                      absl::StrCat("name: no API key ", name));
  }
  if (it->second->from_file()) return FromFile(name);
  if (it->second->has_revoke_time()) return WithoutHash(*it->second);
  v1::ApiKey key = *it->second;
  *key.mutable_revoke_time() = TimeUtil::GetCurrentTime();
  if (absl::Status saved = Save(key); !saved.ok()) return saved;
  return WithoutHash(key);
}

absl::StatusOr<std::shared_ptr<const v1::ApiKey>> KeyRegistry::Verify(
    absl::string_view token) const {
  absl::StatusOr<ParsedApiKey> parsed = ParseApiKey(token);
  if (!parsed.ok()) return Refused();
  auto snapshot = Current();
  auto it = snapshot->find(parsed->key_id);
  if (it == snapshot->end()) {
    // Hash anyway, so an unknown id costs what a wrong secret costs.
    SecretMatches(parsed->secret, std::string(32, '\0'));
    return Refused();
  }
  if (!SecretMatches(parsed->secret, it->second->secret_sha256()) ||
      it->second->has_revoke_time()) {
    return Refused();
  }
  return it->second;
}

}  // namespace accord::gateway
