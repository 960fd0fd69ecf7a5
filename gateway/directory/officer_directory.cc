#include "gateway/directory/officer_directory.h"

#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "common/api/errors.h"
#include "common/api/page_token.h"
#include "gateway/auth/access_policy.h"
#include "google/protobuf/util/time_util.h"

namespace accord::gateway {
namespace {

constexpr absl::string_view kOfficersFamily = "officers";
constexpr absl::string_view kNamePrefix = "officers/";
using google::protobuf::util::TimeUtil;

bool ValidId(absl::string_view id) {
  if (id.empty() || id.size() > 63) return false;
  for (char c : id) {
    if (!(absl::ascii_islower(c) || absl::ascii_isdigit(c) || c == '-' || c == '_' ||
          c == '.')) {
      return false;
    }
  }
  return true;
}

std::string IdOf(absl::string_view name) {
  absl::ConsumePrefix(&name, kNamePrefix);
  return std::string(name);
}

void CheckFields(const v1::Officer& officer, bool display_name, bool service, bool roles,
                 std::vector<api::FieldViolation>& violations) {
  if (display_name && officer.display_name().empty()) {
    violations.push_back({"officer.display_name", "is required"});
  }
  if (service && officer.service().empty()) {
    violations.push_back({"officer.service", "is required: the officer's council service"});
  }
  if (roles) {
    std::set<std::string> seen;
    for (int i = 0; i < officer.roles_size(); ++i) {
      if (!KnownRoles().count(officer.roles(i))) {
        violations.push_back({absl::StrCat("officer.roles[", i, "]"),
                              absl::StrCat("'", officer.roles(i),
                                           "' is not a role; use LEAD_OFFICER, HEAD_OF_SERVICE, "
                                           "SENIOR_MANAGEMENT_TEAM, STRATEGIC_DIRECTOR, "
                                           "HEAD_OF_GOVERNANCE, CHIEF_EXECUTIVE, "
                                           "REGISTER_KEEPER or EXECUTIVE")});
      } else if (!seen.insert(officer.roles(i)).second) {
        violations.push_back({absl::StrCat("officer.roles[", i, "]"), "is given twice"});
      }
    }
  }
}

absl::Status NotFound(absl::string_view name) {
  return api::Error(absl::StatusCode::kNotFound, "OFFICER_NOT_FOUND",
                    absl::StrCat("name: no officer ", name));
}

}  // namespace

std::vector<std::string> OfficerDirectory::ColumnFamilies() {
  return {std::string(kOfficersFamily)};
}

absl::StatusOr<std::unique_ptr<OfficerDirectory>> OfficerDirectory::Open(storage::Store* store) {
  std::unique_ptr<OfficerDirectory> directory(new OfficerDirectory(store));
  auto snapshot = std::make_shared<Snapshot>();
  std::unique_ptr<rocksdb::Iterator> it = store->NewIterator(kOfficersFamily);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    auto officer = std::make_shared<v1::Officer>();
    if (!officer->ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("officer ", storage::View(it->key()),
                                              " does not parse"));
    }
    (*snapshot)[std::string(storage::View(it->key()))] = std::move(officer);
  }
  if (!it->status().ok()) return storage::FromRocks(it->status(), "reading officers");
  absl::MutexLock lock(&directory->snapshot_mu_);
  directory->snapshot_ = std::move(snapshot);
  return directory;
}

std::shared_ptr<const OfficerDirectory::Snapshot> OfficerDirectory::Current() const {
  absl::ReaderMutexLock lock(&snapshot_mu_);
  return snapshot_;
}

absl::Status OfficerDirectory::Save(const v1::Officer& officer) {
  std::string id = IdOf(officer.name());
  absl::Status written = store_->Write([&](storage::Change& change) {
    change.Put(kOfficersFamily, id, officer.SerializeAsString());
    return absl::OkStatus();
  });
  if (!written.ok()) return written;
  auto next = std::make_shared<Snapshot>(*Current());
  (*next)[id] = std::make_shared<const v1::Officer>(officer);
  absl::MutexLock lock(&snapshot_mu_);
  snapshot_ = std::move(next);
  return absl::OkStatus();
}

std::shared_ptr<const v1::Officer> OfficerDirectory::Find(absl::string_view officer_id) const {
  auto snapshot = Current();
  auto it = snapshot->find(officer_id);
  return it == snapshot->end() ? nullptr : it->second;
}

absl::StatusOr<v1::Officer> OfficerDirectory::Create(absl::string_view officer_id,
                                                     const v1::Officer& officer,
                                                     absl::string_view actor) {
  std::vector<api::FieldViolation> violations;
  if (!ValidId(officer_id)) {
    violations.push_back({"officer_id",
                          "use 1 to 63 lower-case letters, digits, '-', '_' or '.'"});
  }
  CheckFields(officer, true, true, true, violations);
  if (!violations.empty()) return api::InvalidFields(violations);
  absl::MutexLock lock(&write_mu_);
  if (Find(officer_id) != nullptr) {
    return api::Error(absl::StatusCode::kAlreadyExists, "OFFICER_EXISTS",
                      absl::StrCat("officer_id: officers/", officer_id, " already exists"));
  }
  v1::Officer stored;
  stored.set_name(absl::StrCat(kNamePrefix, officer_id));
  stored.set_display_name(officer.display_name());
  stored.set_service(officer.service());
  *stored.mutable_roles() = officer.roles();
  stored.set_active(true);
  *stored.mutable_create_time() = TimeUtil::GetCurrentTime();
  *stored.mutable_update_time() = stored.create_time();
  stored.set_updated_by(std::string(actor));
  if (absl::Status saved = Save(stored); !saved.ok()) return saved;
  return stored;
}

absl::StatusOr<v1::Officer> OfficerDirectory::Get(absl::string_view name) const {
  std::shared_ptr<const v1::Officer> officer = Find(IdOf(name));
  if (officer == nullptr) return NotFound(name);
  return *officer;
}

absl::StatusOr<OfficerPage> OfficerDirectory::List(int page_size,
                                                   absl::string_view page_token) const {
  absl::StatusOr<int> size = api::EffectivePageSize(page_size, 100, 1000);
  if (!size.ok()) return size.status();
  uint64_t fingerprint = api::QueryFingerprint("officers", "");
  std::string after;
  if (!page_token.empty()) {
    absl::StatusOr<std::string> cursor = api::DecodePageToken(page_token, fingerprint);
    if (!cursor.ok()) return cursor.status();
    after = *cursor;
  }
  auto snapshot = Current();
  OfficerPage page;
  for (auto it = snapshot->upper_bound(after); it != snapshot->end(); ++it) {
    if (static_cast<int>(page.officers.size()) == *size) {
      page.next_page_token = api::EncodePageToken(page.officers.back().name().substr(
                                                      kNamePrefix.size()),
                                                  fingerprint);
      break;
    }
    page.officers.push_back(*it->second);
  }
  return page;
}

absl::StatusOr<v1::Officer> OfficerDirectory::Update(const v1::Officer& officer,
                                                     const google::protobuf::FieldMask& mask,
                                                     absl::string_view actor) {
  bool display_name = mask.paths().empty(), service = mask.paths().empty(),
       roles = mask.paths().empty();
  std::vector<api::FieldViolation> violations;
  for (int i = 0; i < mask.paths_size(); ++i) {
    const std::string& path = mask.paths(i);
    if (path == "display_name" || path == "displayName") {
      display_name = true;
    } else if (path == "service") {
      service = true;
    } else if (path == "roles") {
      roles = true;
    } else {
      violations.push_back({absl::StrCat("update_mask.paths[", i, "]"),
                            absl::StrCat("'", path,
                                         "' cannot be changed; use display_name, service or roles")});
    }
  }
  CheckFields(officer, display_name, service, roles, violations);
  if (!violations.empty()) return api::InvalidFields(violations);
  absl::MutexLock lock(&write_mu_);
  std::shared_ptr<const v1::Officer> current = Find(IdOf(officer.name()));
  if (current == nullptr) return NotFound(officer.name());
  if (!current->active()) {
    return api::Error(absl::StatusCode::kFailedPrecondition, "OFFICER_LEFT",
                      absl::StrCat("officer.name: ", officer.name(), " has left the council"));
  }
  v1::Officer updated = *current;
  if (display_name) updated.set_display_name(officer.display_name());
  if (service) updated.set_service(officer.service());
  if (roles) *updated.mutable_roles() = officer.roles();
  *updated.mutable_update_time() = TimeUtil::GetCurrentTime();
  updated.set_updated_by(std::string(actor));
  if (absl::Status saved = Save(updated); !saved.ok()) return saved;
  return updated;
}

absl::StatusOr<v1::Officer> OfficerDirectory::Leave(absl::string_view name,
                                                    absl::string_view actor) {
  absl::MutexLock lock(&write_mu_);
  std::shared_ptr<const v1::Officer> current = Find(IdOf(name));
  if (current == nullptr) return NotFound(name);
  if (!current->active()) return *current;
  v1::Officer left = *current;
  left.set_active(false);
  *left.mutable_leave_time() = TimeUtil::GetCurrentTime();
  *left.mutable_update_time() = left.leave_time();
  left.set_updated_by(std::string(actor));
  if (absl::Status saved = Save(left); !saved.ok()) return saved;
  return left;
}

}  // namespace accord::gateway
