#include "services/assessment/assessments.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "common/api/errors.h"
#include "common/api/field_mask.h"
#include "common/api/page_token.h"
#include "common/api/request_id.h"
#include "common/lifecycle/lifecycle.h"
#include "common/storage/feed_follower.h"
#include "common/storage/partnership_views.h"
#include "common/storage/protocol_versions.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "services/assessment/domain/evaluation_rules.h"
#include "services/assessment/domain/protocol_rules.h"
#include "services/assessment/domain/requirements.h"
#include "services/assessment/domain/significance.h"

namespace accord::assessment {
namespace {

using events::v1::ChangeKind;
using google::protobuf::util::TimeUtil;
using lifecycle::Act;
using lifecycle::Outcome;

constexpr absl::string_view kProtocols = "protocols";
constexpr absl::string_view kRecords = "records";
constexpr absl::string_view kPartnerships = "partnerships/";
constexpr absl::string_view kProtocolPrefix = "protocols/";

// Record kinds, as key parts and id prefixes.
constexpr char kScreening = 's';
constexpr char kAssessment = 'a';
constexpr char kEvaluation = 'e';

std::string Sep() { return std::string(1, '\0'); }

std::string RecordPrefix(absl::string_view partnership_id, char kind) {
  return absl::StrCat(partnership_id, Sep(), std::string(1, kind), Sep());
}

// Ids grow with the feed sequence, so key order is creation order.
std::string NewRecordId(char kind, int64_t sequence) {
  return absl::StrFormat("%c%012d", kind, sequence);
}

google::protobuf::Timestamp Now() {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now()));
}

// "partnerships/{id}" → id, or INVALID_ARGUMENT naming `field`.
absl::StatusOr<std::string> PartnershipId(absl::string_view name, absl::string_view field) {
  if (!absl::StartsWith(name, kPartnerships) || name.size() == kPartnerships.size() ||
      name.substr(kPartnerships.size()).find('/') != absl::string_view::npos) {
    return api::InvalidField(
        field, absl::StrCat("must look like partnerships/{partnership}; got '", name, "'"));
  }
  return std::string(name.substr(kPartnerships.size()));
}

struct RecordName {
  std::string partnership_id;
  std::string record_id;
};

// "partnerships/{p}/{collection}/{id}" → parts, or INVALID_ARGUMENT naming "name".
absl::StatusOr<RecordName> ParseRecordName(absl::string_view name, absl::string_view collection) {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "partnerships" || parts[1].empty() ||
      parts[2] != collection || parts[3].empty()) {
    return api::InvalidField("name", absl::StrCat("must look like partnerships/{partnership}/",
                                                  collection, "/{id}; got '", name, "'"));
  }
  return RecordName{parts[1], parts[3]};
}

template <typename Message>
absl::Status Decode(const std::string& bytes, Message* out) {
  if (!out->ParseFromString(bytes)) {
    return api::Error(absl::StatusCode::kDataLoss, "STORAGE_CORRUPT",
                      "a stored record cannot be decoded");
  }
  return absl::OkStatus();
}

absl::Status NotFound(absl::string_view what, absl::string_view name) {
  return api::Error(absl::StatusCode::kNotFound, "NOT_FOUND",
                    absl::StrCat("name: no ", what, " named '", name, "'"));
}

absl::Status CheckEtag(absl::string_view given, absl::string_view current) {
  if (!given.empty() && given != current) {
    return api::Error(absl::StatusCode::kAborted, "STALE_ETAG",
                      absl::StrCat("etag: '", given, "' is not the current etag '", current,
                                   "'; read it again and retry"));
  }
  return absl::OkStatus();
}

std::set<v1::Role> RolesOf(const server::Caller& caller) {
  std::set<v1::Role> roles;
  for (const std::string& name : caller.roles) {
    v1::Role role;
    if (v1::Role_Parse(name, &role)) roles.insert(role);
  }
  return roles;
}

// Newest-first page of the records under `prefix`.
absl::StatusOr<std::pair<std::vector<std::string>, std::string>> PageNewestFirst(
    const storage::Store& store, const std::string& prefix, int requested_size,
    const std::string& page_token) {
  auto size = api::EffectivePageSize(requested_size, 50, 1000);
  if (!size.ok()) return size.status();
  uint64_t fingerprint = api::QueryFingerprint(prefix, "newest");
  std::string cursor;
  if (!page_token.empty()) {
    auto decoded = api::DecodePageToken(page_token, fingerprint);
    if (!decoded.ok()) return decoded.status();
    cursor = *std::move(decoded);
  }
  auto it = store.NewIterator(kRecords);
  if (cursor.empty()) {
    it->SeekForPrev(prefix + std::string(8, '\xff'));
  } else {
    it->SeekForPrev(cursor);
    if (it->Valid() && storage::View(it->key()) == cursor) it->Prev();
  }
  std::vector<std::string> values;
  std::string last;
  auto in_range = [&] { return it->Valid() && absl::StartsWith(storage::View(it->key()), prefix); };
  for (; in_range() && static_cast<int>(values.size()) < *size; it->Prev()) {
    last = std::string(storage::View(it->key()));
    values.push_back(it->value().ToString());
  }
  if (!it->status().ok()) return storage::FromRocks(it->status(), "list records");
  return std::make_pair(std::move(values),
                        in_range() ? api::EncodePageToken(last, fingerprint) : std::string());
}

// Reads the record `name` ("partnerships/{p}/{collection}/{id}") of `kind`.
template <typename Message>
absl::StatusOr<Message> ReadRecord(const storage::Store& store, const std::string& name,
                                   absl::string_view collection, char kind,
                                   absl::string_view what) {
  auto parsed = ParseRecordName(name, collection);
  if (!parsed.ok()) return parsed.status();
  std::string bytes;
  absl::Status found =
      store.Get(kRecords, RecordPrefix(parsed->partnership_id, kind) + parsed->record_id, &bytes);
  if (absl::IsNotFound(found)) return NotFound(what, name);
  if (!found.ok()) return found;
  Message record;
  if (absl::Status s = Decode(bytes, &record); !s.ok()) return s;
  return record;
}

// A newest-first page of a partnership's records of `kind`, added to `items` of Response.
template <typename Response, typename Item>
absl::StatusOr<Response> ListRecords(const storage::Store& store, const std::string& parent,
                                     char kind, int page_size, const std::string& page_token,
                                     google::protobuf::RepeatedPtrField<Item>* (Response::*items)()) {
  auto partnership_id = PartnershipId(parent, "parent");
  if (!partnership_id.ok()) return partnership_id.status();
  auto page = PageNewestFirst(store, RecordPrefix(*partnership_id, kind), page_size, page_token);
  if (!page.ok()) return page.status();
  Response response;
  for (const std::string& bytes : page->first) {
    if (absl::Status s = Decode(bytes, (response.*items)()->Add()); !s.ok()) return s;
  }
  response.set_next_page_token(page->second);
  return response;
}

// Runs a create under a request id and decodes the stored response.
template <typename Message>
absl::StatusOr<Message> CreateOnce(storage::Store& store, absl::string_view method,
                                   const google::protobuf::Message& request,
                                   absl::string_view request_id,
                                   const std::function<absl::StatusOr<Message>(storage::Change&)>& build) {
  if (absl::Status s = api::ValidateRequestId(request_id); !s.ok()) return s;
  auto bytes = store.WriteOnce(method, request_id, api::RequestFingerprint(request),
                               [&](storage::Change& change) -> absl::StatusOr<std::string> {
                                 auto built = build(change);
                                 if (!built.ok()) return built.status();
                                 return built->SerializeAsString();
                               });
  if (!bytes.ok()) return bytes.status();
  Message out;
  if (absl::Status s = Decode(*bytes, &out); !s.ok()) return s;
  return out;
}

// Output fields of an evaluation that depend on the rules, recomputed on every change.
void Refresh(v1::Evaluation& evaluation, const v1::Requirements& requirements,
             const v1::Protocol& protocol) {
  evaluation.clear_missing_items();
  for (const std::string& item : MissingItems(evaluation, requirements, protocol)) {
    evaluation.add_missing_items(item);
  }
  evaluation.clear_pending_sign_offs();
  for (v1::Role role : PendingSignOffs(evaluation, requirements)) {
    evaluation.add_pending_sign_offs(role);
  }
}

const std::set<std::string>& EvaluationWritableFields() {
  static const auto* fields = new std::set<std::string>{
      "sections", "governance_checklist", "memorandum_checklist", "pre_entry_checklist",
      "documents_held", "business_case"};
  return *fields;
}

// Inside a change: the partnership's view, refused unless the life cycle allows `act` in
// the state the view and this service's own records give.
absl::StatusOr<lifecycle::View> Admit(storage::Change& change, const storage::ViewForAct& view,
                                      Act act) {
  auto current = view.Get(change);
  if (!current.ok()) return current.status();
  if (absl::Status s = lifecycle::Check(current->name(), lifecycle::StateOf(*current), act);
      !s.ok()) {
    return s;
  }
  return current;
}

// Inside a change: this service's own act moved the partnership on (the register's feed
// will say so a moment later); kept so that the next act is judged by it.
void Progress(storage::Change& change, const std::string& partnership_id, lifecycle::View view,
              Outcome outcome) {
  view.set_own_progress(lifecycle::StateAfter(lifecycle::StateOf(view), outcome));
  storage::PutView(change, partnership_id, view);
}

// The protocol a partnership's act runs under: the one it is bound to (by the register,
// or by its own screening a moment ago), else `requested`, else the service default.
// FAILED_PRECONDITION naming `field` when `requested` differs from the binding.
absl::StatusOr<std::string> ProtocolFor(const lifecycle::View& view, const std::string& requested,
                                        const std::string& default_protocol,
                                        absl::string_view field) {
  const std::string& bound = !view.protocol().empty() ? view.protocol() : view.own_protocol();
  if (bound.empty()) return requested.empty() ? default_protocol : requested;
  if (!requested.empty() && requested != bound) {
    return api::Error(absl::StatusCode::kFailedPrecondition, "PROTOCOL_BOUND",
                      absl::StrCat(field, ": ", view.name(), " runs under ", bound, ", not ",
                                   requested, "; only the register keeper binds it to another "
                                   "protocol"));
  }
  return bound;
}

// Inside a change: Admit for a screening or an assessment that resolved its protocol to
// `used` before the change; ABORTED when the binding changed since (retry).
absl::StatusOr<lifecycle::View> AdmitUnder(storage::Change& change,
                                           const storage::ViewForAct& view, Act act,
                                           const std::string& requested,
                                           const std::string& default_protocol,
                                           const std::string& used, absl::string_view field) {
  auto admitted = Admit(change, view, act);
  if (!admitted.ok()) return admitted.status();
  auto still = ProtocolFor(*admitted, requested, default_protocol, field);
  if (!still.ok()) return still.status();
  if (*still != used) {
    return api::Error(absl::StatusCode::kAborted, "PROTOCOL_REBOUND",
                      "the partnership's protocol changed while this was recorded; retry");
  }
  return admitted;
}

}  // namespace

std::vector<std::string> Assessments::ColumnFamilies() {
  return {std::string(kProtocols), std::string(kRecords), std::string(storage::kViewsFamily)};
}

absl::Status Assessments::LoadProtocols(const std::vector<v1::Protocol>& protocols) {
  for (const v1::Protocol& protocol : protocols) {
    absl::Status status = store_->Write([&](storage::Change& change) -> absl::Status {
      std::string id = protocol.name().substr(kProtocolPrefix.size());
      std::string key = storage::ProtocolVersionKey(id, protocol.version());
      std::string bytes;
      absl::Status found = change.Get(kProtocols, key, &bytes);
      if (found.ok()) {
        v1::Protocol stored;
        if (absl::Status s = Decode(bytes, &stored); !s.ok()) return s;
        stored.clear_create_time();
        if (!google::protobuf::util::MessageDifferencer::Equals(stored, protocol)) {
          return absl::FailedPreconditionError(absl::StrCat(
              protocol.name(), " version ", protocol.version(),
              " differs from the stored version ", protocol.version(),
              ", and a protocol version never changes; give the amendment version ",
              protocol.version() + 1));
        }
        return absl::OkStatus();
      }
      if (!absl::IsNotFound(found)) return found;
      v1::Protocol stored = protocol;
      *stored.mutable_create_time() = Now();
      storage::PutProtocolVersion(change, kProtocols, stored);
      change.Emit(events::v1::CREATED, stored.name(), stored, "", "protocol_loaded");
      return absl::OkStatus();
    });
    if (!status.ok()) return status;
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Protocol> Assessments::ProtocolVersion(const std::string& name,
                                                          int version) const {
  return storage::FindProtocolVersion(*store_, kProtocols, name, version);
}

absl::StatusOr<v1::Protocol> Assessments::ProtocolOf(
    const absl::StatusOr<storage::ViewForAct>& view, const std::string& requested,
    absl::string_view prefix) const {
  // An unknown partnership (NOT_FOUND) is answered after the input is checked: the input is
  // judged against the default protocol then.
  if (!view.ok() && !absl::IsNotFound(view.status())) return view.status();
  auto seen = view.ok() ? view->Get(*store_) : lifecycle::View();
  if (!seen.ok()) return seen.status();
  auto name = ProtocolFor(*seen, requested, default_protocol_, absl::StrCat(prefix, "protocol"));
  if (!name.ok()) return name.status();
  auto protocol = ProtocolVersion(*name, 0);
  if (!protocol.ok()) return api::PrefixFields(protocol.status(), prefix);
  return protocol;
}

absl::StatusOr<v1::Protocol> Assessments::GetProtocol(
    const v1::GetProtocolRequest& request) const {
  if (request.version() < 0) return api::InvalidField("version", "must be zero or more");
  return ProtocolVersion(request.name(), request.version());
}

absl::StatusOr<v1::ListProtocolsResponse> Assessments::ListProtocols() const {
  v1::ListProtocolsResponse response;
  auto it = store_->NewIterator(kProtocols);
  // Keys sort by id, then version; the last key of each id is its latest version.
  v1::Protocol latest;
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    v1::Protocol protocol;
    if (absl::Status s = Decode(it->value().ToString(), &protocol); !s.ok()) return s;
    if (!latest.name().empty() && latest.name() != protocol.name()) {
      *response.add_protocols() = latest;
    }
    latest = std::move(protocol);
  }
  if (!latest.name().empty()) *response.add_protocols() = latest;
  return response;
}

absl::StatusOr<v1::Protocol> Assessments::CreateProtocolVersion(
    const v1::CreateProtocolVersionRequest& request) {
  v1::Protocol protocol = request.protocol();
  protocol.clear_create_time();
  if (absl::Status s = ValidateProtocol(protocol, "protocol."); !s.ok()) return s;
  return CreateOnce<v1::Protocol>(
      *store_, "CreateProtocolVersion", request, request.request_id(),
      [&](storage::Change& change) -> absl::StatusOr<v1::Protocol> {
        auto latest = ProtocolVersion(protocol.name(), 0);
        int expected = latest.ok() ? latest->version() + 1 : 1;
        if (!latest.ok() && !absl::IsNotFound(latest.status())) return latest.status();
        if (protocol.version() != expected) {
          return api::InvalidField(
              "protocol.version",
              absl::StrCat("must be ", expected, ", one more than the latest version; got ",
                           protocol.version(), " (a version never changes)"));
        }
        *protocol.mutable_create_time() = Now();
        storage::PutProtocolVersion(change, kProtocols, protocol);
        change.Emit(events::v1::CREATED, protocol.name(), protocol, request.request_id(),
                    "protocol_version_created");
        return protocol;
      });
}

absl::StatusOr<v1::Screening> Assessments::CreateScreening(
    const v1::CreateScreeningRequest& request, const server::Caller& caller) {
  if (absl::Status s = server::RequireOfficer(caller).status(); !s.ok()) return s;
  auto partnership_id = PartnershipId(request.parent(), "parent");
  if (!partnership_id.ok()) return partnership_id.status();
  const v1::Screening& input = request.screening();
  if (auto replay = storage::Replayed<v1::Screening>(*store_, "CreateScreening",
                                                     request.request_id(),
                                                     api::RequestFingerprint(request))) {
    return *replay;
  }
  auto view = storage::ViewForAct::Prepare(*store_, *lookup_, request.parent());
  auto protocol = ProtocolOf(view, input.protocol(), "screening.");
  if (!protocol.ok()) return protocol.status();
  std::vector<api::FieldViolation> violations;
  if (input.outcome() == v1::SCREENING_OUTCOME_UNSPECIFIED ||
      !v1::ScreeningOutcome_IsValid(input.outcome())) {
    violations.push_back({"screening.outcome",
                          "is required: IS_PARTNERSHIP, IN_BETWEEN or NOT_A_PARTNERSHIP"});
  }
  if (absl::StripAsciiWhitespace(input.justification()).empty()) {
    violations.push_back({"screening.justification", "is required"});
  }
  std::set<std::string> seen;
  for (int i = 0; i < input.answers_size(); ++i) {
    const std::string& id = input.answers(i).question_id();
    bool known = std::any_of(protocol->screening_questions().begin(),
                             protocol->screening_questions().end(),
                             [&](const auto& q) { return q.id() == id; });
    if (!known) {
      violations.push_back({absl::StrCat("screening.answers[", i, "].question_id"),
                            absl::StrCat("'", id, "' is not a screening question of ",
                                         protocol->name())});
    } else if (!seen.insert(id).second) {
      violations.push_back({absl::StrCat("screening.answers[", i, "].question_id"),
                            absl::StrCat("'", id, "' is answered twice")});
    }
  }
  if (!violations.empty()) return api::InvalidFields(violations);
  if (!view.ok()) return view.status();

  return CreateOnce<v1::Screening>(
      *store_, "CreateScreening", request, request.request_id(),
      [&](storage::Change& change) -> absl::StatusOr<v1::Screening> {
        auto admitted = AdmitUnder(change, *view, Act::kScreen, input.protocol(),
                                   default_protocol_, protocol->name(), "screening.protocol");
        if (!admitted.ok()) return admitted.status();
        v1::Screening screening;
        *screening.mutable_answers() = input.answers();
        screening.set_outcome(input.outcome());
        screening.set_justification(input.justification());
        std::string id = NewRecordId(kScreening, change.sequence());
        screening.set_name(absl::StrCat(request.parent(), "/screenings/", id));
        screening.set_protocol(protocol->name());
        screening.set_protocol_version(protocol->version());
        screening.set_screened_by(caller.officer);
        *screening.mutable_create_time() = Now();
        screening.set_etag(absl::StrCat(change.sequence()));
        change.Put(kRecords, RecordPrefix(*partnership_id, kScreening) + id,
                   screening.SerializeAsString());
        lifecycle::View next = *admitted;
        if (next.protocol().empty()) next.set_own_protocol(protocol->name());
        Progress(change, *partnership_id, next,
                 input.outcome() == v1::NOT_A_PARTNERSHIP ? Outcome::kScreenedOut
                                                          : Outcome::kScreenedIn);
        change.Emit(events::v1::CREATED, screening.name(), screening, request.request_id(),
                    "screened");
        return screening;
      });
}

absl::StatusOr<v1::ListScreeningsResponse> Assessments::ListScreenings(
    const v1::ListScreeningsRequest& request) const {
  return ListRecords(*store_, request.parent(), kScreening, request.page_size(),
                     request.page_token(), &v1::ListScreeningsResponse::mutable_screenings);
}

absl::StatusOr<v1::Assessment> Assessments::CreateAssessment(
    const v1::CreateAssessmentRequest& request, const server::Caller& caller) {
  if (absl::Status s = server::RequireOfficer(caller).status(); !s.ok()) return s;
  auto partnership_id = PartnershipId(request.parent(), "parent");
  if (!partnership_id.ok()) return partnership_id.status();
  if (auto replay = storage::Replayed<v1::Assessment>(*store_, "CreateAssessment",
                                                      request.request_id(),
                                                      api::RequestFingerprint(request))) {
    return *replay;
  }
  auto view = storage::ViewForAct::Prepare(*store_, *lookup_, request.parent());
  auto protocol = ProtocolOf(view, request.assessment().protocol(), "assessment.");
  if (!protocol.ok()) return protocol.status();
  v1::Assessment input;
  *input.mutable_answers() = request.assessment().answers();
  auto assessed = Assess(input, *protocol);
  if (!assessed.ok()) return api::PrefixFields(assessed.status(), "assessment.");
  if (!view.ok()) return view.status();

  return CreateOnce<v1::Assessment>(
      *store_, "CreateAssessment", request, request.request_id(),
      [&](storage::Change& change) -> absl::StatusOr<v1::Assessment> {
        auto admitted =
            AdmitUnder(change, *view, Act::kAssess, request.assessment().protocol(),
                       default_protocol_, protocol->name(), "assessment.protocol");
        if (!admitted.ok()) return admitted.status();
        v1::Assessment assessment = *assessed;
        std::string id = NewRecordId(kAssessment, change.sequence());
        assessment.set_name(absl::StrCat(request.parent(), "/assessments/", id));
        assessment.set_assessed_by(caller.officer);
        *assessment.mutable_create_time() = Now();
        *assessment.mutable_update_time() = assessment.create_time();
        assessment.set_etag(absl::StrCat(change.sequence()));
        change.Put(kRecords, RecordPrefix(*partnership_id, kAssessment) + id,
                   assessment.SerializeAsString());
        Progress(change, *partnership_id, *admitted, Outcome::kAssessed);
        change.Emit(events::v1::CREATED, assessment.name(), assessment, request.request_id(),
                    "assessed");
        return assessment;
      });
}

absl::StatusOr<v1::Assessment> Assessments::GetAssessment(const std::string& name) const {
  return ReadRecord<v1::Assessment>(*store_, name, "assessments", kAssessment, "assessment");
}

absl::StatusOr<v1::ListAssessmentsResponse> Assessments::ListAssessments(
    const v1::ListAssessmentsRequest& request) const {
  return ListRecords(*store_, request.parent(), kAssessment, request.page_size(),
                     request.page_token(), &v1::ListAssessmentsResponse::mutable_assessments);
}

absl::StatusOr<v1::Assessment> Assessments::ModerateAssessment(
    const v1::ModerateAssessmentRequest& request, const server::Caller& caller) {
  auto officer = server::RequireOfficer(caller);
  if (!officer.ok()) return officer.status();
  if (!RolesOf(caller).count(v1::CHIEF_EXECUTIVE)) {
    return api::Error(absl::StatusCode::kPermissionDenied, "ROLE_REQUIRED",
                      "only the Chief Executive decides a final tier");
  }
  if (absl::Status s = CheckModeration(request.tier(), request.reason()); !s.ok()) return s;
  auto parsed = ParseRecordName(request.name(), "assessments");
  if (!parsed.ok()) return parsed.status();
  std::string key = RecordPrefix(parsed->partnership_id, kAssessment) + parsed->record_id;
  auto view = storage::ViewForAct::Prepare(*store_, *lookup_,
                                           absl::StrCat(kPartnerships, parsed->partnership_id));
  if (!view.ok()) return view.status();
  if (auto seen = view->Get(*store_); !seen.ok()) {
    return seen.status();
  } else if (absl::Status s = lifecycle::Check(seen->name(), lifecycle::StateOf(*seen),
                                               Act::kModerate);
             !s.ok()) {
    return s;
  }
  return CreateOnce<v1::Assessment>(
      *store_, "ModerateAssessment", request, request.request_id(),
      [&](storage::Change& change) -> absl::StatusOr<v1::Assessment> {
        if (auto admitted = Admit(change, *view, Act::kModerate); !admitted.ok()) {
          return admitted.status();
        }
        std::string bytes;
        absl::Status found = change.Get(kRecords, key, &bytes);
        if (absl::IsNotFound(found)) return NotFound("assessment", request.name());
        if (!found.ok()) return found;
        v1::Assessment assessment;
        if (absl::Status s = Decode(bytes, &assessment); !s.ok()) return s;
        if (absl::Status s = CheckEtag(request.etag(), assessment.etag()); !s.ok()) return s;
        if (!assessment.void_reason().empty()) {
          return api::Error(absl::StatusCode::kFailedPrecondition, "ASSESSMENT_VOID",
                            absl::StrCat("name: ", assessment.name(), " is void: ",
                                         assessment.void_reason()));
        }
        auto latest = LatestAssessment(parsed->partnership_id);
        if (!latest.ok()) return latest.status();
        if (latest->name() != assessment.name()) {
          return api::Error(absl::StatusCode::kFailedPrecondition, "SUPERSEDED",
                            absl::StrCat("name: ", assessment.name(), " was superseded by ",
                                         latest->name(), "; moderate the latest assessment"));
        }
        auto protocol = ProtocolVersion(assessment.protocol(), assessment.protocol_version());
        if (!protocol.ok()) return protocol.status();
        v1::Moderation* moderation = assessment.mutable_moderation();
        moderation->set_tier(request.tier());
        moderation->set_reason(request.reason());
        moderation->set_decided_by(caller.officer);
        *moderation->mutable_decide_time() = Now();
        auto rederived = Assess(assessment, *protocol);
        if (!rederived.ok()) return rederived.status();
        assessment = *std::move(rederived);
        *assessment.mutable_update_time() = Now();
        assessment.set_etag(absl::StrCat(change.sequence()));
        change.Put(kRecords, key, assessment.SerializeAsString());
        change.Emit(events::v1::UPDATED, assessment.name(), assessment, request.request_id(),
                    "moderated");
        return assessment;
      });
}

absl::StatusOr<v1::Assessment> Assessments::LatestAssessment(
    const std::string& partnership_id) const {
  // Newest first; void assessments (refused by the register) do not count.
  std::string prefix = RecordPrefix(partnership_id, kAssessment);
  auto it = store_->NewIterator(kRecords);
  for (it->SeekForPrev(prefix + std::string(8, '\xff'));
       it->Valid() && absl::StartsWith(storage::View(it->key()), prefix); it->Prev()) {
    v1::Assessment assessment;
    if (absl::Status s = Decode(it->value().ToString(), &assessment); !s.ok()) return s;
    if (assessment.void_reason().empty()) return assessment;
  }
  if (!it->status().ok()) return storage::FromRocks(it->status(), "latest assessment");
  return api::Error(absl::StatusCode::kFailedPrecondition, "NOT_ASSESSED",
                    absl::StrCat("partnerships/", partnership_id,
                                 " has no significance assessment yet; assess it first"));
}

absl::StatusOr<Assessments::Current> Assessments::CurrentRequirements(
    const std::string& partnership_id, std::optional<Act> act) {
  auto view = storage::ViewForAct::Prepare(*store_, *lookup_,
                                           absl::StrCat(kPartnerships, partnership_id));
  if (!view.ok()) return view.status();
  auto facts = view->Get(*store_);
  if (!facts.ok()) return facts.status();
  // Refused at once when the state forbids the act (the change checks again, under the
  // writer, against what the register's feed has brought by then).
  if (act.has_value()) {
    if (absl::Status s = lifecycle::Check(facts->name(), lifecycle::StateOf(*facts), *act);
        !s.ok()) {
      return s;
    }
  }
  auto assessment = LatestAssessment(partnership_id);
  if (!assessment.ok()) return assessment.status();
  auto protocol = ProtocolVersion(assessment->protocol(), assessment->protocol_version());
  if (!protocol.ok()) return protocol.status();
  Current current;
  current.view = *std::move(view);
  current.requirements = RequirementsFor(assessment->final_tier(), facts->key_partnership(),
                                         assessment->accountable_body(), *protocol);
  current.requirements.set_name(absl::StrCat(kPartnerships, partnership_id, "/requirements"));
  current.assessment = *std::move(assessment);
  current.protocol = *std::move(protocol);
  return current;
}

absl::Status Assessments::CheckStillCurrent(const std::string& partnership_id,
                                            const Current& current,
                                            const v1::Evaluation& evaluation) const {
  auto latest = LatestAssessment(partnership_id);
  if (!latest.ok()) return latest.status();
  if (latest->etag() != current.assessment.etag()) {
    return api::Error(absl::StatusCode::kAborted, "REASSESSED",
                      "the partnership was re-assessed while this was decided; retry");
  }
  if (evaluation.kind() != current.requirements.document()) {
    return api::Error(
        absl::StatusCode::kFailedPrecondition, "WRONG_DOCUMENT",
        absl::StrCat("name: the partnership's ", v1::Tier_Name(current.assessment.final_tier()),
                     " tier now requires a ",
                     v1::EvaluationKind_Name(current.requirements.document()), ", not a ",
                     v1::EvaluationKind_Name(evaluation.kind()), "; start a new evaluation"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Requirements> Assessments::GetRequirements(const std::string& name) {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  if (parts.size() != 3 || parts[0] != "partnerships" || parts[1].empty() ||
      parts[2] != "requirements") {
    return api::InvalidField(
        "name", absl::StrCat("must look like partnerships/{partnership}/requirements; got '",
                             name, "'"));
  }
  auto current = CurrentRequirements(parts[1], std::nullopt);
  if (!current.ok()) return current.status();
  return current->requirements;
}

absl::StatusOr<v1::Evaluation> Assessments::CreateEvaluation(
    const v1::CreateEvaluationRequest& request, const server::Caller& caller) {
  if (absl::Status s = server::RequireOfficer(caller).status(); !s.ok()) return s;
  auto partnership_id = PartnershipId(request.parent(), "parent");
  if (!partnership_id.ok()) return partnership_id.status();
  auto current = CurrentRequirements(*partnership_id, Act::kEvaluate);
  if (!current.ok()) return current.status();
  const v1::Requirements& requirements = current->requirements;
  const v1::Protocol& protocol = current->protocol;
  v1::Evaluation evaluation;
  if (absl::Status s = api::ApplyFieldMask({}, request.evaluation(), EvaluationWritableFields(),
                                           &evaluation);
      !s.ok()) {
    return s;
  }
  evaluation.mutable_business_case()->clear_signed_by();
  return CreateOnce<v1::Evaluation>(
      *store_, "CreateEvaluation", request, request.request_id(),
      [&](storage::Change& change) -> absl::StatusOr<v1::Evaluation> {
        if (auto admitted = Admit(change, current->view, Act::kEvaluate); !admitted.ok()) {
          return admitted.status();
        }
        std::string id = NewRecordId(kEvaluation, change.sequence());
        evaluation.set_name(absl::StrCat(request.parent(), "/evaluations/", id));
        evaluation.set_created_by(caller.officer);
        evaluation.set_updated_by(caller.officer);
        evaluation.set_kind(requirements.document());
        evaluation.set_state(v1::Evaluation::DRAFT);
        evaluation.set_protocol(protocol.name());
        evaluation.set_protocol_version(protocol.version());
        *evaluation.mutable_create_time() = Now();
        *evaluation.mutable_update_time() = evaluation.create_time();
        evaluation.set_etag(absl::StrCat(change.sequence()));
        Refresh(evaluation, requirements, protocol);
        change.Put(kRecords, RecordPrefix(*partnership_id, kEvaluation) + id,
                   evaluation.SerializeAsString());
        change.Emit(events::v1::CREATED, evaluation.name(), evaluation, request.request_id(),
                    "evaluation_started");
        return evaluation;
      });
}

absl::StatusOr<v1::Evaluation> Assessments::GetEvaluation(const std::string& name) const {
  return ReadRecord<v1::Evaluation>(*store_, name, "evaluations", kEvaluation, "evaluation");
}

absl::StatusOr<v1::ListEvaluationsResponse> Assessments::ListEvaluations(
    const v1::ListEvaluationsRequest& request) const {
  return ListRecords(*store_, request.parent(), kEvaluation, request.page_size(),
                     request.page_token(), &v1::ListEvaluationsResponse::mutable_evaluations);
}

absl::StatusOr<v1::Evaluation> Assessments::ChangeEvaluation(
    absl::string_view method, const std::string& name, absl::string_view etag,
    absl::string_view request_id, const google::protobuf::Message& request,
    const storage::ViewForAct& view, Act act, const std::string& officer,
    const EvaluationChange& decide) {
  auto parsed = ParseRecordName(name, "evaluations");
  if (!parsed.ok()) return parsed.status();
  std::string key = RecordPrefix(parsed->partnership_id, kEvaluation) + parsed->record_id;
  return CreateOnce<v1::Evaluation>(
      *store_, method, request, request_id,
      [&](storage::Change& change) -> absl::StatusOr<v1::Evaluation> {
        auto admitted = Admit(change, view, act);
        if (!admitted.ok()) return admitted.status();
        std::string bytes;
        absl::Status found = change.Get(kRecords, key, &bytes);
        if (absl::IsNotFound(found)) return NotFound("evaluation", name);
        if (!found.ok()) return found;
        v1::Evaluation evaluation;
        if (absl::Status s = Decode(bytes, &evaluation); !s.ok()) return s;
        if (absl::Status s = CheckEtag(etag, evaluation.etag()); !s.ok()) return s;
        v1::Evaluation::State before = evaluation.state();
        auto action = decide(evaluation);
        if (!action.ok()) return action.status();
        *evaluation.mutable_update_time() = Now();
        evaluation.set_updated_by(officer);
        evaluation.set_etag(absl::StrCat(change.sequence()));
        change.Put(kRecords, key, evaluation.SerializeAsString());
        Outcome outcome = *action == "submitted"  ? Outcome::kSubmitted
                          : *action == "approved" ? Outcome::kApproved
                          : *action == "rejected" ? Outcome::kRejected
                                                  : Outcome::kNone;
        if (outcome != Outcome::kNone) {
          Progress(change, parsed->partnership_id, *admitted, outcome);
        }
        change.Emit(before == evaluation.state() ? events::v1::UPDATED : events::v1::STATE_CHANGED,
                    evaluation.name(), evaluation, request_id, *action);
        return evaluation;
      });
}

absl::StatusOr<v1::Evaluation> Assessments::UpdateEvaluation(
    const v1::UpdateEvaluationRequest& request, const server::Caller& caller) {
  if (absl::Status s = server::RequireOfficer(caller).status(); !s.ok()) return s;
  const std::string& name = request.evaluation().name();
  auto parsed = ParseRecordName(name, "evaluations");
  if (!parsed.ok()) return api::PrefixFields(parsed.status(), "evaluation.");
  auto current = CurrentRequirements(parsed->partnership_id, Act::kEvaluate);
  if (!current.ok()) return current.status();
  std::string etag = request.etag().empty() ? request.evaluation().etag() : request.etag();
  return ChangeEvaluation(
      "UpdateEvaluation", name, etag, request.request_id(), request, current->view,
      Act::kEvaluate, caller.officer, [&](v1::Evaluation& evaluation) -> absl::StatusOr<std::string> {
        if (evaluation.state() != v1::Evaluation::DRAFT) {
          return api::Error(absl::StatusCode::kFailedPrecondition, "NOT_A_DRAFT",
                            absl::StrCat("name: ", name, " is ",
                                         v1::Evaluation::State_Name(evaluation.state()),
                                         "; only a DRAFT can change"));
        }
        std::string signed_by = evaluation.business_case().signed_by();
        if (absl::Status s = api::ApplyFieldMask(request.update_mask(), request.evaluation(),
                                                 EvaluationWritableFields(), &evaluation);
            !s.ok()) {
          return s;
        }
        evaluation.mutable_business_case()->set_signed_by(signed_by);
        Refresh(evaluation, current->requirements, current->protocol);
        return std::string();
      });
}

absl::StatusOr<v1::Evaluation> Assessments::SubmitEvaluation(
    const v1::SubmitEvaluationRequest& request, const server::Caller& caller) {
  auto officer = server::RequireOfficer(caller);
  if (!officer.ok()) return officer.status();
  auto parsed = ParseRecordName(request.name(), "evaluations");
  if (!parsed.ok()) return parsed.status();
  auto current = CurrentRequirements(parsed->partnership_id, Act::kSubmit);
  if (!current.ok()) return current.status();
  return ChangeEvaluation(
      "SubmitEvaluation", request.name(), request.etag(), request.request_id(), request,
      current->view, Act::kSubmit, caller.officer, [&](v1::Evaluation& evaluation) -> absl::StatusOr<std::string> {
        if (absl::Status s = CheckStillCurrent(parsed->partnership_id, *current, evaluation);
            !s.ok()) {
          return s;
        }
        Refresh(evaluation, current->requirements, current->protocol);
        std::vector<std::string> missing(evaluation.missing_items().begin(),
                                         evaluation.missing_items().end());
        if (absl::Status s = CheckSubmit(evaluation, missing); !s.ok()) return s;
        evaluation.set_state(v1::Evaluation::SUBMITTED);
        evaluation.set_submitted_by(caller.officer);
        return std::string("submitted");
      });
}

absl::StatusOr<v1::Evaluation> Assessments::SignOffEvaluation(
    const v1::SignOffEvaluationRequest& request, const server::Caller& caller) {
  auto officer = server::RequireOfficer(caller);
  if (!officer.ok()) return officer.status();
  auto parsed = ParseRecordName(request.name(), "evaluations");
  if (!parsed.ok()) return parsed.status();
  auto current = CurrentRequirements(parsed->partnership_id, Act::kSignOff);
  if (!current.ok()) return current.status();
  return ChangeEvaluation(
      "SignOffEvaluation", request.name(), request.etag(), request.request_id(), request,
      current->view, Act::kSignOff, caller.officer, [&](v1::Evaluation& evaluation) -> absl::StatusOr<std::string> {
        if (absl::Status s = CheckStillCurrent(parsed->partnership_id, *current, evaluation);
            !s.ok()) {
          return s;
        }
        auto signed_off = ApplySignOff(evaluation, current->requirements, current->protocol,
                                       request.role(), caller.officer, RolesOf(caller),
                                       request.executive_decision(), Now());
        if (!signed_off.ok()) return signed_off.status();
        evaluation = *std::move(signed_off);
        return std::string(evaluation.state() == v1::Evaluation::APPROVED ? "approved"
                                                                          : "signed_off");
      });
}

absl::StatusOr<v1::Evaluation> Assessments::RejectEvaluation(
    const v1::RejectEvaluationRequest& request, const server::Caller& caller) {
  auto officer = server::RequireOfficer(caller);
  if (!officer.ok()) return officer.status();
  auto parsed = ParseRecordName(request.name(), "evaluations");
  if (!parsed.ok()) return parsed.status();
  auto current = CurrentRequirements(parsed->partnership_id, Act::kSignOff);
  if (!current.ok()) return current.status();
  return ChangeEvaluation(
      "RejectEvaluation", request.name(), request.etag(), request.request_id(), request,
      current->view, Act::kSignOff, caller.officer, [&](v1::Evaluation& evaluation) -> absl::StatusOr<std::string> {
        auto rejected = ApplyRejection(evaluation, request.reason(), caller.officer,
                                       RolesOf(caller), current->requirements);
        if (!rejected.ok()) return rejected.status();
        evaluation = *std::move(rejected);
        return std::string("rejected");
      });
}

namespace {

// Inside a change: replaces a record and tells the feed.
template <typename Message>
void Rewrite(storage::Change& change, const std::string& key, Message& record,
             absl::string_view action) {
  record.set_etag(absl::StrCat(change.sequence()));
  change.Put(kRecords, key, record.SerializeAsString());
  change.Emit(events::v1::UPDATED, record.name(), record, "", action);
}

// Withdraws an evaluation not decided yet; false when it was decided or withdrawn before.
bool Withdraw(v1::Evaluation& evaluation, const std::string& reason) {
  if (evaluation.state() != v1::Evaluation::DRAFT &&
      evaluation.state() != v1::Evaluation::SUBMITTED) {
    return false;
  }
  evaluation.set_state(v1::Evaluation::WITHDRAWN);
  evaluation.set_withdraw_reason(reason);
  evaluation.clear_pending_sign_offs();
  *evaluation.mutable_update_time() = Now();
  return true;
}

// Voids the record the register refused (see lifecycle::RefusalAction).
absl::Status VoidRefused(storage::Change& change, const events::v1::Event& event) {
  std::vector<std::string> path = absl::StrSplit(event.resource_name(), '/');
  if (path.size() != 4) return absl::OkStatus();
  registry::v1::Partnership partnership;
  event.resource().UnpackTo(&partnership);
  std::string reason =
      absl::StrCat("the register refused it: ", partnership.name(), " was already ",
                   registry::v1::State_Name(partnership.state()));
  const std::string& collection = path[2];
  char kind = collection == "screenings"    ? kScreening
              : collection == "assessments" ? kAssessment
              : collection == "evaluations" ? kEvaluation
                                            : 0;
  if (kind == 0) return absl::OkStatus();
  std::string key = RecordPrefix(path[1], kind) + path[3];
  std::string bytes;
  absl::Status found = change.Get(kRecords, key, &bytes);
  if (absl::IsNotFound(found)) return absl::OkStatus();
  if (!found.ok()) return found;
  if (kind == kScreening) {
    v1::Screening screening;
    if (absl::Status s = Decode(bytes, &screening); !s.ok()) return s;
    if (!screening.void_reason().empty()) return absl::OkStatus();
    screening.set_void_reason(reason);
    Rewrite(change, key, screening, "screening_voided");
  } else if (kind == kAssessment) {
    v1::Assessment assessment;
    if (absl::Status s = Decode(bytes, &assessment); !s.ok()) return s;
    if (lifecycle::RefusedAction(event) == "moderated") {
      // The tier that counts is the one the register kept: the computed tier, or an earlier
      // moderation's.
      auto kept = static_cast<v1::Tier>(partnership.tier());
      if (!assessment.has_moderation() || assessment.final_tier() == kept) {
        return absl::OkStatus();
      }
      if (kept == assessment.computed_tier()) {
        assessment.clear_moderation();
      } else {
        assessment.mutable_moderation()->set_tier(kept);
      }
      assessment.set_final_tier(kept);
      *assessment.mutable_update_time() = Now();
      Rewrite(change, key, assessment, "moderation_voided");
    } else if (assessment.void_reason().empty()) {
      assessment.set_void_reason(reason);
      *assessment.mutable_update_time() = Now();
      Rewrite(change, key, assessment, "assessment_voided");
    }
  } else {
    v1::Evaluation evaluation;
    if (absl::Status s = Decode(bytes, &evaluation); !s.ok()) return s;
    if (evaluation.state() == v1::Evaluation::WITHDRAWN) return absl::OkStatus();
    // Decided after the partnership had ended: the decision does not stand.
    evaluation.set_state(v1::Evaluation::SUBMITTED);
    Withdraw(evaluation, reason);
    Rewrite(change, key, evaluation, "evaluation_withdrawn");
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Assessments::FollowRegister(const events::v1::Event& event) {
  return storage::ApplyOnce(*store_, "registry", event, [&](storage::Change& change) {
    if (lifecycle::IsRefusal(event)) {
      if (absl::Status s = VoidRefused(change, event); !s.ok()) return s;
      // What this service's own records had moved the partnership to was refused: the
      // register's state stands.
      std::string name = lifecycle::PartnershipOf(event.resource_name());
      auto view = storage::ReadView(change, name.substr(kPartnerships.size()));
      if (!view.ok()) return view.status();
      if (view->has_value() && (*view)->own_progress() != registry::v1::STATE_UNSPECIFIED) {
        lifecycle::View reset = **view;
        reset.clear_own_progress();
        storage::PutView(change, name.substr(kPartnerships.size()), reset);
      }
    }
    return storage::ApplyRegisterEvent(
        change, event,
        [&](storage::Change& change, const std::optional<lifecycle::View>&,
            const std::optional<lifecycle::View>& after) -> absl::Status {
          if (!after || !lifecycle::IsFinal(after->state())) return absl::OkStatus();
          // Ended: nothing of it may still wait for a decision. Idempotent, so a repeat of
          // the final state finds nothing left to withdraw.
          registry::v1::Partnership partnership;
          event.resource().UnpackTo(&partnership);
          std::string reason = absl::StrCat(
              after->name(), " was ", registry::v1::State_Name(after->state()),
              partnership.state_reason().empty() ? "" : ": ", partnership.state_reason());
          std::string prefix = RecordPrefix(after->name().substr(kPartnerships.size()),
                                            kEvaluation);
          auto it = store_->NewIterator(kRecords);
          for (it->Seek(prefix); it->Valid() && absl::StartsWith(storage::View(it->key()), prefix);
               it->Next()) {
            // Read through the change: this change may have rewritten it already.
            std::string key(storage::View(it->key()));
            std::string bytes;
            if (absl::Status s = change.Get(kRecords, key, &bytes); !s.ok()) return s;
            v1::Evaluation evaluation;
            if (absl::Status s = Decode(bytes, &evaluation); !s.ok()) return s;
            if (!Withdraw(evaluation, reason)) continue;
            Rewrite(change, key, evaluation, "evaluation_withdrawn");
          }
          if (!it->status().ok()) return storage::FromRocks(it->status(), "withdraw");
          return absl::OkStatus();
        });
  });
}

}  // namespace accord::assessment
