// API keys: their text form, hashing and constant-time checking, and the registry's
// create / rotate / revoke over a real store.
#include "absl/strings/match.h"
#include "gateway/auth/api_key_secret.h"
#include "gateway/auth/key_registry.h"
#include "gateway/auth/keys_file.h"
#include "gtest/gtest.h"
#include "tests/common/temp_dir.h"

namespace accord::gateway {
namespace {

TEST(ApiKeySecret, FormattedKeyParsesBackToItsParts) {
  std::string id = NewKeyId(), secret = NewKeySecret();
  EXPECT_EQ(id.size(), 16u);
  EXPECT_EQ(secret.size(), 43u);
  auto parsed = ParseApiKey(FormatApiKey(id, secret));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->key_id, id);
  EXPECT_EQ(parsed->secret, secret);
}

TEST(ApiKeySecret, MalformedKeysAreUnauthenticated) {
  for (const char* text : {"", "accord_", "bearer", "accord_0123456789abcdef_short",
                           "other_0123456789abcdef_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                           "accord_0123456789ABCDEF_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                           "accord_0123456789abcdef_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"}) {
    EXPECT_EQ(ParseApiKey(text).status().code(), absl::StatusCode::kUnauthenticated) << text;
  }
}

TEST(ApiKeySecret, OnlyTheRightSecretMatchesItsHash) {
  std::string secret = NewKeySecret();
  std::string hash = HashSecret(secret);
  EXPECT_EQ(hash.size(), 32u);
  EXPECT_TRUE(SecretMatches(secret, hash));
  std::string other = secret;
  other.back() = other.back() == 'A' ? 'B' : 'A';
  EXPECT_FALSE(SecretMatches(other, hash));
  EXPECT_FALSE(SecretMatches(secret, hash.substr(1)));
  EXPECT_NE(NewKeySecret(), secret);
}

TEST(ApiKeySecret, BearerTokenNeedsTheBearerScheme) {
  EXPECT_EQ(BearerToken("Bearer abc"), "abc");
  EXPECT_EQ(BearerToken("bearer   abc "), "abc");
  EXPECT_EQ(BearerToken("Basic abc"), "");
  EXPECT_EQ(BearerToken("Bearer"), "");
  EXPECT_EQ(BearerToken(""), "");
}

class KeyRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(); }
  void Reopen() {
    registry_.reset();
    store_.reset();
    store_ = *storage::Store::Open({.path = dir_.path(),
                                    .service = "gateway",
                                    .column_families = KeyRegistry::ColumnFamilies()});
    registry_ = *KeyRegistry::Open(store_.get());
  }
  testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<KeyRegistry> registry_;
};

TEST_F(KeyRegistryTest, CreatedKeyVerifiesAndIsStoredOnlyAsAHash) {
  auto issued = registry_->Create("finance", {"partnerships:read"}, false);
  ASSERT_TRUE(issued.ok()) << issued.status();
  EXPECT_TRUE(absl::StartsWith(issued->secret, "accord_"));
  EXPECT_TRUE(issued->api_key.secret_sha256().empty());
  auto verified = registry_->Verify(issued->secret);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ((*verified)->client(), "finance");

  std::string secret_part = ParseApiKey(issued->secret)->secret;
  {
    std::unique_ptr<rocksdb::Iterator> it = store_->NewIterator("api_keys");
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      EXPECT_FALSE(absl::StrContains(storage::View(it->value()), secret_part));
    }
  }
  Reopen();  // the key survives a restart
  EXPECT_TRUE(registry_->Verify(issued->secret).ok());
}

TEST_F(KeyRegistryTest, WrongUnknownRotatedAndRevokedKeysAreRefusedAlike) {
  auto issued = *registry_->Create("hr", {"officers:write"}, false);
  std::string wrong = issued.secret;
  wrong.back() = wrong.back() == 'A' ? 'B' : 'A';
  auto refused = registry_->Verify(wrong);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kUnauthenticated);
  std::string unknown = FormatApiKey(NewKeyId(), NewKeySecret());
  EXPECT_EQ(registry_->Verify(unknown).status().message(), refused.status().message());

  auto rotated = registry_->Rotate(issued.api_key.name());
  ASSERT_TRUE(rotated.ok()) << rotated.status();
  EXPECT_FALSE(registry_->Verify(issued.secret).ok());
  EXPECT_TRUE(registry_->Verify(rotated->secret).ok());

  ASSERT_TRUE(registry_->Revoke(issued.api_key.name()).ok());
  EXPECT_EQ(registry_->Verify(rotated->secret).status().message(), refused.status().message());
  EXPECT_EQ(registry_->Rotate(issued.api_key.name()).status().code(),
            absl::StatusCode::kFailedPrecondition);
  Reopen();
  EXPECT_FALSE(registry_->Verify(rotated->secret).ok());
  ASSERT_EQ(registry_->List().size(), 1u);
  EXPECT_TRUE(registry_->List()[0].has_revoke_time());
}

TEST_F(KeyRegistryTest, UnknownScopesAndMissingClientNameTheField) {
  auto bad = registry_->Create("", {"partnerships:read", "everything"}, false);
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(bad.status().message(), "client: is required"));
  EXPECT_TRUE(absl::StrContains(bad.status().message(), "scopes[1]"));
}

// A key made for --api_keys_file: its line round-trips, the key verifies against the hash,
// and the API cannot rotate or revoke it.
TEST_F(KeyRegistryTest, KeysFromTheFileVerifyAndCannotBeChangedByApi) {
  v1::ApiKey key;
  std::string id = NewKeyId(), secret = NewKeySecret();
  key.set_name("apiKeys/" + id);
  key.set_client("hr");
  key.add_scopes("officers:read");
  key.add_scopes("officers:write");
  key.set_secret_sha256(HashSecret(secret));
  std::string text = "# keys for the HR system\n\n" + KeysFileLine(key) + "\n";
  absl::StatusOr<std::vector<v1::ApiKey>> parsed = ParseKeysFile(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->size(), 1u);
  EXPECT_EQ((*parsed)[0].client(), "hr");
  EXPECT_FALSE((*parsed)[0].acts_for_officers());
  EXPECT_TRUE((*parsed)[0].from_file());

  registry_ = *KeyRegistry::Open(store_.get(), *parsed);
  auto verified = registry_->Verify(FormatApiKey(id, secret));
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_EQ((*verified)->scopes_size(), 2);
  EXPECT_FALSE(registry_->Verify(FormatApiKey(id, NewKeySecret())).ok());
  for (const auto& status : {registry_->Rotate(key.name()).status(),
                             registry_->Revoke(key.name()).status()}) {
    EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_TRUE(absl::StrContains(status.message(), "--api_keys_file")) << status;
  }
  ASSERT_EQ(registry_->List().size(), 1u);
  EXPECT_TRUE(registry_->List()[0].secret_sha256().empty()) << "a listed key has no hash";

  // A stored key with the same id as a file key: refused at open.
  auto issued = registry_->Create("finance", {"finance:write"}, false);
  ASSERT_TRUE(issued.ok());
  v1::ApiKey clash = key;
  clash.set_name(issued->api_key.name());
  EXPECT_EQ(KeyRegistry::Open(store_.get(), {clash}).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(KeysFile, BadLinesNameTheLineAndTheField) {
  std::string hash(64, 'a');
  struct Case {
    std::string text, expected;
  } cases[] = {
      {"0123456789abcdef hr officers:read no", "line 1: the line must have 5 fields"},
      {"\nXYZ hr officers:read no " + hash, "line 2: key id must be 16 lower-case hex"},
      {"0123456789abcdef hr everything no " + hash, "line 1: scope 'everything' is not a known"},
      {"0123456789abcdef hr officers:read maybe " + hash, "acts-for-officers must be yes or no"},
      {"0123456789abcdef hr officers:read no abc", "sha256 must be 64 lower-case hex"},
      {"0123456789abcdef hr officers:read no " + hash + "\n0123456789abcdef hr officers:read no " +
           hash,
       "line 2: key id is repeated"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<std::vector<v1::ApiKey>> parsed = ParseKeysFile(c.text);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_TRUE(absl::StrContains(parsed.status().message(), c.expected))
        << parsed.status() << " for " << c.text;
  }
}

}  // namespace
}  // namespace accord::gateway
