#include "services/review/reviews.h"

#include <algorithm>
#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "accord/registry/v1/partnership.pb.h"
#include "common/api/errors.h"
#include "common/api/page_token.h"
#include "common/api/request_id.h"
#include "common/lifecycle/lifecycle.h"
#include "common/lifecycle/view.h"
#include "common/storage/feed_follower.h"
#include "google/protobuf/util/time_util.h"
#include "services/review/domain/annual_report.h"
#include "services/review/domain/calendar_date.h"
#include "services/review/domain/compliance_rules.h"
#include "services/review/domain/partnership_tracking.h"
#include "services/review/domain/review_rules.h"
#include "services/review/domain/review_schedule.h"

namespace accord::review {
namespace {

namespace assessment = accord::assessment::v1;
namespace registry = accord::registry::v1;
using google::protobuf::util::TimeUtil;
using Tracked = v1::TrackedPartnership;

// Column families.
constexpr absl::string_view kPartnerships = "partnerships";  // id → TrackedPartnership
constexpr absl::string_view kDue = "due";  // due\0{date}\0{id}\0{TYPE} → DueItem
constexpr absl::string_view kAnomalies = "anomalies";  // {kind:02}\0{id} → Anomaly
constexpr absl::string_view kKeyPartnerships = "key_partnerships";  // id → ""
constexpr absl::string_view kReviews = "reviews";  // {id}\0{review id} → Review
constexpr absl::string_view kStrategies = "exit_strategies";  // id → ExitStrategy
constexpr absl::string_view kExits = "exits";  // id → Exit
constexpr absl::string_view kProtocols = "protocols";  // {name}\0{version:08} → Protocol
constexpr absl::string_view kReports = "performance_reports";  // id → PerformanceReport

constexpr absl::string_view kCollection = "partnerships/";
constexpr int kDefaultPageSize = 50;
constexpr int kMaxPageSize = 1000;

std::string Sep() { return std::string(1, '\0'); }

std::string DuePrefix() { return absl::StrCat("due", Sep()); }

std::string DueKey(const v1::DueItem& item) {
  return absl::StrCat(DuePrefix(), item.due_date(), Sep(),
                      item.partnership().substr(kCollection.size()), Sep(),
                      assessment::ReviewType_Name(item.type()));
}

std::string AnomalyKey(int kind, absl::string_view id) {
  return absl::StrCat(absl::StrFormat("%02d", kind), Sep(), id);
}

std::string ProtocolKey(absl::string_view name, int version) {
  return absl::StrCat(name, Sep(), absl::StrFormat("%08d", version));
}

google::protobuf::Timestamp Now() {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now()));
}

template <typename Message>
absl::Status Decode(absl::string_view bytes, Message* out) {
  if (!out->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return api::Error(absl::StatusCode::kDataLoss, "STORAGE_CORRUPT",
                      "a stored record cannot be decoded");
  }
  return absl::OkStatus();
}

absl::Status NotFound(absl::string_view what, absl::string_view name) {
  return api::Error(absl::StatusCode::kNotFound, "NOT_FOUND",
                    absl::StrCat("name: no ", what, " named '", name, "'"));
}

// "partnerships/{id}" → id, or INVALID_ARGUMENT naming `field`.
absl::StatusOr<std::string> PartnershipId(absl::string_view name, absl::string_view field) {
  if (!absl::StartsWith(name, kCollection) || name.size() == kCollection.size() ||
      name.substr(kCollection.size()).find('/') != absl::string_view::npos) {
    return api::InvalidField(
        field, absl::StrCat("must look like partnerships/{partnership}; got '", name, "'"));
  }
  return std::string(name.substr(kCollection.size()));
}

// "partnerships/{id}/{suffix}" → id, or INVALID_ARGUMENT naming `field`.
absl::StatusOr<std::string> SingletonOwner(absl::string_view name, absl::string_view suffix,
                                           absl::string_view field) {
  std::string tail = absl::StrCat("/", suffix);
  if (!absl::EndsWith(name, tail)) {
    return api::InvalidField(field, absl::StrCat("must look like partnerships/{partnership}/",
                                                 suffix, "; got '", name, "'"));
  }
  return PartnershipId(name.substr(0, name.size() - tail.size()), field);
}

// Reads a record as `change` would leave it; nullopt when absent.
absl::StatusOr<std::optional<Tracked>> LoadTracked(storage::Change& change, absl::string_view id) {
  std::string bytes;
  absl::Status found = change.Get(kPartnerships, id, &bytes);
  if (absl::IsNotFound(found)) return std::optional<Tracked>();
  if (!found.ok()) return found;
  Tracked record;
  if (absl::Status s = Decode(bytes, &record); !s.ok()) return s;
  return std::optional<Tracked>(std::move(record));
}

absl::StatusOr<std::optional<assessment::Protocol>> LoadProtocol(storage::Change& change,
                                                                 const Tracked& record) {
  if (record.protocol().empty()) return std::optional<assessment::Protocol>();
  std::string bytes;
  absl::Status found =
      change.Get(kProtocols, ProtocolKey(record.protocol(), record.protocol_version()), &bytes);
  if (absl::IsNotFound(found)) return std::optional<assessment::Protocol>();
  if (!found.ok()) return found;
  assessment::Protocol protocol;
  if (absl::Status s = Decode(bytes, &protocol); !s.ok()) return s;
  return std::optional<assessment::Protocol>(std::move(protocol));
}

// Writes `after` with its indexes (due dates, standing anomalies, key flag), replacing
// those of `before`.
void PutTracked(storage::Change& change, const Tracked* before, const Tracked& after,
                const assessment::Protocol* protocol) {
  std::string id = after.name().substr(kCollection.size());
  if (before != nullptr) {
    for (const auto& item : before->items()) change.Delete(kDue, DueKey(item));
  }
  for (const auto& item : after.items()) change.Put(kDue, DueKey(item), item.SerializeAsString());
  for (int kind = v1::AnomalyKind_MIN; kind <= v1::AnomalyKind_MAX; ++kind) {
    if (before != nullptr) change.Delete(kAnomalies, AnomalyKey(kind, id));
  }
  for (const v1::Anomaly& anomaly : StandingAnomalies(after, protocol)) {
    change.Put(kAnomalies, AnomalyKey(anomaly.kind(), id), anomaly.SerializeAsString());
  }
  if (after.key_partnership()) {
    change.Put(kKeyPartnerships, id, "");
  } else if (before != nullptr && before->key_partnership()) {
    change.Delete(kKeyPartnerships, id);
  }
  change.Put(kPartnerships, id, after.SerializeAsString());
}

v1::Schedule ScheduleOf(const Tracked& record) {
  v1::Schedule schedule;
  schedule.set_name(absl::StrCat(record.name(), "/schedule"));
  schedule.set_partnership(record.name());
  schedule.set_tier(record.tier());
  schedule.set_key_partnership(record.key_partnership());
  schedule.set_state(registry::State_Name(static_cast<registry::State>(record.state())));
  schedule.set_approval_date(record.approval_date());
  schedule.set_protocol(record.protocol());
  schedule.set_protocol_version(record.protocol_version());
  std::vector<v1::DueItem> items(record.items().begin(), record.items().end());
  std::sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
    return std::make_pair(a.due_date(), a.type()) < std::make_pair(b.due_date(), b.type());
  });
  for (auto& item : items) *schedule.add_items() = std::move(item);
  return schedule;
}

// Refreshes the schedule of `after` as of `effective`, writes it with its indexes, and
// records a "rescheduled" event when the schedule changed.
absl::Status Commit(storage::Change& change, const Tracked* before, Tracked& after,
                    absl::CivilDay effective, bool emit_reschedule) {
  auto protocol = LoadProtocol(change, after);
  if (!protocol.ok()) return protocol.status();
  const assessment::Protocol* rules = protocol->has_value() ? &**protocol : nullptr;
  bool rescheduled = RefreshSchedule(after, rules, effective);
  PutTracked(change, before, after, rules);
  if (rescheduled && emit_reschedule) {
    v1::Schedule schedule = ScheduleOf(after);
    change.Emit(events::v1::UPDATED, schedule.name(), schedule, "", "rescheduled");
  }
  return absl::OkStatus();
}

absl::CivilDay EventDay(const events::v1::Event& event) {
  if (!event.has_commit_time()) return Today();
  return DateOf(absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(event.commit_time())));
}

std::set<std::string> Roles(const server::Caller& caller) { return caller.roles; }

// A page of keys in `family` from `start` (inclusive) while `in_range` holds.
struct KeyPage {
  std::vector<std::pair<std::string, std::string>> entries;
  std::string last_key;
  bool more = false;
};

KeyPage ReadKeys(const storage::Store& store, absl::string_view family, const std::string& start,
                 bool exclusive, const std::function<bool(absl::string_view)>& in_range,
                 int limit) {
  KeyPage page;
  auto it = store.NewIterator(family);
  for (it->Seek(start); it->Valid(); it->Next()) {
    absl::string_view key = storage::View(it->key());
    if (exclusive && key == start) continue;
    if (!in_range(key)) break;
    if (static_cast<int>(page.entries.size()) == limit) {
      page.more = true;
      break;
    }
    page.entries.emplace_back(std::string(key), std::string(storage::View(it->value())));
    page.last_key = std::string(key);
  }
  return page;
}

}  // namespace

std::vector<std::string> Reviews::ColumnFamilies() {
  return {std::string(kPartnerships), std::string(kDue),        std::string(kAnomalies),
          std::string(kKeyPartnerships), std::string(kReviews), std::string(kStrategies),
          std::string(kExits),        std::string(kProtocols),  std::string(kReports)};
}

Reviews::Reviews(storage::Store* store, PartnershipRegister* register_service,
                 std::function<absl::CivilDay()> today)
    : store_(store), register_(register_service), today_(std::move(today)) {
  if (!today_) today_ = [] { return Today(); };
}

absl::Status Reviews::Follow(absl::string_view source, const events::v1::Event& event,
                             const std::string& partnership, const Reaction& react) {
  return storage::ApplyOnce(*store_, source, event, [&](storage::Change& change) -> absl::Status {
    if (partnership.empty()) return absl::OkStatus();
    std::string id = partnership.substr(kCollection.size());
    auto loaded = LoadTracked(change, id);
    if (!loaded.ok()) return loaded.status();
    Tracked after;
    if (loaded->has_value()) after = **loaded;
    after.set_name(partnership);
    if (!react(after)) return absl::OkStatus();
    absl::CivilDay effective = EventDay(event);
    // The register's first word about a partnership (its key flag, say), and its first tier
    // (set by the assessment that the approval needed), may arrive after the approval from
    // the other feed; they held from the start, so they count from the approval.
    if (source == "registry" &&
        (!loaded->has_value() || (*loaded)->state() == 0 ||
         ((*loaded)->tier() == assessment::TIER_UNSPECIFIED && after.tier() != 0))) {
      effective = absl::CivilDay(1900, 1, 1);
    }
    return Commit(change, loaded->has_value() ? &**loaded : nullptr, after, effective, true);
  });
}

absl::Status Reviews::FollowRegister(const events::v1::Event& event) {
  registry::Partnership partnership;
  std::string name;
  if (event.resource().UnpackTo(&partnership) && !partnership.name().empty() &&
      PartnershipId(partnership.name(), "name").ok()) {
    name = partnership.name();
  }
  return Follow("registry", event, name,
                [&](Tracked& record) { return ReactToRegister(record, event); });
}

absl::Status Reviews::FollowAssessment(const events::v1::Event& event) {
  if (event.action() == "protocol_loaded" || event.action() == "protocol_version_created") {
    return storage::ApplyOnce(*store_, "assessment", event, [&](storage::Change& change) {
      assessment::Protocol protocol;
      if (!event.resource().UnpackTo(&protocol) || protocol.name().empty()) {
        return absl::OkStatus();
      }
      change.Put(kProtocols, ProtocolKey(protocol.name(), protocol.version()),
                 protocol.SerializeAsString());
      return absl::OkStatus();
    });
  }
  return Follow("assessment", event, lifecycle::PartnershipOf(event.resource_name()),
                [&](Tracked& record) { return ReactToAssessment(record, event); });
}

absl::Status Reviews::FollowRisk(const events::v1::Event& event) {
  return Follow("risk", event, lifecycle::PartnershipOf(event.resource_name()),
                [&](Tracked& record) { return ReactToRisk(record, event); });
}

absl::StatusOr<absl::CivilDay> Reviews::AsOf(const std::string& text,
                                             absl::string_view field) const {
  if (text.empty()) return today_();
  return ParseDate(text, field);
}

absl::StatusOr<v1::Schedule> Reviews::GetSchedule(const std::string& name) const {
  auto id = SingletonOwner(name, "schedule", "name");
  if (!id.ok()) return id.status();
  std::string bytes;
  absl::Status found = store_->Get(kPartnerships, *id, &bytes);
  if (absl::IsNotFound(found)) return NotFound("schedule", name);
  if (!found.ok()) return found;
  Tracked record;
  if (absl::Status s = Decode(bytes, &record); !s.ok()) return s;
  return ScheduleOf(record);
}

absl::StatusOr<v1::ListDueItemsResponse> Reviews::ListDueItems(
    const v1::ListDueItemsRequest& request) const {
  auto as_of = AsOf(request.as_of_date(), "as_of_date");
  if (!as_of.ok()) return as_of.status();
  if (request.within_days() < 0 || request.within_days() > 3660) {
    return api::InvalidField("within_days",
                             absl::StrCat("must be 0 to 3660; got ", request.within_days()));
  }
  auto size = api::EffectivePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize);
  if (!size.ok()) return size.status();
  // Keys sort by date; everything before this bound is listed.
  absl::CivilDay bound = request.overdue_only() ? *as_of : *as_of + request.within_days() + 1;
  const std::string end = absl::StrCat(DuePrefix(), FormatDate(bound));
  uint64_t fingerprint = api::QueryFingerprint(
      absl::StrCat(FormatDate(*as_of), "/", request.within_days(), "/", request.overdue_only()),
      "due_date");
  std::string start = DuePrefix();
  bool exclusive = false;
  if (!request.page_token().empty()) {
    auto cursor = api::DecodePageToken(request.page_token(), fingerprint);
    if (!cursor.ok()) return cursor.status();
    start = *cursor;
    exclusive = true;
  }
  KeyPage page = ReadKeys(
      *store_, kDue, start, exclusive,
      [&](absl::string_view key) { return absl::StartsWith(key, DuePrefix()) && key < end; },
      *size);
  v1::ListDueItemsResponse response;
  for (const auto& [key, value] : page.entries) {
    v1::DueItem* item = response.add_items();
    if (absl::Status s = Decode(value, item); !s.ok()) return s;
    item->set_overdue(IsOverdue(*item, *as_of));
  }
  if (page.more) response.set_next_page_token(api::EncodePageToken(page.last_key, fingerprint));
  return response;
}

absl::StatusOr<v1::Review> Reviews::CreateReview(const v1::CreateReviewRequest& request,
                                                 const server::Caller& caller) {
  auto id = PartnershipId(request.parent(), "parent");
  if (!id.ok()) return id.status();
  if (absl::Status s = api::ValidateRequestId(request.request_id()); !s.ok()) return s;
  const absl::CivilDay today = today_();
  if (absl::Status s = ValidateReview(request.review(), "review.", today); !s.ok()) return s;
  auto officer = server::RequireOfficer(caller);
  if (!officer.ok()) return officer.status();
  auto stored = store_->WriteOnce(
      "CreateReview", request.request_id(), api::RequestFingerprint(request),
      [&](storage::Change& change) -> absl::StatusOr<std::string> {
        auto loaded = LoadTracked(change, *id);
        if (!loaded.ok()) return loaded.status();
        if (!loaded->has_value()) {
          return api::Error(absl::StatusCode::kNotFound, "PARTNERSHIP_NOT_FOUND",
                            absl::StrCat("parent: the review service knows no partnership '",
                                         request.parent(), "'"));
        }
        const Tracked& before = **loaded;
        if (absl::Status s = lifecycle::Check(request.parent(), StateOf(before),
                                              lifecycle::Act::kReview);
            !s.ok()) {
          return s;
        }
        if (!Schedulable(before)) {
          return api::Error(
              absl::StatusCode::kFailedPrecondition, "NOT_UNDER_REVIEW",
              absl::StrCat("parent: ", request.parent(),
                           " has no review schedule: it is not approved, or it is closed"));
        }
        auto protocol = LoadProtocol(change, before);
        if (!protocol.ok()) return protocol.status();
        v1::Review review = request.review();
        if (protocol->has_value()) {
          if (absl::Status s = CheckReviewBusinessCase(review, **protocol, Roles(caller));
              !s.ok()) {
            return s;
          }
          if ((*protocol)->business_case().required_at_review()) {
            review.mutable_business_case()->set_signed_by(caller.officer);
          }
        }
        absl::CivilDay done = today;
        if (!review.completed_date().empty()) {
          done = *ParseDate(review.completed_date(), "review.completed_date");
        }
        Tracked after = before;
        std::vector<v1::DueItem> items(after.items().begin(), after.items().end());
        if (absl::Status s = CompleteDueItem(items, review.type(), done); !s.ok()) return s;
        after.clear_items();
        for (auto& item : items) {
          if (item.type() == review.type()) review.set_next_due_date(item.due_date());
          *after.add_items() = std::move(item);
        }
        std::string review_id = absl::StrFormat("r%012d", change.sequence());
        review.set_name(absl::StrCat(request.parent(), "/reviews/", review_id));
        review.set_completed_date(FormatDate(done));
        review.set_decided_by(caller.officer);
        *review.mutable_create_time() = Now();
        PutTracked(change, &before, after, protocol->has_value() ? &**protocol : nullptr);
        change.Put(kReviews, absl::StrCat(*id, Sep(), review_id), review.SerializeAsString());
        change.Emit(events::v1::CREATED, review.name(), review, request.request_id(), "reviewed");
        return review.SerializeAsString();
      });
  if (!stored.ok()) return stored.status();
  v1::Review review;
  if (absl::Status s = Decode(*stored, &review); !s.ok()) return s;
  return review;
}

absl::StatusOr<v1::Review> Reviews::GetReview(const std::string& name) const {
  std::vector<std::string> parts = absl::StrSplit(name, '/');
  if (parts.size() != 4 || parts[0] != "partnerships" || parts[1].empty() ||
      parts[2] != "reviews" || parts[3].empty()) {
    return api::InvalidField(
        "name", absl::StrCat("must look like partnerships/{partnership}/reviews/{review}; got '",
                             name, "'"));
  }
  std::string bytes;
  absl::Status found = store_->Get(kReviews, absl::StrCat(parts[1], Sep(), parts[3]), &bytes);
  if (absl::IsNotFound(found)) return NotFound("review", name);
  if (!found.ok()) return found;
  v1::Review review;
  if (absl::Status s = Decode(bytes, &review); !s.ok()) return s;
  return review;
}

absl::StatusOr<v1::ListReviewsResponse> Reviews::ListReviews(
    const v1::ListReviewsRequest& request) const {
  auto id = PartnershipId(request.parent(), "parent");
  if (!id.ok()) return id.status();
  auto size = api::EffectivePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize);
  if (!size.ok()) return size.status();
  uint64_t fingerprint = api::QueryFingerprint(request.parent(), "newest");
  const std::string prefix = absl::StrCat(*id, Sep());
  std::string start = absl::StrCat(prefix, "\xff");
  bool exclusive = false;
  if (!request.page_token().empty()) {
    auto cursor = api::DecodePageToken(request.page_token(), fingerprint);
    if (!cursor.ok()) return cursor.status();
    start = *cursor;
    exclusive = true;
  }
  v1::ListReviewsResponse response;
  auto it = store_->NewIterator(kReviews);
  std::string last;
  for (it->SeekForPrev(start); it->Valid(); it->Prev()) {
    absl::string_view key = storage::View(it->key());
    if (exclusive && key == start) continue;
    if (!absl::StartsWith(key, prefix)) break;
    if (response.reviews_size() == *size) {
      response.set_next_page_token(api::EncodePageToken(last, fingerprint));
      break;
    }
    if (absl::Status s = Decode(storage::View(it->value()), response.add_reviews()); !s.ok()) {
      return s;
    }
    last = std::string(key);
  }
  return response;
}

absl::StatusOr<v1::PerformanceReport> Reviews::CreatePerformanceReport(
    const v1::CreatePerformanceReportRequest& request, const server::Caller& caller) {
  if (absl::Status s = api::ValidateRequestId(request.request_id()); !s.ok()) return s;
  if (request.performance_report().title().empty()) {
    return api::InvalidField("performance_report.title", "is required");
  }
  auto officer = server::RequireOfficer(caller);
  if (!officer.ok()) return officer.status();
  auto stored = store_->WriteOnce(
      "CreatePerformanceReport", request.request_id(), api::RequestFingerprint(request),
      [&](storage::Change& change) -> absl::StatusOr<std::string> {
        v1::PerformanceReport report;
        report.set_title(request.performance_report().title());
        // Reads the committed store: the writer lock keeps it from changing meanwhile.
        auto keys = store_->NewIterator(kKeyPartnerships);
        for (keys->SeekToFirst(); keys->Valid(); keys->Next()) {
          std::string id(storage::View(keys->key()));
          auto loaded = LoadTracked(change, id);
          if (!loaded.ok()) return loaded.status();
          if (!loaded->has_value() || !Watched(**loaded)) continue;
          v1::PerformanceEntry* entry = report.add_entries();
          entry->set_partnership((*loaded)->name());
          entry->set_display_name((*loaded)->display_name());
          entry->set_tier((*loaded)->tier());
          auto reviews = store_->NewIterator(kReviews);
          const std::string prefix = absl::StrCat(id, Sep());
          reviews->SeekForPrev(absl::StrCat(prefix, "\xff"));
          if (reviews->Valid() && absl::StartsWith(storage::View(reviews->key()), prefix)) {
            if (absl::Status s = Decode(storage::View(reviews->value()),
                                        entry->mutable_latest_review());
                !s.ok()) {
              return s;
            }
          }
        }
        std::string report_id = absl::StrFormat("pr%012d", change.sequence());
        report.set_name(absl::StrCat("performanceReports/", report_id));
        report.set_created_by(caller.officer);
        *report.mutable_create_time() = Now();
        change.Put(kReports, report_id, report.SerializeAsString());
        change.Emit(events::v1::CREATED, report.name(), report, request.request_id(),
                    "performance_reported");
        return report.SerializeAsString();
      });
  if (!stored.ok()) return stored.status();
  v1::PerformanceReport report;
  if (absl::Status s = Decode(*stored, &report); !s.ok()) return s;
  return report;
}

absl::StatusOr<v1::PerformanceReport> Reviews::GetPerformanceReport(
    const std::string& name) const {
  constexpr absl::string_view kPrefix = "performanceReports/";
  if (!absl::StartsWith(name, kPrefix) || name.size() == kPrefix.size()) {
    return api::InvalidField(
        "name", absl::StrCat("must look like performanceReports/{report}; got '", name, "'"));
  }
  std::string bytes;
  absl::Status found = store_->Get(kReports, name.substr(kPrefix.size()), &bytes);
  if (absl::IsNotFound(found)) return NotFound("performance report", name);
  if (!found.ok()) return found;
  v1::PerformanceReport report;
  if (absl::Status s = Decode(bytes, &report); !s.ok()) return s;
  return report;
}

absl::StatusOr<v1::ExitStrategy> Reviews::GetExitStrategy(const std::string& name) const {
  auto id = SingletonOwner(name, "exitStrategy", "name");
  if (!id.ok()) return id.status();
  std::string bytes;
  absl::Status found = store_->Get(kStrategies, *id, &bytes);
  if (absl::IsNotFound(found)) return NotFound("exit strategy", name);
  if (!found.ok()) return found;
  v1::ExitStrategy strategy;
  if (absl::Status s = Decode(bytes, &strategy); !s.ok()) return s;
  return strategy;
}

absl::StatusOr<v1::ExitStrategy> Reviews::UpdateExitStrategy(
    const v1::UpdateExitStrategyRequest& request, const server::Caller& caller) {
  auto id = SingletonOwner(request.exit_strategy().name(), "exitStrategy", "exit_strategy.name");
  if (!id.ok()) return id.status();
  if (absl::Status s = api::ValidateRequestId(request.request_id()); !s.ok()) return s;
  if (absl::Status s = ValidateExitStrategy(request.exit_strategy(), "exit_strategy."); !s.ok()) {
    return s;
  }
  auto officer = server::RequireOfficer(caller);
  if (!officer.ok()) return officer.status();
  auto stored = store_->WriteOnce(
      "UpdateExitStrategy", request.request_id(), api::RequestFingerprint(request),
      [&](storage::Change& change) -> absl::StatusOr<std::string> {
        auto loaded = LoadTracked(change, *id);
        if (!loaded.ok()) return loaded.status();
        if (!loaded->has_value()) {
          return api::Error(absl::StatusCode::kNotFound, "PARTNERSHIP_NOT_FOUND",
                            absl::StrCat("exit_strategy.name: the review service knows no "
                                         "partnership '",
                                         kCollection, *id, "'"));
        }
        if (absl::Status s = lifecycle::Check(absl::StrCat(kCollection, *id), StateOf(**loaded),
                                              lifecycle::Act::kExitStrategy);
            !s.ok()) {
          return s;
        }
        std::string existing;
        absl::Status found = change.Get(kStrategies, *id, &existing);
        if (!found.ok() && !absl::IsNotFound(found)) return found;
        v1::ExitStrategy strategy = request.exit_strategy();
        strategy.set_updated_by(caller.officer);
        *strategy.mutable_update_time() = Now();
        Tracked after = **loaded;
        after.set_has_exit_strategy(true);
        auto protocol = LoadProtocol(change, after);
        if (!protocol.ok()) return protocol.status();
        PutTracked(change, &**loaded, after, protocol->has_value() ? &**protocol : nullptr);
        change.Put(kStrategies, *id, strategy.SerializeAsString());
        change.Emit(found.ok() ? events::v1::UPDATED : events::v1::CREATED, strategy.name(),
                    strategy, request.request_id());
        return strategy.SerializeAsString();
      });
  if (!stored.ok()) return stored.status();
  v1::ExitStrategy strategy;
  if (absl::Status s = Decode(*stored, &strategy); !s.ok()) return s;
  return strategy;
}

absl::StatusOr<v1::Exit> Reviews::CreateExit(const v1::CreateExitRequest& request,
                                             const server::Caller& caller) {
  auto id = PartnershipId(request.parent(), "parent");
  if (!id.ok()) return id.status();
  if (absl::Status s = api::ValidateRequestId(request.request_id()); !s.ok()) return s;
  if (absl::Status s = ValidateExit(request.exit(), "exit."); !s.ok()) return s;
  auto officer = server::RequireOfficer(caller);
  if (!officer.ok()) return officer.status();

  // The register first; it refuses an illegal move, and a retry resumes where it stopped.
  auto state = register_->CurrentState(request.parent());
  if (!state.ok()) return state.status();
  if (*state != registry::CLOSED) {
    if (absl::Status s = lifecycle::Check(request.parent(), *state, lifecycle::Act::kExit);
        !s.ok()) {
      return s;
    }
  }
  auto move = [&](registry::State to, absl::string_view suffix) {
    return register_->Transition(
        request.parent(), to, request.exit().reason(),
        request.request_id().empty() ? "" : absl::StrCat(request.request_id(), suffix),
        caller.officer);
  };
  if (*state == registry::ACTIVE || *state == registry::UNDER_REVIEW) {
    if (absl::Status s = move(registry::EXITING, ":exiting"); !s.ok()) return s;
    *state = registry::EXITING;
  }
  // A CLOSED partnership moves again only as the retry of this same request (the register
  // answers it from its request record); otherwise the register refuses: it is read-only.
  if (*state == registry::EXITING || *state == registry::CLOSED) {
    if (absl::Status s = move(registry::CLOSED, ":closed"); !s.ok()) return s;
    *state = registry::CLOSED;
  }
  if (*state != registry::CLOSED) {
    return api::Error(
        absl::StatusCode::kFailedPrecondition, "CANNOT_EXIT",
        absl::StrCat("parent: ", request.parent(), " is ", registry::State_Name(*state),
                     "; only an ACTIVE, UNDER_REVIEW or EXITING partnership can exit"));
  }
  auto stored = store_->WriteOnce(
      "CreateExit", request.request_id(), api::RequestFingerprint(request),
      [&](storage::Change& change) -> absl::StatusOr<std::string> {
        std::string existing;
        absl::Status found = change.Get(kExits, *id, &existing);
        if (found.ok()) {
          return api::Error(absl::StatusCode::kAlreadyExists, "EXIT_RECORDED",
                            absl::StrCat("parent: ", request.parent(), " has already exited"));
        }
        if (!absl::IsNotFound(found)) return found;
        auto loaded = LoadTracked(change, *id);
        if (!loaded.ok()) return loaded.status();
        v1::Exit exit = request.exit();
        exit.set_name(absl::StrCat(request.parent(), "/exit"));
        exit.set_decided_by(caller.officer);
        *exit.mutable_create_time() = Now();
        Tracked after;
        if (loaded->has_value()) after = **loaded;
        after.set_name(request.parent());
        after.set_exited(true);
        if (after.closed_date().empty()) after.set_closed_date(exit.exit_date());
        if (absl::Status s = Commit(change, loaded->has_value() ? &**loaded : nullptr, after,
                                    today_(), false);
            !s.ok()) {
          return s;
        }
        change.Put(kExits, *id, exit.SerializeAsString());
        change.Emit(events::v1::CREATED, exit.name(), exit, request.request_id(), "exited");
        return exit.SerializeAsString();
      });
  if (!stored.ok()) return stored.status();
  v1::Exit exit;
  if (absl::Status s = Decode(*stored, &exit); !s.ok()) return s;
  return exit;
}

absl::StatusOr<v1::Exit> Reviews::GetExit(const std::string& name) const {
  auto id = SingletonOwner(name, "exit", "name");
  if (!id.ok()) return id.status();
  std::string bytes;
  absl::Status found = store_->Get(kExits, *id, &bytes);
  if (absl::IsNotFound(found)) return NotFound("exit", name);
  if (!found.ok()) return found;
  v1::Exit exit;
  if (absl::Status s = Decode(bytes, &exit); !s.ok()) return s;
  return exit;
}

absl::StatusOr<v1::Compliance> Reviews::GetCompliance(
    const v1::GetComplianceRequest& request) const {
  auto id = SingletonOwner(request.name(), "compliance", "name");
  if (!id.ok()) return id.status();
  auto as_of = AsOf(request.as_of_date(), "as_of_date");
  if (!as_of.ok()) return as_of.status();
  const rocksdb::Snapshot* snapshot = store_->GetSnapshot();
  std::string bytes;
  absl::Status found = store_->Get(kPartnerships, *id, &bytes, snapshot);
  v1::Compliance compliance;
  Tracked record;
  if (found.ok()) found = Decode(bytes, &record);
  std::optional<assessment::Protocol> protocol;
  if (found.ok() && !record.protocol().empty()) {
    std::string protocol_bytes;
    absl::Status got = store_->Get(
        kProtocols, ProtocolKey(record.protocol(), record.protocol_version()), &protocol_bytes,
        snapshot);
    if (got.ok()) {
      protocol.emplace();
      got = Decode(protocol_bytes, &*protocol);
    }
    if (!got.ok() && !absl::IsNotFound(got)) found = got;
  }
  store_->ReleaseSnapshot(snapshot);
  if (absl::IsNotFound(found)) return NotFound("partnership compliance", request.name());
  if (!found.ok()) return found;
  compliance.set_name(request.name());
  compliance.set_display_name(record.display_name());
  compliance.set_state(registry::State_Name(static_cast<registry::State>(record.state())));
  compliance.set_tier(record.tier());
  compliance.set_key_partnership(record.key_partnership());
  compliance.set_as_of_date(FormatDate(*as_of));
  for (auto& anomaly : StandingAnomalies(record, protocol ? &*protocol : nullptr)) {
    *compliance.add_anomalies() = std::move(anomaly);
  }
  for (auto& anomaly : OverdueAnomalies(record, *as_of)) {
    *compliance.add_anomalies() = std::move(anomaly);
  }
  return compliance;
}

absl::StatusOr<v1::ListAnomaliesResponse> Reviews::ListAnomalies(
    const v1::ListAnomaliesRequest& request) const {
  auto as_of = AsOf(request.as_of_date(), "as_of_date");
  if (!as_of.ok()) return as_of.status();
  auto size = api::EffectivePageSize(request.page_size(), kDefaultPageSize, kMaxPageSize);
  if (!size.ok()) return size.status();
  uint64_t fingerprint = api::QueryFingerprint(FormatDate(*as_of), "kind");
  // The cursor is "a" + a key of the standing anomalies, then "d" + a key of the due index.
  std::string cursor = "a";
  bool exclusive = false;
  if (!request.page_token().empty()) {
    auto decoded = api::DecodePageToken(request.page_token(), fingerprint);
    if (!decoded.ok()) return decoded.status();
    if (decoded->empty() || ((*decoded)[0] != 'a' && (*decoded)[0] != 'd')) {
      return api::InvalidField("page_token", "is not a token of this listing");
    }
    cursor = *decoded;
    exclusive = true;
  }
  v1::ListAnomaliesResponse response;
  int room = *size;
  if (cursor[0] == 'a') {
    KeyPage page = ReadKeys(*store_, kAnomalies, cursor.substr(1), exclusive,
                            [](absl::string_view) { return true; }, room);
    for (const auto& [key, value] : page.entries) {
      if (absl::Status s = Decode(value, response.add_anomalies()); !s.ok()) return s;
    }
    if (page.more) {
      response.set_next_page_token(api::EncodePageToken("a" + page.last_key, fingerprint));
      return response;
    }
    room -= static_cast<int>(page.entries.size());
    cursor = "d" + DuePrefix();
    exclusive = false;
    if (room == 0) {
      // The page filled up with standing anomalies; the overdue reviews follow.
      response.set_next_page_token(api::EncodePageToken(cursor, fingerprint));
      return response;
    }
  }
  const std::string end = absl::StrCat(DuePrefix(), FormatDate(*as_of));
  KeyPage page = ReadKeys(
      *store_, kDue, cursor.substr(1), exclusive,
      [&](absl::string_view key) { return absl::StartsWith(key, DuePrefix()) && key < end; },
      room);
  for (const auto& [key, value] : page.entries) {
    v1::DueItem item;
    if (absl::Status s = Decode(value, &item); !s.ok()) return s;
    *response.add_anomalies() = OverdueAnomaly(item);
  }
  if (page.more) {
    response.set_next_page_token(api::EncodePageToken("d" + page.last_key, fingerprint));
  }
  return response;
}

absl::StatusOr<v1::AnnualReport> Reviews::GetAnnualReport(const std::string& name) const {
  constexpr absl::string_view kPrefix = "annualReports/";
  int year = 0;
  if (!absl::StartsWith(name, kPrefix) ||
      !absl::SimpleAtoi(absl::string_view(name).substr(kPrefix.size()), &year) || year < 1900 ||
      year > 2999) {
    return api::InvalidField(
        "name", absl::StrCat("must look like annualReports/{year}, year 1900 to 2999; got '",
                             name, "'"));
  }
  const rocksdb::Snapshot* snapshot = store_->GetSnapshot();
  std::vector<Tracked> records;
  std::vector<CompletedReview> reviews;
  absl::Status status;
  auto it = store_->NewIterator(kPartnerships, snapshot);
  for (it->SeekToFirst(); it->Valid() && status.ok(); it->Next()) {
    records.emplace_back();
    status = Decode(storage::View(it->value()), &records.back());
  }
  auto rit = store_->NewIterator(kReviews, snapshot);
  for (rit->SeekToFirst(); rit->Valid() && status.ok(); rit->Next()) {
    v1::Review review;
    status = Decode(storage::View(rit->value()), &review);
    reviews.push_back({review.completed_date(), review.type()});
  }
  it.reset();
  rit.reset();
  store_->ReleaseSnapshot(snapshot);
  if (!status.ok()) return status;
  return AnnualFigures(year, records, reviews, today_());
}

absl::Status Reviews::Import(const std::vector<Tracked>& records, absl::CivilDay effective) {
  return store_->Write([&](storage::Change& change) -> absl::Status {
    for (const Tracked& record : records) {
      auto id = PartnershipId(record.name(), "name");
      if (!id.ok()) return id.status();
      auto loaded = LoadTracked(change, *id);
      if (!loaded.ok()) return loaded.status();
      Tracked after = record;
      if (absl::Status s = Commit(change, loaded->has_value() ? &**loaded : nullptr, after,
                                  effective, false);
          !s.ok()) {
        return s;
      }
    }
    return absl::OkStatus();
  });
}

}  // namespace accord::review
