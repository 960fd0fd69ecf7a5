// API keys given to the gateway as a file (--api_keys_file), for deployments that keep
// configuration in Secrets: only each key's SHA-256 is in the file, never the key. Pure.
//
// One key per line, fields separated by spaces; blank lines and lines starting with # are
// ignored:
//   <key id> <client> <scope>[,<scope>...] <acts-for-officers: yes|no> <sha256 of the secret, hex>
// `accord-admin keys hash --client NAME --scopes a,b` makes a key and prints its line.
#ifndef ACCORD_GATEWAY_AUTH_KEYS_FILE_H_
#define ACCORD_GATEWAY_AUTH_KEYS_FILE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "accord/gateway/v1/gateway.pb.h"

namespace accord::gateway {

// The keys in `text`, each with from_file set. INVALID_ARGUMENT naming the line and the
// field for the first bad line (unknown scope, malformed id or hash, repeated id).
absl::StatusOr<std::vector<v1::ApiKey>> ParseKeysFile(absl::string_view text);

// The line ParseKeysFile reads for `key` (whose secret_sha256 is set).
std::string KeysFileLine(const v1::ApiKey& key);

}  // namespace accord::gateway

#endif  // ACCORD_GATEWAY_AUTH_KEYS_FILE_H_
