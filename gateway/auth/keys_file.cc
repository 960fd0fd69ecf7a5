#include "gateway/auth/keys_file.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "common/api/errors.h"
#include "gateway/auth/access_policy.h"

namespace accord::gateway {
namespace {

bool IsHex(absl::string_view text, size_t length) {
  if (text.size() != length) return false;
  for (char c : text) {
    if (!absl::ascii_isxdigit(c) || absl::ascii_isupper(c)) return false;
  }
  return true;
}

absl::Status BadLine(int line, absl::string_view field, absl::string_view rule) {
  return api::InvalidFields({{"api_keys_file", absl::StrCat("line ", line, ": ", field, " ",
                                                            rule)}});
}

}  // namespace

absl::StatusOr<std::vector<v1::ApiKey>> ParseKeysFile(absl::string_view text) {
  std::vector<v1::ApiKey> keys;
  std::set<std::string> ids;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || absl::StartsWith(line, "#")) continue;
    std::vector<absl::string_view> fields = absl::StrSplit(line, ' ', absl::SkipWhitespace());
    if (fields.size() != 5) {
      return BadLine(number, "the line", "must have 5 fields: id client scopes "
                                         "acts-for-officers sha256");
    }
    if (!IsHex(fields[0], 16)) return BadLine(number, "key id", "must be 16 lower-case hex digits");
    if (!ids.insert(std::string(fields[0])).second) {
      return BadLine(number, "key id", "is repeated");
    }
    v1::ApiKey key;
    key.set_name(absl::StrCat("apiKeys/", fields[0]));
    key.set_client(std::string(fields[1]));
    for (absl::string_view scope : absl::StrSplit(fields[2], ',')) {
      if (!KnownScopes().count(std::string(scope))) {
        return BadLine(number, "scope", absl::StrCat("'", scope, "' is not a known scope"));
      }
      key.add_scopes(std::string(scope));
    }
    if (fields[3] != "yes" && fields[3] != "no") {
      return BadLine(number, "acts-for-officers", "must be yes or no");
    }
    key.set_acts_for_officers(fields[3] == "yes");
    if (!IsHex(fields[4], 64)) {
      return BadLine(number, "sha256", "must be 64 lower-case hex digits");
    }
    key.set_secret_sha256(absl::HexStringToBytes(fields[4]));
    key.set_from_file(true);
    keys.push_back(std::move(key));
  }
  return keys;
}

std::string KeysFileLine(const v1::ApiKey& key) {
  return absl::StrCat(absl::StripPrefix(key.name(), "apiKeys/"), " ", key.client(), " ",
                      absl::StrJoin(key.scopes(), ","), " ",
                      key.acts_for_officers() ? "yes" : "no", " ",
                      absl::BytesToHexString(key.secret_sha256()));
}

}  // namespace accord::gateway
