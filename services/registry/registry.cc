#include "services/registry/registry.h"

#include <algorithm>
#include <set>

#include "absl/cleanup/cleanup.h"
#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "common/api/errors.h"
#include "common/api/field_mask.h"
#include "common/api/filter.h"
#include "common/api/page_token.h"
#include "common/api/request_id.h"
#include "google/protobuf/util/time_util.h"
#include "common/storage/feed_follower.h"
#include "common/lifecycle/lifecycle.h"
#include "common/lifecycle/view.h"
#include "common/telemetry/log.h"
#include "services/registry/domain/assessment_reaction.h"
#include "services/registry/domain/partnership_rules.h"
#include "services/registry/domain/register_csv.h"

namespace accord::registry {
namespace {

using events::v1::ChangeKind;
using google::protobuf::util::TimeUtil;

constexpr absl::string_view kRecords = "partnerships";
constexpr absl::string_view kIndex = "partnership_index";
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;
// The most records one List call examines, so that a filter no index serves still answers
// quickly; the page then comes back short with a token to continue.
constexpr int kScanBudget = 5000;


// Fields with an equality index; a filter on one of them reads only matching entries.
constexpr absl::string_view kIndexedFields[] = {"state", "tier", "lead_service",
                                               "key_partnership"};

std::string FieldValue(const v1::Partnership& p, absl::string_view field) {
  if (field == "state") return v1::State_Name(p.state());
  if (field == "tier") return v1::Tier_Name(p.tier());
  if (field == "lead_service") return p.lead_service();
  if (field == "display_name") return p.display_name();
  if (field == "key_partnership") return p.key_partnership() ? "true" : "false";
  if (field == "update_time") {
    return api::OrderedTimestamp(TimeUtil::TimestampToMicroseconds(p.update_time()));
  }
  return "";
}

std::string Sep() { return std::string(1, '\0'); }

std::string TimeKey(const v1::Partnership& p) { return FieldValue(p, "update_time"); }

std::string IdOf(const v1::Partnership& p) { return p.name().substr(kCollection.size()); }

// Every index entry a partnership has. Values are validated to hold no NUL, so NUL
// separates key parts unambiguously.
std::set<std::string> IndexKeys(const v1::Partnership& p) {
  std::string id = IdOf(p);
  std::set<std::string> keys = {absl::StrCat("u", Sep(), TimeKey(p), Sep(), id)};
  for (absl::string_view field : kIndexedFields) {
    std::string base = absl::StrCat("f", Sep(), field, Sep(), FieldValue(p, field), Sep());
    keys.insert(absl::StrCat(base, "n", Sep(), id));
    keys.insert(absl::StrCat(base, "u", Sep(), TimeKey(p), Sep(), id));
  }
  return keys;
}

// Writes `after` (and its index entries) over `before` (nullptr when new) into `change`.
void PutRecord(storage::Change& change, const v1::Partnership* before,
               const v1::Partnership& after) {
  std::set<std::string> old_keys = before ? IndexKeys(*before) : std::set<std::string>{};
  std::set<std::string> new_keys = IndexKeys(after);
  for (const std::string& key : old_keys) {
    if (!new_keys.count(key)) change.Delete(kIndex, key);
  }
  for (const std::string& key : new_keys) {
    if (!old_keys.count(key)) change.Put(kIndex, key, "");
  }
  change.Put(kRecords, IdOf(after), after.SerializeAsString());
}

void Stamp(v1::Partnership& p, int64_t sequence) {
  *p.mutable_update_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now()));
  p.set_etag(absl::StrCat(sequence));
}

absl::Status LoadFrom(const std::string& bytes, v1::Partnership* out) {
  if (!out->ParseFromString(bytes)) {
    return api::Error(absl::StatusCode::kDataLoss, "STORAGE_CORRUPT",
                      "a stored partnership cannot be decoded");
  }
  return absl::OkStatus();
}

absl::Status NotFound(absl::string_view name) {
  return api::Error(absl::StatusCode::kNotFound, "PARTNERSHIP_NOT_FOUND",
                    absl::StrCat("name: no partnership named '", name, "'"));
}

std::string NewId() {
  static absl::Mutex mu(absl::kConstInit);
  static absl::BitGen* gen = new absl::BitGen();
  absl::MutexLock lock(&mu);
  return absl::StrFormat("p-%016x", absl::Uniform<uint64_t>(*gen));
}

// The partnership as the public may filter it: confidential groups blanked.
v1::Partnership Redacted(const v1::Partnership& p) {
  v1::Partnership out = p;
  for (int group : p.confidential_groups()) {
    if (group == v1::LEAD) {
      out.clear_lead_service();
      out.clear_lead_officer();
    }
  }
  return out;
}

struct Order {
  bool by_time = false;
  bool descending = false;
};

absl::StatusOr<Order> ParseOrder(absl::string_view order_by) {
  if (order_by.empty() || order_by == "name") return Order{};
  if (order_by == "name desc") return Order{false, true};
  if (order_by == "update_time") return Order{true, false};
  if (order_by == "update_time desc") return Order{true, true};
  return api::InvalidField("order_by",
                           absl::StrCat("must be name, name desc, update_time or update_time "
                                        "desc; got '",
                                        order_by, "'"));
}

absl::Status CheckEtag(absl::string_view given, const v1::Partnership& current) {
  if (!given.empty() && given != current.etag()) {
    return api::Error(absl::StatusCode::kAborted, "STALE_ETAG",
                      absl::StrCat("etag: '", given, "' is not the current etag '",
                                   current.etag(),
                                   "'; the partnership changed since it was read, read it "
                                   "again and retry"));
  }
  return absl::OkStatus();
}

// Reads one page of partnerships matching `request`, in the requested order, examining at
// most kScanBudget records.
// `public_view`: the filter sees only what the public view shows (a confidential lead
// service is blank to it) and no index on a confidential field drives the scan, so a filter
// cannot reveal a withheld field.
absl::StatusOr<std::pair<std::vector<v1::Partnership>, std::string>> ReadPage(
    const storage::Store& store, const v1::ListPartnershipsRequest& request, bool public_view) {
  auto page_size = api::EffectivePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize);
  if (!page_size.ok()) return page_size.status();
  auto filter = api::ParseFilter(request.filter(), PartnershipFilterSchema());
  if (!filter.ok()) return filter.status();
  auto order = ParseOrder(request.order_by());
  if (!order.ok()) return order.status();
  uint64_t fingerprint = api::QueryFingerprint(request.filter(), request.order_by());
  std::string cursor;
  if (!request.page_token().empty()) {
    auto decoded = api::DecodePageToken(request.page_token(), fingerprint);
    if (!decoded.ok()) return decoded.status();
    cursor = *std::move(decoded);
  }

  // Drive the scan from the most selective structure we have: an equality index when the
  // filter has an indexed equality, else the order itself.
  absl::string_view family = kRecords;
  std::string prefix;
  for (const api::Comparison& c : filter->comparisons) {
    if (c.op != api::FilterOp::kEqual) continue;
    if (std::find(std::begin(kIndexedFields), std::end(kIndexedFields), c.field) ==
        std::end(kIndexedFields)) {
      continue;
    }
    if (public_view && c.field == "lead_service") continue;
    family = kIndex;
    prefix = absl::StrCat("f", Sep(), c.field, Sep(), c.value, Sep(), order->by_time ? "u" : "n",
                          Sep());
    break;
  }
  if (family == kRecords && order->by_time) {
    family = kIndex;
    prefix = absl::StrCat("u", Sep());
  }
  if (!cursor.empty() && !absl::StartsWith(cursor, prefix)) {
    return api::InvalidField("page_token", "does not belong to this listing");
  }

  const rocksdb::Snapshot* snapshot = store.GetSnapshot();
  auto release = absl::Cleanup([&] { store.ReleaseSnapshot(snapshot); });
  auto it = store.NewIterator(family, snapshot);
  const bool desc = order->descending;
  if (!cursor.empty()) {
    if (desc) {
      it->SeekForPrev(cursor);
      if (it->Valid() && storage::View(it->key()) == cursor) it->Prev();
    } else {
      it->Seek(cursor);
      if (it->Valid() && storage::View(it->key()) == cursor) it->Next();
    }
  } else if (desc) {
    if (prefix.empty()) {
      it->SeekToLast();
    } else {
      it->SeekForPrev(prefix + std::string(8, '\xff'));
    }
  } else {
    it->Seek(prefix);
  }

  std::vector<v1::Partnership> page;
  std::string last_key;
  int examined = 0;
  auto in_range = [&] { return it->Valid() && absl::StartsWith(storage::View(it->key()), prefix); };
  while (in_range() && static_cast<int>(page.size()) < *page_size && examined < kScanBudget) {
    ++examined;
    last_key = std::string(storage::View(it->key()));
    v1::Partnership p;
    absl::Status loaded;
    if (family == kRecords) {
      loaded = LoadFrom(it->value().ToString(), &p);
    } else {
      std::string id = last_key.substr(last_key.rfind('\0') + 1);
      std::string bytes;
      loaded = store.Get(kRecords, id, &bytes, snapshot);
      if (loaded.ok()) loaded = LoadFrom(bytes, &p);
    }
    if (!loaded.ok()) return loaded;
    const v1::Partnership& seen = public_view ? Redacted(p) : p;
    if (api::Matches(*filter, [&](absl::string_view field) { return FieldValue(seen, field); })) {
      page.push_back(std::move(p));
    }
    if (desc) {
      it->Prev();
    } else {
      it->Next();
    }
  }
  if (!it->status().ok()) return storage::FromRocks(it->status(), "list partnerships");
  std::string next = in_range() ? api::EncodePageToken(last_key, fingerprint) : "";
  return std::make_pair(std::move(page), std::move(next));
}

}  // namespace

std::vector<std::string> Registry::ColumnFamilies() {
  return {std::string(kRecords), std::string(kIndex)};
}

absl::StatusOr<v1::Partnership> Registry::Create(const v1::CreatePartnershipRequest& request) {
  absl::Notification finished;
  absl::StatusOr<v1::Partnership> result;
  CreateAsync(request, [&](absl::StatusOr<v1::Partnership> created) {
    result = std::move(created);
    finished.Notify();
  });
  finished.WaitForNotification();
  return result;
}

void Registry::CreateAsync(const v1::CreatePartnershipRequest& request,
                           std::function<void(absl::StatusOr<v1::Partnership>)> done) {
  if (absl::Status s = api::ValidateRequestId(request.request_id()); !s.ok()) return done(s);
  if (!request.partnership_id().empty()) {
    if (absl::Status s = ValidateId(request.partnership_id(), "partnership_id"); !s.ok()) {
      return done(s);
    }
  }
  if (absl::Status s = ValidatePartnership(request.partnership(), "partnership."); !s.ok()) {
    return done(s);
  }
  v1::Partnership fresh;
  // Only client-writable fields are taken; output-only ones are ignored (AIP-203).
  if (absl::Status s = api::ApplyFieldMask({}, request.partnership(), WritableFields(), &fresh);
      !s.ok()) {
    return done(s);
  }
  std::string id = request.partnership_id().empty() ? NewId() : request.partnership_id();
  fresh.set_name(absl::StrCat(kCollection, id));
  fresh.set_state(v1::PROPOSED);

  // The build runs on whichever thread commits the group, so it owns what it reads.
  store_->WriteOnceAsync(
      "CreatePartnership", request.request_id(), api::RequestFingerprint(request),
      [fresh = std::move(fresh), id, request_id = request.request_id()](
          storage::Change& change) mutable -> absl::StatusOr<std::string> {
        std::string existing;
        absl::Status found = change.Get(kRecords, id, &existing);
        if (found.ok()) {
          return api::Error(absl::StatusCode::kAlreadyExists, "PARTNERSHIP_EXISTS",
                            absl::StrCat("partnership_id: a partnership with id '", id,
                                         "' already exists"));
        }
        if (!absl::IsNotFound(found)) return found;
        Stamp(fresh, change.sequence());
        *fresh.mutable_create_time() = fresh.update_time();
        PutRecord(change, nullptr, fresh);
        change.Emit(events::v1::CREATED, fresh.name(), fresh, request_id);
        return fresh.SerializeAsString();
      },
      [done = std::move(done)](absl::StatusOr<std::string> response) {
        if (!response.ok()) return done(response.status());
        v1::Partnership out;
        if (absl::Status s = LoadFrom(*response, &out); !s.ok()) return done(s);
        done(std::move(out));
      });
}

absl::StatusOr<v1::Partnership> Registry::Get(const std::string& name) const {
  auto id = IdFromName(name, "name");
  if (!id.ok()) return id.status();
  std::string bytes;
  absl::Status found = store_->Get(kRecords, *id, &bytes);
  if (absl::IsNotFound(found)) return NotFound(name);
  if (!found.ok()) return found;
  v1::Partnership out;
  if (absl::Status s = LoadFrom(bytes, &out); !s.ok()) return s;
  return out;
}

absl::StatusOr<v1::ListPartnershipsResponse> Registry::List(
    const v1::ListPartnershipsRequest& request) const {
  auto page = ReadPage(*store_, request, /*public_view=*/false);
  if (!page.ok()) return page.status();
  v1::ListPartnershipsResponse response;
  for (auto& p : page->first) *response.add_partnerships() = std::move(p);
  response.set_next_page_token(page->second);
  return response;
}

absl::StatusOr<v1::Partnership> Registry::Mutate(absl::string_view method,
                                                 const std::string& name,
                                                 absl::string_view etag,
                                                 absl::string_view request_id,
                                                 const google::protobuf::Message& request,
                                                 ChangeKind kind, const Mutation& mutate) {
  if (absl::Status s = api::ValidateRequestId(request_id); !s.ok()) return s;
  auto id = IdFromName(name, "name");
  if (!id.ok()) return id.status();
  auto response = store_->WriteOnce(
      method, request_id, api::RequestFingerprint(request),
      [&](storage::Change& change) -> absl::StatusOr<std::string> {
        std::string bytes;
        absl::Status found = change.Get(kRecords, *id, &bytes);
        if (absl::IsNotFound(found)) return NotFound(name);
        if (!found.ok()) return found;
        v1::Partnership before;
        if (absl::Status s = LoadFrom(bytes, &before); !s.ok()) return s;
        if (absl::Status s = CheckEtag(etag, before); !s.ok()) return s;
        v1::Partnership after = before;
        if (absl::Status s = mutate(after); !s.ok()) return s;
        Stamp(after, change.sequence());
        PutRecord(change, &before, after);
        change.Emit(kind, after.name(), after, request_id);
        return after.SerializeAsString();
      });
  if (!response.ok()) return response.status();
  v1::Partnership out;
  if (absl::Status s = LoadFrom(*response, &out); !s.ok()) return s;
  return out;
}

namespace {

// The life-cycle policy for the register's own acts.
absl::Status Allowed(const v1::Partnership& p, lifecycle::Act act) {
  return lifecycle::Check(p.name(), p.state(), act);
}

google::protobuf::Timestamp Now() {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now()));
}

constexpr absl::string_view kProtocolField = "protocol";

// The update mask without "protocol", and whether it named it.
std::pair<google::protobuf::FieldMask, bool> WithoutProtocol(const google::protobuf::FieldMask& mask) {
  google::protobuf::FieldMask rest;
  bool named = false;
  for (const std::string& path : mask.paths()) {
    if (path == kProtocolField) {
      named = true;
    } else {
      rest.add_paths(path);
    }
  }
  return {rest, named};
}

// A protocol binding as the register keeps it: "protocols/{id}".
absl::Status ValidateProtocolName(absl::string_view name) {
  constexpr absl::string_view kPrefix = "protocols/";
  if (!absl::StartsWith(name, kPrefix)) {
    return api::InvalidField("partnership.protocol",
                             absl::StrCat("must look like protocols/{protocol}; got '", name, "'"));
  }
  return ValidateId(name.substr(kPrefix.size()), "partnership.protocol");
}

}  // namespace

absl::StatusOr<v1::Partnership> Registry::Update(const v1::UpdatePartnershipRequest& request,
                                                 const server::Caller& caller) {
  const v1::Partnership& patch = request.partnership();
  auto [mask, rebinds] = WithoutProtocol(request.update_mask());
  if (rebinds) {
    // Which protocol governs a partnership is the register keeper's decision, audited as
    // an update of the register with its own event.
    if (!caller.roles.count("REGISTER_KEEPER")) {
      return api::Error(absl::StatusCode::kPermissionDenied, "ROLE_REQUIRED",
                        "partnership.protocol: only the register keeper binds a partnership "
                        "to another protocol");
    }
    if (absl::Status s = ValidateProtocolName(patch.protocol()); !s.ok()) return s;
  }
  if (!request.etag().empty() && !patch.etag().empty() && request.etag() != patch.etag()) {
    return api::InvalidField("etag", "differs from partnership.etag; send one of them");
  }
  std::string etag = request.etag().empty() ? patch.etag() : request.etag();
  if (absl::Status s = IdFromName(patch.name(), "partnership.name").status(); !s.ok()) return s;
  return Mutate(
      "UpdatePartnership", patch.name(), etag, request.request_id(), request,
      events::v1::UPDATED, [&](v1::Partnership& p) -> absl::Status {
        if (absl::Status s = Allowed(p, lifecycle::Act::kEditRecord); !s.ok()) return s;
        v1::Partnership next = p;
        if (!rebinds || !mask.paths().empty()) {
          if (absl::Status s = api::ApplyFieldMask(mask, patch, WritableFields(), &next);
              !s.ok()) {
            return s;
          }
        }
        if (rebinds) next.set_protocol(patch.protocol());
        if (absl::Status s = ValidatePartnership(next, "partnership."); !s.ok()) return s;
        p = std::move(next);
        return absl::OkStatus();
      });
}

absl::Status Registry::Delete(const v1::DeletePartnershipRequest& request) {
  if (absl::Status s = api::ValidateRequestId(request.request_id()); !s.ok()) return s;
  auto id = IdFromName(request.name(), "name");
  if (!id.ok()) return id.status();
  auto response = store_->WriteOnce(
      "DeletePartnership", request.request_id(), api::RequestFingerprint(request),
      [&](storage::Change& change) -> absl::StatusOr<std::string> {
        std::string bytes;
        absl::Status found = change.Get(kRecords, *id, &bytes);
        if (absl::IsNotFound(found)) return NotFound(request.name());
        if (!found.ok()) return found;
        v1::Partnership before;
        if (absl::Status s = LoadFrom(bytes, &before); !s.ok()) return s;
        if (absl::Status s = CheckEtag(request.etag(), before); !s.ok()) return s;
        if (before.state() != v1::PROPOSED) {
          return api::Error(
              absl::StatusCode::kFailedPrecondition, "PARTNERSHIP_NOT_DELETABLE",
              absl::StrCat("name: only a PROPOSED partnership can be deleted; ", before.name(),
                           " is ", v1::State_Name(before.state()),
                           " and is kept for the record"));
        }
        for (const std::string& key : IndexKeys(before)) change.Delete(kIndex, key);
        change.Delete(kRecords, *id);
        change.Emit(events::v1::DELETED, before.name(), before, request.request_id());
        return std::string();
      });
  return response.status();
}

absl::StatusOr<v1::Partnership> Registry::Transition(
    const v1::TransitionPartnershipRequest& request) {
  return Mutate("TransitionPartnership", request.name(), request.etag(), request.request_id(),
                request, events::v1::STATE_CHANGED, [&](v1::Partnership& p) -> absl::Status {
                  if (lifecycle::IsFinal(p.state())) {
                    return Allowed(p, lifecycle::Act::kExit);  // names why it is final
                  }
                  if (absl::Status s = CheckRequestedTransition(p.state(), request.state(),
                                                                request.reason());
                      !s.ok()) {
                    return s;
                  }
                  p.set_state(request.state());
                  p.set_state_reason(request.reason());
                  return absl::OkStatus();
                });
}

absl::StatusOr<v1::Partnership> Registry::AddMeetingNote(
    const v1::AddMeetingNoteRequest& request, const server::Caller& caller) {
  if (absl::Status s = server::RequireOfficer(caller).status(); !s.ok()) return s;
  if (absl::Status s = ValidateMeetingNote(request.note(), "note."); !s.ok()) return s;
  return Mutate("AddMeetingNote", request.name(), "", request.request_id(), request,
                events::v1::UPDATED, [&](v1::Partnership& p) -> absl::Status {
                  if (absl::Status s = Allowed(p, lifecycle::Act::kNote); !s.ok()) return s;
                  v1::MeetingNote* note = p.add_meeting_notes();
                  *note = request.note();
                  note->set_author(caller.officer);
                  *note->mutable_create_time() = Now();
                  return absl::OkStatus();
                });
}

absl::StatusOr<v1::Partnership> Registry::AddAnnualSummary(
    const v1::AddAnnualSummaryRequest& request, const server::Caller& caller) {
  if (absl::Status s = server::RequireOfficer(caller).status(); !s.ok()) return s;
  if (absl::Status s = ValidateAnnualSummary(request.summary(), "summary."); !s.ok()) return s;
  return Mutate("AddAnnualSummary", request.name(), "", request.request_id(), request,
                events::v1::UPDATED, [&](v1::Partnership& p) -> absl::Status {
                  if (absl::Status s = Allowed(p, lifecycle::Act::kNote); !s.ok()) return s;
                  for (const auto& existing : p.annual_summaries()) {
                    if (existing.year() == request.summary().year()) {
                      return api::Error(
                          absl::StatusCode::kAlreadyExists, "SUMMARY_EXISTS",
                          absl::StrCat("summary.year: ", p.name(), " already has a summary for ",
                                       request.summary().year()));
                    }
                  }
                  v1::AnnualSummary* summary = p.add_annual_summaries();
                  *summary = request.summary();
                  summary->set_author(caller.officer);
                  *summary->mutable_create_time() = Now();
                  return absl::OkStatus();
                });
}

absl::StatusOr<v1::Partnership> Registry::RecordFinancialYear(
    const v1::RecordFinancialYearRequest& request, const server::Caller& caller) {
  if (absl::Status s = server::RequireActor(caller).status(); !s.ok()) return s;
  if (absl::Status s = ValidateFinancialYear(request.financial_year(), "financial_year.");
      !s.ok()) {
    return s;
  }
  return Mutate("RecordFinancialYear", request.name(), "", request.request_id(), request,
                events::v1::UPDATED, [&](v1::Partnership& p) -> absl::Status {
                  if (absl::Status s = Allowed(p, lifecycle::Act::kFinance); !s.ok()) return s;
                  v1::FinancialYear year = request.financial_year();
                  year.set_recorded_by(server::ActorOf(caller));
                  *year.mutable_update_time() = Now();
                  auto* years = p.mutable_financial_years();
                  auto it = std::find_if(years->begin(), years->end(), [&](const auto& y) {
                    return y.start_year() == year.start_year();
                  });
                  if (it != years->end()) {
                    *it = std::move(year);
                  } else {
                    *years->Add() = std::move(year);
                    std::sort(years->begin(), years->end(), [](const auto& a, const auto& b) {
                      return a.start_year() < b.start_year();
                    });
                  }
                  return absl::OkStatus();
                });
}

namespace {

constexpr int kMaxImportRows = 5000;

absl::Status ImportRefused(const std::vector<RowProblem>& problems) {
  std::vector<api::FieldViolation> violations;
  for (const RowProblem& p : problems) {
    std::string field = p.row == 0 ? "csv"
                                   : absl::StrCat("rows[", p.row, "]",
                                                  p.column.empty() ? "" : ".", p.column);
    violations.push_back({std::move(field), p.description});
  }
  return api::InvalidFields(violations);
}

}  // namespace

absl::StatusOr<v1::ImportPartnershipsResponse> Registry::Import(
    const v1::ImportPartnershipsRequest& request) {
  if (absl::Status s = api::ValidateRequestId(request.request_id()); !s.ok()) return s;
  if (request.csv().empty()) return api::InvalidField("csv", "is required");
  RegisterImport parsed = ReadRegisterCsv(request.csv());
  int row_count = static_cast<int>(parsed.rows.size());
  for (const auto& p : parsed.problems) row_count = std::max(row_count, p.row - 1);
  if (row_count > kMaxImportRows) {
    return api::InvalidField("csv", absl::StrCat("holds ", row_count, " rows; import at most ",
                                                 kMaxImportRows, " at a time"));
  }
  // Ids already taken; checked again inside the batch, where it counts.
  auto taken = [&](const ImportRow& row, auto&& read) -> absl::StatusOr<bool> {
    std::string bytes;
    absl::Status found = read(row.id, &bytes);
    if (absl::IsNotFound(found)) return false;
    if (!found.ok()) return found;
    return true;
  };
  auto existing_problems = [&](auto&& read) -> absl::StatusOr<std::vector<RowProblem>> {
    std::vector<RowProblem> problems;
    for (const ImportRow& row : parsed.rows) {
      auto exists = taken(row, read);
      if (!exists.ok()) return exists.status();
      if (*exists) {
        problems.push_back({row.row, "partnership_id",
                            absl::StrCat("a partnership with id '", row.id,
                                         "' is already in the register")});
      }
    }
    return problems;
  };
  auto merged = [&](std::vector<RowProblem> more) {
    std::vector<RowProblem> all = parsed.problems;
    all.insert(all.end(), more.begin(), more.end());
    std::stable_sort(all.begin(), all.end(),
                     [](const RowProblem& a, const RowProblem& b) { return a.row < b.row; });
    return all;
  };

  v1::ImportPartnershipsResponse response;
  response.set_row_count(row_count);
  if (request.validate_only()) {
    auto more = existing_problems([&](const std::string& id, std::string* bytes) {
      return store_->Get(kRecords, id, bytes);
    });
    if (!more.ok()) return more.status();
    for (const RowProblem& p : merged(*std::move(more))) {
      auto* problem = response.add_problems();
      problem->set_row(p.row);
      problem->set_column(p.column);
      problem->set_description(p.description);
    }
    return response;
  }
  if (!parsed.problems.empty()) return ImportRefused(merged({}));
  if (parsed.rows.empty()) return api::InvalidField("csv", "holds no rows below the header");

  auto written = store_->WriteOnce(
      "ImportPartnerships", request.request_id(), api::RequestFingerprint(request),
      [&](storage::Change& change) -> absl::StatusOr<std::string> {
        auto more = existing_problems([&](const std::string& id, std::string* bytes) {
          return change.Get(kRecords, id, bytes);
        });
        if (!more.ok()) return more.status();
        if (!more->empty()) return ImportRefused(merged(*std::move(more)));
        v1::ImportPartnershipsResponse done = response;
        for (ImportRow& row : parsed.rows) {
          v1::Partnership& p = row.partnership;
          Stamp(p, change.sequence());
          *p.mutable_create_time() = p.update_time();
          PutRecord(change, nullptr, p);
          change.Emit(events::v1::CREATED, p.name(), p, request.request_id(), "imported");
          done.add_created(p.name());
        }
        return done.SerializeAsString();
      });
  if (!written.ok()) return written.status();
  v1::ImportPartnershipsResponse out;
  if (!out.ParseFromString(*written)) {
    return api::Error(absl::StatusCode::kDataLoss, "STORAGE_CORRUPT",
                      "a stored import response cannot be decoded");
  }
  return out;
}

namespace {

// Calls `each` with every partnership in name order, read from one snapshot.
absl::Status ForEachPartnership(const storage::Store& store,
                                const std::function<void(v1::Partnership&)>& each) {
  const rocksdb::Snapshot* snapshot = store.GetSnapshot();
  auto release = absl::Cleanup([&] { store.ReleaseSnapshot(snapshot); });
  auto it = store.NewIterator(kRecords, snapshot);
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    v1::Partnership p;
    if (absl::Status s = LoadFrom(it->value().ToString(), &p); !s.ok()) return s;
    each(p);
  }
  return storage::FromRocks(it->status(), "export partnerships");
}

absl::StatusOr<bool> WantsCsv(absl::string_view format) {
  if (format.empty() || format == "csv") return true;
  if (format == "json") return false;
  return api::InvalidField("format", absl::StrCat("must be csv or json; got '", format, "'"));
}

}  // namespace

absl::StatusOr<v1::ExportPartnershipsResponse> Registry::Export(
    const v1::ExportPartnershipsRequest& request) const {
  auto csv = WantsCsv(request.format());
  if (!csv.ok()) return csv.status();
  v1::ExportPartnershipsResponse response;
  if (*csv) response.mutable_csv()->append(RegisterCsvHeader());
  absl::Status read = ForEachPartnership(*store_, [&](v1::Partnership& p) {
    response.set_count(response.count() + 1);
    if (*csv) {
      response.mutable_csv()->append(RegisterCsvRow(p));
    } else {
      *response.add_partnerships() = std::move(p);
    }
  });
  if (!read.ok()) return read;
  return response;
}

absl::StatusOr<v1::ExportPublicPartnershipsResponse> Registry::ExportPublic(
    const v1::ExportPartnershipsRequest& request) const {
  auto csv = WantsCsv(request.format());
  if (!csv.ok()) return csv.status();
  v1::ExportPublicPartnershipsResponse response;
  if (*csv) response.mutable_csv()->append(PublicRegisterCsvHeader());
  absl::Status read = ForEachPartnership(*store_, [&](v1::Partnership& p) {
    response.set_count(response.count() + 1);
    if (*csv) {
      response.mutable_csv()->append(PublicRegisterCsvRow(PublicView(p)));
    } else {
      *response.add_partnerships() = PublicView(p);
    }
  });
  if (!read.ok()) return read;
  return response;
}

absl::StatusOr<v1::PublicPartnership> Registry::GetPublic(const std::string& name) const {
  auto p = Get(name);
  if (!p.ok()) return p.status();
  return PublicView(*p);
}

absl::StatusOr<v1::ListPublicPartnershipsResponse> Registry::ListPublic(
    const v1::ListPartnershipsRequest& request) const {
  auto page = ReadPage(*store_, request, /*public_view=*/true);
  if (!page.ok()) return page.status();
  v1::ListPublicPartnershipsResponse response;
  for (const auto& p : page->first) *response.add_partnerships() = PublicView(p);
  response.set_next_page_token(page->second);
  return response;
}

absl::Status Registry::FollowAssessment(const events::v1::Event& event) {
  std::string name = lifecycle::PartnershipOf(event.resource_name());
  return storage::ApplyOnce(*store_, "assessment", event, [&](storage::Change& change) {
    if (name.empty()) return absl::OkStatus();
    std::string id = name.substr(kCollection.size());
    std::string bytes;
    absl::Status found = change.Get(kRecords, id, &bytes);
    if (absl::IsNotFound(found)) return absl::OkStatus();  // deleted since
    if (!found.ok()) return found;
    v1::Partnership before;
    if (absl::Status s = LoadFrom(bytes, &before); !s.ok()) return s;
    AssessmentReaction reaction = ReactToAssessment(before, event);
    if (!reaction.refused.ok()) {
      // The assessment service accepted the act before it heard of the state that forbids
      // it. The register keeps its record as it is and says so on its feed, naming the
      // refused record, so that the assessment service voids it: both then agree.
      telemetry::Log("info", "assessment event refused by the life cycle",
                     {{"partnership", name},
                      {"record", event.resource_name()},
                      {"action", event.action()},
                      {"error", reaction.refused.ToString()}});
      change.Emit(events::v1::UPDATED, event.resource_name(), before, "",
                  lifecycle::RefusalAction(event.action()));
      return absl::OkStatus();
    }
    if (!reaction.after) return absl::OkStatus();  // a repeat: nothing changes
    v1::Partnership& after = *reaction.after;
    Stamp(after, change.sequence());
    PutRecord(change, &before, after);
    change.Emit(after.state() != before.state() ? events::v1::STATE_CHANGED
                                                : events::v1::UPDATED,
                after.name(), after, "", event.action());
    return absl::OkStatus();
  });
}

}  // namespace accord::registry
