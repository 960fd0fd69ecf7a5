#include "common/storage/protocol_versions.h"

#include <cstdint>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/api/errors.h"

namespace accord::storage {
namespace {
constexpr absl::string_view kPrefix = "protocols/";
}  // namespace

std::string ProtocolVersionKey(absl::string_view id, int version) {
  std::string key = absl::StrCat(id, std::string(1, '\0'));
  for (int shift = 24; shift >= 0; shift -= 8) {
    key.push_back(static_cast<char>((static_cast<uint32_t>(version) >> shift) & 0xff));
  }
  return key;
}

void PutProtocolVersion(Change& change, absl::string_view family,
                        const assessment::v1::Protocol& protocol) {
  change.Put(family,
             ProtocolVersionKey(absl::string_view(protocol.name()).substr(kPrefix.size()),
                                protocol.version()),
             protocol.SerializeAsString());
}

absl::StatusOr<assessment::v1::Protocol> FindProtocolVersion(const Store& store,
                                                             absl::string_view family,
                                                             absl::string_view name, int version) {
  if (!absl::StartsWith(name, kPrefix) || name.size() == kPrefix.size()) {
    return api::InvalidField("protocol",
                             absl::StrCat("must look like protocols/{protocol}; got '", name, "'"));
  }
  absl::string_view id = name.substr(kPrefix.size());
  std::string prefix = absl::StrCat(id, std::string(1, '\0'));
  auto it = store.NewIterator(family);
  it->SeekForPrev(ProtocolVersionKey(id, version > 0 ? version : INT32_MAX));
  absl::Status not_found =
      api::Error(absl::StatusCode::kNotFound, "PROTOCOL_NOT_FOUND",
                 version > 0 ? absl::StrCat("protocol: no version ", version, " of ", name)
                             : absl::StrCat("protocol: no protocol named ", name));
  if (!it->Valid() || !absl::StartsWith(View(it->key()), prefix) ||
      it->key().size() != prefix.size() + 4) {
    return not_found;
  }
  assessment::v1::Protocol protocol;
  if (!protocol.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
    return api::Error(absl::StatusCode::kDataLoss, "STORAGE_CORRUPT",
                      "a stored protocol cannot be decoded");
  }
  if (version > 0 && protocol.version() != version) return not_found;
  return protocol;
}

}  // namespace accord::storage
