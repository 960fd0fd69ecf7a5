#include "services/risk/risks.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "accord/assessment/v1/assessment.pb.h"
#include "common/api/errors.h"
#include "common/api/field_mask.h"
#include "common/api/filter.h"
#include "common/api/page_token.h"
#include "common/api/request_id.h"
#include "common/lifecycle/lifecycle.h"
#include "common/storage/feed_follower.h"
#include "common/storage/partnership_views.h"
#include "common/storage/protocol_versions.h"
#include "google/protobuf/util/time_util.h"
#include "services/risk/domain/risk_rules.h"

namespace accord::risk {

struct Risks::Context {
  assessment::v1::Protocol protocol;
  bool major = false;  // the register's tier (one truth for every service)
};

namespace {

using google::protobuf::util::TimeUtil;
namespace assessment_v1 = accord::assessment::v1;

constexpr absl::string_view kRisks = "risks";
constexpr absl::string_view kIndex = "risk_index";
constexpr absl::string_view kAssessed = "assessed_partnerships";
constexpr absl::string_view kProtocols = "protocols";
constexpr absl::string_view kPartnerships = "partnerships/";
constexpr int kScanBudget = 5000;

std::string Sep() { return std::string(1, '\0'); }

std::string RiskKey(absl::string_view partnership_id, absl::string_view risk_id) {
  return absl::StrCat(partnership_id, Sep(), risk_id);
}

google::protobuf::Timestamp Now() {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now()));
}

struct RiskName {
  std::string partnership_id;
  std::string risk_id;
};

absl::StatusOr<RiskName> ParseRiskName(absl::string_view name, absl::string_view field) {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "partnerships" || parts[1].empty() || parts[1] == "-" ||
      parts[2] != "risks" || parts[3].empty()) {
    return api::InvalidField(field, absl::StrCat("must look like partnerships/{partnership}/"
                                                 "risks/{risk}; got '",
                                                 name, "'"));
  }
  return RiskName{parts[1], parts[3]};
}

// The partnership id of "partnerships/{id}", "-" for all, or INVALID_ARGUMENT.
absl::StatusOr<std::string> ParentId(absl::string_view parent, bool allow_all) {
  std::vector<std::string> parts = absl::StrSplit(parent, '/');
  if (parts.size() != 2 || parts[0] != "partnerships" || parts[1].empty() ||
      (!allow_all && parts[1] == "-")) {
    return api::InvalidField(
        "parent", absl::StrCat("must look like partnerships/{partnership}",
                               allow_all ? " or partnerships/-" : "", "; got '", parent, "'"));
  }
  return parts[1];
}

absl::Status Decode(absl::string_view bytes, google::protobuf::Message* out) {
  if (!out->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return api::Error(absl::StatusCode::kDataLoss, "STORAGE_CORRUPT",
                      "a stored record cannot be decoded");
  }
  return absl::OkStatus();
}

absl::Status CheckEtag(absl::string_view given, absl::string_view current) {
  if (!given.empty() && given != current) {
    return api::Error(absl::StatusCode::kAborted, "STALE_ETAG",
                      absl::StrCat("etag: '", given, "' is not the current etag '", current,
                                   "'; the risk changed since it was read, read it again"));
  }
  return absl::OkStatus();
}

// The earliest date that makes an open risk overdue once passed: its review date or an
// unfinished action's due date. Empty for a closed risk.
std::string EarliestDueDate(const v1::Risk& risk) {
  if (risk.state() != v1::Risk::OPEN) return "";
  std::string earliest = risk.review_date();
  for (const auto& action : risk.actions()) {
    if (action.status() != v1::MitigatingAction::DONE && action.due_date() < earliest) {
      earliest = action.due_date();
    }
  }
  return earliest;
}

// Index entries: the corporate pull queue and the overdue order.
std::set<std::string> IndexKeys(const v1::Risk& risk, const std::string& key) {
  std::set<std::string> keys;
  auto state = risk.escalation().state();
  if (state == v1::Escalation::PENDING || state == v1::Escalation::WITHDRAWAL_PENDING) {
    keys.insert(absl::StrCat("pending", Sep(), key));
  }
  std::string due = EarliestDueDate(risk);
  if (!due.empty()) keys.insert(absl::StrCat("due", Sep(), due, Sep(), key));
  return keys;
}

void PutRisk(storage::Change& change, const std::string& key, const v1::Risk* before,
             const v1::Risk& after) {
  std::set<std::string> old_keys = before ? IndexKeys(*before, key) : std::set<std::string>{};
  std::set<std::string> new_keys = IndexKeys(after, key);
  for (const auto& k : old_keys) {
    if (!new_keys.count(k)) change.Delete(kIndex, k);
  }
  for (const auto& k : new_keys) {
    if (!old_keys.count(k)) change.Put(kIndex, k, "");
  }
  change.Put(kRisks, key, after.SerializeAsString());
}

const api::FilterSchema& Schema() {
  static const auto* schema = [] {
    auto* s = new api::FilterSchema;
    api::FilterFieldSpec category{api::FilterFieldSpec::Type::kEnum, {}};
    for (int i = 1; i <= v1::Category_MAX; ++i) {
      if (v1::Category_IsValid(i)) category.enum_values.insert(v1::Category_Name(i));
    }
    api::FilterFieldSpec escalation{api::FilterFieldSpec::Type::kEnum, {}};
    for (int i = 1; i <= v1::Escalation::State_MAX; ++i) {
      if (v1::Escalation::State_IsValid(i)) {
        escalation.enum_values.insert(v1::Escalation::State_Name(i));
      }
    }
    (*s)["category"] = category;
    (*s)["escalation"] = escalation;
    (*s)["state"] = {api::FilterFieldSpec::Type::kEnum, {"OPEN", "CLOSED"}};
    (*s)["band"] = {api::FilterFieldSpec::Type::kString, {}};
    (*s)["owner"] = {api::FilterFieldSpec::Type::kString, {}};
    (*s)["review_date"] = {api::FilterFieldSpec::Type::kString, {}};
    return s;
  }();
  return *schema;
}

std::string FieldValue(const v1::Risk& risk, absl::string_view field) {
  if (field == "category") return v1::Category_Name(risk.category());
  if (field == "escalation") return v1::Escalation::State_Name(risk.escalation().state());
  if (field == "state") return v1::Risk::State_Name(risk.state());
  if (field == "band") return risk.residual().band();
  if (field == "owner") return risk.owner();
  if (field == "review_date") return risk.review_date();
  return "";
}

// A page of index entries (or records) under `prefix`, from `family`, ending before
// `end` when given; each entry's risk key is its last two NUL-separated parts.
absl::StatusOr<v1::ListRisksResponse> ScanPage(const storage::Store& store,
                                               absl::string_view family, const std::string& prefix,
                                               const std::string& end, int requested_size,
                                               const std::string& page_token,
                                               absl::string_view query, const api::Filter* filter) {
  auto size = api::EffectivePageSize(requested_size, 50, 1000);
  if (!size.ok()) return size.status();
  uint64_t fingerprint = api::QueryFingerprint(query, prefix);
  std::string cursor;
  if (!page_token.empty()) {
    auto decoded = api::DecodePageToken(page_token, fingerprint);
    if (!decoded.ok()) return decoded.status();
    cursor = *std::move(decoded);
  }
  const rocksdb::Snapshot* snapshot = store.GetSnapshot();
  v1::ListRisksResponse response;
  auto it = store.NewIterator(family, snapshot);
  if (cursor.empty()) {
    it->Seek(prefix);
  } else {
    it->Seek(cursor);
    if (it->Valid() && storage::View(it->key()) == cursor) it->Next();
  }
  auto in_range = [&] {
    return it->Valid() && absl::StartsWith(storage::View(it->key()), prefix) &&
           (end.empty() || storage::View(it->key()) < end);
  };
  std::string last;
  int examined = 0;
  absl::Status status;
  for (; in_range() && response.risks_size() < *size && examined < kScanBudget; it->Next()) {
    ++examined;
    last = std::string(storage::View(it->key()));
    v1::Risk risk;
    if (family == kRisks) {
      status = Decode(storage::View(it->value()), &risk);
    } else {
      std::vector<absl::string_view> parts = absl::StrSplit(last, '\0');
      std::string key = RiskKey(parts[parts.size() - 2], parts.back());
      std::string bytes;
      status = store.Get(kRisks, key, &bytes, snapshot);
      if (status.ok()) status = Decode(bytes, &risk);
    }
    if (!status.ok()) break;
    if (filter == nullptr ||
        api::Matches(*filter, [&](absl::string_view f) { return FieldValue(risk, f); })) {
      *response.add_risks() = std::move(risk);
    }
  }
  if (status.ok() && !it->status().ok()) status = storage::FromRocks(it->status(), "list risks");
  bool more = status.ok() && in_range();
  store.ReleaseSnapshot(snapshot);
  if (!status.ok()) return status;
  if (more) response.set_next_page_token(api::EncodePageToken(last, fingerprint));
  return response;
}

// Inside a change: the partnership's view, refused unless the life cycle lets risks be
// recorded or changed in its state.
absl::StatusOr<lifecycle::View> Admit(storage::Change& change, const storage::ViewForAct& view) {
  auto current = view.Get(change);
  if (!current.ok()) return current.status();
  if (absl::Status s = lifecycle::Check(current->name(), lifecycle::StateOf(*current),
                                        lifecycle::Act::kRecordRisk);
      !s.ok()) {
    return s;
  }
  return current;
}

}  // namespace

std::vector<std::string> Risks::ColumnFamilies() {
  return {std::string(kRisks), std::string(kIndex), std::string(kAssessed),
          std::string(kProtocols), std::string(storage::kViewsFamily)};
}

absl::StatusOr<Risks::Context> Risks::ContextFor(const std::string& partnership_id,
                                                 const lifecycle::View* view) const {
  Context context;
  context.major = view != nullptr && view->tier() == registry::v1::MAJOR;
  std::string bytes;
  absl::Status found = store_->Get(kAssessed, partnership_id, &bytes);
  if (!found.ok() && !absl::IsNotFound(found)) return found;
  std::string protocol = default_protocol_;
  int version = 0;
  if (found.ok()) {
    assessment_v1::Assessment assessed;
    if (absl::Status s = Decode(bytes, &assessed); !s.ok()) return s;
    protocol = assessed.protocol();
    version = assessed.protocol_version();
  }
  auto loaded = storage::FindProtocolVersion(*store_, kProtocols, protocol, version);
  if (absl::IsNotFound(loaded.status())) {
    return api::Error(absl::StatusCode::kUnavailable, "PROTOCOL_NOT_YET_KNOWN",
                      absl::StrCat("the risk service has not yet received ", protocol,
                                   " from the assessment service; retry shortly"));
  }
  if (!loaded.ok()) return loaded.status();
  context.protocol = *std::move(loaded);
  return context;
}

absl::StatusOr<v1::Risk> Risks::CreateRisk(const v1::CreateRiskRequest& request,
                                           const server::Caller& caller) {
  if (absl::Status s = server::RequireOfficer(caller).status(); !s.ok()) return s;
  if (absl::Status s = api::ValidateRequestId(request.request_id()); !s.ok()) return s;
  auto partnership_id = ParentId(request.parent(), false);
  if (!partnership_id.ok()) return partnership_id.status();
  auto context = ContextFor(*partnership_id, nullptr);
  if (!context.ok()) return context.status();
  v1::Risk input;
  if (absl::Status s = api::ApplyFieldMask({}, request.risk(), WritableFields(), &input); !s.ok()) {
    return s;
  }
  if (auto rated = ValidateAndRate(input, context->protocol.risk_matrix(), "risk."); !rated.ok()) {
    return rated.status();
  }
  if (auto replay = storage::Replayed<v1::Risk>(*store_, "CreateRisk", request.request_id(),
                                                api::RequestFingerprint(request))) {
    return *replay;
  }
  auto view = storage::ViewForAct::Prepare(*store_, *lookup_, request.parent());
  if (!view.ok()) return view.status();

  auto bytes = store_->WriteOnce(
      "CreateRisk", request.request_id(), api::RequestFingerprint(request),
      [&](storage::Change& change) -> absl::StatusOr<std::string> {
        auto admitted = Admit(change, *view);
        if (!admitted.ok()) return admitted.status();
        // The tier (and with it the matrix) may have changed since it was read; rate again
        // under the lock, on the matrix the risk is stamped with.
        auto now_context = ContextFor(*partnership_id, &*admitted);
        if (!now_context.ok()) return now_context.status();
        auto rated = ValidateAndRate(input, now_context->protocol.risk_matrix(), "risk.");
        if (!rated.ok()) return rated.status();
        v1::Risk risk = *std::move(rated);
        std::string id = absl::StrFormat("r%012d", change.sequence());
        risk.set_name(absl::StrCat(request.parent(), "/risks/", id));
        risk.set_state(v1::Risk::OPEN);
        risk.set_recorded_by(caller.officer);
        risk.set_updated_by(caller.officer);
        risk.set_protocol(now_context->protocol.name());
        risk.set_protocol_version(now_context->protocol.version());
        UpdateEscalation(nullptr, now_context->major, risk);
        *risk.mutable_create_time() = Now();
        *risk.mutable_update_time() = risk.create_time();
        risk.set_etag(absl::StrCat(change.sequence()));
        PutRisk(change, RiskKey(*partnership_id, id), nullptr, risk);
        change.Emit(events::v1::CREATED, risk.name(), risk, request.request_id(), "risk_recorded");
        return risk.SerializeAsString();
      });
  if (!bytes.ok()) return bytes.status();
  v1::Risk out;
  if (absl::Status s = Decode(*bytes, &out); !s.ok()) return s;
  return out;
}

absl::StatusOr<v1::Risk> Risks::GetRisk(const std::string& name) const {
  auto parsed = ParseRiskName(name, "name");
  if (!parsed.ok()) return parsed.status();
  std::string bytes;
  absl::Status found =
      store_->Get(kRisks, RiskKey(parsed->partnership_id, parsed->risk_id), &bytes);
  if (absl::IsNotFound(found)) {
    return api::Error(absl::StatusCode::kNotFound, "RISK_NOT_FOUND",
                      absl::StrCat("name: no risk named '", name, "'"));
  }
  if (!found.ok()) return found;
  v1::Risk risk;
  if (absl::Status s = Decode(bytes, &risk); !s.ok()) return s;
  return risk;
}

absl::StatusOr<v1::ListRisksResponse> Risks::ListRisks(const v1::ListRisksRequest& request) const {
  auto partnership_id = ParentId(request.parent(), true);
  if (!partnership_id.ok()) return partnership_id.status();
  auto filter = api::ParseFilter(request.filter(), Schema());
  if (!filter.ok()) return filter.status();
  std::string prefix = *partnership_id == "-" ? "" : absl::StrCat(*partnership_id, Sep());
  return ScanPage(*store_, kRisks, prefix, "", request.page_size(), request.page_token(),
                  request.filter(), &*filter);
}

absl::StatusOr<v1::Risk> Risks::ChangeRisk(absl::string_view method, const std::string& name,
                                           absl::string_view etag, absl::string_view request_id,
                                           const google::protobuf::Message& request,
                                           const std::string& actor, bool by_officer,
                                           const RiskChange& decide) {
  if (absl::Status s = api::ValidateRequestId(request_id); !s.ok()) return s;
  auto parsed = ParseRiskName(name, "name");
  if (!parsed.ok()) return parsed.status();
  std::string key = RiskKey(parsed->partnership_id, parsed->risk_id);
  auto view = storage::ViewForAct::Prepare(*store_, *lookup_,
                                           absl::StrCat(kPartnerships, parsed->partnership_id));
  if (!view.ok()) return view.status();
  auto bytes =
      store_->WriteOnce(method, request_id, api::RequestFingerprint(request),
                        [&](storage::Change& change) -> absl::StatusOr<std::string> {
                          std::string stored;
                          absl::Status found = change.Get(kRisks, key, &stored);
                          if (absl::IsNotFound(found)) {
                            return api::Error(absl::StatusCode::kNotFound, "RISK_NOT_FOUND",
                                              absl::StrCat("name: no risk named '", name, "'"));
                          }
                          if (!found.ok()) return found;
                          v1::Risk before;
                          if (absl::Status s = Decode(stored, &before); !s.ok()) return s;
                          if (absl::Status s = CheckEtag(etag, before.etag()); !s.ok()) return s;
                          // An officer's change is an act the life cycle must allow; the
                          // corporate register's answers about escalations always land.
                          auto current = by_officer ? Admit(change, *view) : view->Get(change);
                          if (!current.ok()) return current.status();
                          auto context = ContextFor(parsed->partnership_id, &*current);
                          if (!context.ok()) return context.status();
                          v1::Risk after = before;
                          auto action = decide(after, *context);
                          if (!action.ok()) return action.status();
                          *after.mutable_update_time() = Now();
                          if (by_officer) after.set_updated_by(actor);
                          after.set_etag(absl::StrCat(change.sequence()));
                          PutRisk(change, key, &before, after);
                          change.Emit(before.state() == after.state() ? events::v1::UPDATED
                                                                      : events::v1::STATE_CHANGED,
                                      after.name(), after, request_id, *action);
                          return after.SerializeAsString();
                        });
  if (!bytes.ok()) return bytes.status();
  v1::Risk out;
  if (absl::Status s = Decode(*bytes, &out); !s.ok()) return s;
  return out;
}

absl::StatusOr<v1::Risk> Risks::UpdateRisk(const v1::UpdateRiskRequest& request,
                                           const server::Caller& caller) {
  if (absl::Status s = server::RequireOfficer(caller).status(); !s.ok()) return s;
  std::string etag = request.etag().empty() ? request.risk().etag() : request.etag();
  return ChangeRisk(
      "UpdateRisk", request.risk().name(), etag, request.request_id(), request, caller.officer,
      true, [&](v1::Risk& risk, const Context& context) -> absl::StatusOr<std::string> {
        if (risk.state() == v1::Risk::CLOSED) {
          return api::Error(absl::StatusCode::kFailedPrecondition, "RISK_CLOSED",
                            absl::StrCat("name: ", risk.name(), " is closed and cannot change"));
        }
        v1::Risk before = risk;
        v1::Risk next = risk;
        if (absl::Status s =
                api::ApplyFieldMask(request.update_mask(), request.risk(), WritableFields(), &next);
            !s.ok()) {
          return s;
        }
        // Ratings stay on the matrix the risk was first rated on.
        auto protocol = storage::FindProtocolVersion(*store_, kProtocols, risk.protocol(),
                                                     risk.protocol_version());
        if (!protocol.ok()) return protocol.status();
        auto rated = ValidateAndRate(next, protocol->risk_matrix(), "risk.");
        if (!rated.ok()) return rated.status();
        risk = *std::move(rated);
        UpdateEscalation(&before, context.major, risk);
        return std::string("risk_updated");
      });
}

absl::StatusOr<v1::Risk> Risks::CloseRisk(const v1::CloseRiskRequest& request,
                                          const server::Caller& caller) {
  if (absl::Status s = server::RequireOfficer(caller).status(); !s.ok()) return s;
  if (absl::StripAsciiWhitespace(request.reason()).empty()) {
    return api::InvalidField("reason", "is required to close a risk");
  }
  return ChangeRisk("CloseRisk", request.name(), request.etag(), request.request_id(), request,
                    caller.officer, true, [&](v1::Risk& risk, const Context& context) -> absl::StatusOr<std::string> {
                      if (risk.state() == v1::Risk::CLOSED) {
                        return api::Error(absl::StatusCode::kFailedPrecondition, "RISK_CLOSED",
                                          absl::StrCat("name: ", risk.name(), " is closed"));
                      }
                      v1::Risk before = risk;
                      risk.set_state(v1::Risk::CLOSED);
                      risk.set_close_reason(request.reason());
                      UpdateEscalation(&before, context.major, risk);
                      return std::string("risk_closed");
                    });
}

absl::StatusOr<v1::HeatMap> Risks::GetHeatMap(const std::string& name) const {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  if (parts.size() != 3 || parts[0] != "partnerships" || parts[1].empty() ||
      parts[2] != "riskHeatMap") {
    return api::InvalidField("name",
                             absl::StrCat("must look like partnerships/{partnership}/riskHeatMap "
                                          "or partnerships/-/riskHeatMap; got '",
                                          name, "'"));
  }
  auto context = ContextFor(parts[1] == "-" ? "" : parts[1], nullptr);
  if (!context.ok()) return context.status();
  // A council's risk registers hold hundreds of risks, so the map reads them all. It is
  // drawn on one matrix: the partnership's protocol, or for the council the default one;
  // risks rated on another matrix are counted as unplaced rather than put in a wrong cell.
  std::vector<v1::Risk> risks;
  std::string prefix = parts[1] == "-" ? "" : absl::StrCat(parts[1], Sep());
  auto it = store_->NewIterator(kRisks);
  for (it->Seek(prefix); it->Valid() && absl::StartsWith(storage::View(it->key()), prefix);
       it->Next()) {
    if (absl::Status s = Decode(storage::View(it->value()), &risks.emplace_back()); !s.ok()) {
      return s;
    }
  }
  if (!it->status().ok()) return storage::FromRocks(it->status(), "heat map");
  v1::HeatMap map = BuildHeatMap(risks, context->protocol);
  map.set_name(name);
  return map;
}

absl::StatusOr<v1::ListRisksResponse> Risks::ListOverdueRisks(
    const v1::ListOverdueRisksRequest& request) const {
  if (!IsDate(request.as_of())) {
    return api::InvalidField(
        "as_of",
        absl::StrCat("is required as a date written YYYY-MM-DD; got '", request.as_of(), "'"));
  }
  std::string prefix = absl::StrCat("due", Sep());
  return ScanPage(*store_, kIndex, prefix, prefix + request.as_of(), request.page_size(),
                  request.page_token(), request.as_of(), nullptr);
}

absl::StatusOr<v1::ListRisksResponse> Risks::ListPendingEscalations(
    const v1::ListPendingEscalationsRequest& request) const {
  return ScanPage(*store_, kIndex, absl::StrCat("pending", Sep()), "", request.page_size(),
                  request.page_token(), "", nullptr);
}

absl::StatusOr<v1::Risk> Risks::AcknowledgeEscalation(
    const v1::AcknowledgeEscalationRequest& request, const server::Caller& caller) {
  if (absl::Status s = server::RequireActor(caller).status(); !s.ok()) return s;
  std::vector<api::FieldViolation> violations;
  if (request.etag().empty()) {
    violations.push_back(
        {"etag", "is required: the risk's etag as the corporate register took it"});
  }
  if (absl::StripAsciiWhitespace(request.corporate_reference()).empty()) {
    violations.push_back({"corporate_reference", "is required"});
  }
  if (!violations.empty()) return api::InvalidFields(violations);
  return ChangeRisk(
      "AcknowledgeEscalation", request.name(), request.etag(), request.request_id(), request,
      server::ActorOf(caller), false, [&](v1::Risk& risk, const Context&) -> absl::StatusOr<std::string> {
        auto state = risk.escalation().state();
        if (state != v1::Escalation::PENDING && state != v1::Escalation::WITHDRAWAL_PENDING) {
          return api::Error(
              absl::StatusCode::kFailedPrecondition, "NOT_PENDING",
              absl::StrCat("name: ", risk.name(), " is not waiting for the corporate register (",
                           v1::Escalation::State_Name(state), ")"));
        }
        v1::Escalation* escalation = risk.mutable_escalation();
        escalation->set_state(state == v1::Escalation::PENDING ? v1::Escalation::ACKNOWLEDGED
                                                               : v1::Escalation::WITHDRAWN);
        escalation->set_corporate_reference(request.corporate_reference());
        escalation->set_corporate_status(request.corporate_status());
        escalation->set_acknowledged_etag(request.etag());
        escalation->set_updated_by(server::ActorOf(caller));
        *escalation->mutable_update_time() = Now();
        return std::string("escalation_acknowledged");
      });
}

absl::StatusOr<v1::Risk> Risks::ReportEscalationStatus(
    const v1::ReportEscalationStatusRequest& request, const server::Caller& caller) {
  if (absl::Status s = server::RequireActor(caller).status(); !s.ok()) return s;
  auto state = request.state();
  if (state != v1::Escalation::ACCEPTED && state != v1::Escalation::REJECTED &&
      state != v1::Escalation::CLOSED) {
    return api::InvalidField("state", "must be ACCEPTED, REJECTED or CLOSED");
  }
  if (state == v1::Escalation::REJECTED && absl::StripAsciiWhitespace(request.reason()).empty()) {
    return api::InvalidField("reason", "is required when the corporate register rejects a risk");
  }
  return ChangeRisk(
      "ReportEscalationStatus", request.name(), "", request.request_id(), request,
      server::ActorOf(caller), false, [&](v1::Risk& risk, const Context&) -> absl::StatusOr<std::string> {
        auto current = risk.escalation().state();
        if (current != v1::Escalation::ACKNOWLEDGED && current != v1::Escalation::ACCEPTED &&
            current != v1::Escalation::REJECTED) {
          return api::Error(absl::StatusCode::kFailedPrecondition, "NOT_TAKEN",
                            absl::StrCat("name: the corporate register has not taken ", risk.name(),
                                         " (", v1::Escalation::State_Name(current), ")"));
        }
        v1::Escalation* escalation = risk.mutable_escalation();
        escalation->set_state(state);
        escalation->set_reason(request.reason());
        if (!request.corporate_status().empty()) {
          escalation->set_corporate_status(request.corporate_status());
        }
        escalation->set_updated_by(server::ActorOf(caller));
        *escalation->mutable_update_time() = Now();
        return std::string("escalation_status_reported");
      });
}

absl::Status Risks::FollowAssessment(const events::v1::Event& event) {
  return storage::ApplyOnce(*store_, "assessment", event, [&](storage::Change& change) {
    const std::string& action = event.action();
    if (action == "protocol_loaded" || action == "protocol_version_created") {
      assessment_v1::Protocol protocol;
      if (!event.resource().UnpackTo(&protocol)) return absl::OkStatus();
      storage::PutProtocolVersion(change, kProtocols, protocol);
      return absl::OkStatus();
    }
    if (action != "assessed" && action != "moderated") return absl::OkStatus();
    assessment_v1::Assessment assessed;
    if (!event.resource().UnpackTo(&assessed)) return absl::OkStatus();
    std::vector<std::string> parts = absl::StrSplit(assessed.name(), '/');
    if (parts.size() < 2) return absl::OkStatus();
    const std::string& partnership_id = parts[1];
    // The protocol version its risks are rated on; the tier (and with it escalation) comes
    // from the register's feed, the one truth every service shares.
    change.Put(kAssessed, partnership_id, assessed.SerializeAsString());
    return absl::OkStatus();
  });
}

absl::Status Risks::FollowRegister(const events::v1::Event& event) {
  return storage::ApplyOnce(*store_, "registry", event, [&](storage::Change& change) {
    return storage::ApplyRegisterEvent(
        change, event,
        [&](storage::Change& change, const std::optional<lifecycle::View>& before,
            const std::optional<lifecycle::View>& after) -> absl::Status {
          if (!after) {
            // A proposal deleted from the register: its risks close with it.
            if (!before) return absl::OkStatus();
            return ReactToPartnership(change, before->name(), true, false,
                                      "the partnership was deleted from the register");
          }
          bool was_major = before && before->tier() == registry::v1::MAJOR;
          bool ended = lifecycle::IsFinal(after->state());
          bool major = !ended && after->tier() == registry::v1::MAJOR;
          if (!ended && was_major == major) return absl::OkStatus();
          registry::v1::Partnership partnership;
          event.resource().UnpackTo(&partnership);
          return ReactToPartnership(
              change, after->name(), ended, major,
              absl::StrCat("the partnership was ", registry::v1::State_Name(after->state()),
                           partnership.state_reason().empty() ? "" : ": ",
                           partnership.state_reason()));
        });
  });
}

absl::Status Risks::ReactToPartnership(storage::Change& change, const std::string& partnership,
                                       bool ended, bool major,
                                       const std::string& close_reason) {
  // Offer, withdraw or close each of the partnership's risks that this changes. Idempotent:
  // a repeat finds nothing left to change.
  std::string prefix = absl::StrCat(partnership.substr(kPartnerships.size()), Sep());
  {
    auto it = store_->NewIterator(kRisks);
    for (it->Seek(prefix); it->Valid() && absl::StartsWith(storage::View(it->key()), prefix);
         it->Next()) {
      v1::Risk before;
      if (absl::Status s = Decode(storage::View(it->value()), &before); !s.ok()) return s;
      v1::Risk after = before;
      if (ended && after.state() == v1::Risk::OPEN) {
        after.set_state(v1::Risk::CLOSED);
        after.set_close_reason(close_reason);
      }
      UpdateEscalation(&before, major, after);
      bool closed = after.state() != before.state();
      if (!closed && after.escalation().state() == before.escalation().state()) continue;
      if (after.escalation().state() != before.escalation().state()) {
        *after.mutable_escalation()->mutable_update_time() = Now();
      }
      *after.mutable_update_time() = Now();
      after.set_etag(absl::StrCat(change.sequence()));
      PutRisk(change, std::string(storage::View(it->key())), &before, after);
      change.Emit(closed ? events::v1::STATE_CHANGED : events::v1::UPDATED, after.name(), after,
                  "",
                  closed  ? "risk_closed"
                  : major ? "escalation_offered"
                          : "escalation_withdrawn");
    }
    if (!it->status().ok()) return storage::FromRocks(it->status(), "follow the register");
  }
  return absl::OkStatus();
}

}  // namespace accord::risk
