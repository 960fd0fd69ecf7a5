#include "services/integrations/subscriptions.h"

#include "absl/random/random.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "common/api/errors.h"
#include "common/api/page_token.h"
#include "common/api/request_id.h"
#include "google/protobuf/util/time_util.h"
#include "services/integrations/webhook_signing.h"
#include "services/integrations/webhook_url.h"

namespace accord::integrations {
namespace {

using google::protobuf::util::TimeUtil;

constexpr absl::string_view kCollection = "subscriptions/";
constexpr absl::string_view kRecords = "subscriptions";
constexpr absl::string_view kDeliveries = "deliveries";
constexpr absl::string_view kDeadLetters = "dead_letters";
constexpr absl::string_view kReplays = "replays";

std::string Sep() { return std::string(1, '\0'); }
std::string CursorKey(const std::string& id) { return absl::StrCat(id, Sep(), "c"); }
std::string DonePrefix(const std::string& id) { return absl::StrCat(id, Sep(), "d"); }
std::string DoneKey(const std::string& id, int64_t seq) {
  return absl::StrCat(DonePrefix(id), storage::EncodeSequence(seq));
}
std::string ItemPrefix(const std::string& id) { return absl::StrCat(id, Sep()); }
std::string ItemKey(const std::string& id, int64_t seq) {
  return absl::StrCat(ItemPrefix(id), storage::EncodeSequence(seq));
}

std::string NewId() {
  static absl::Mutex mu(absl::kConstInit);
  static absl::BitGen* gen = new absl::BitGen();
  absl::MutexLock lock(&mu);
  return absl::StrFormat("s-%016x", absl::Uniform<uint64_t>(*gen));
}

absl::StatusOr<std::string> IdOf(absl::string_view name, absl::string_view field) {
  if (!absl::StartsWith(name, kCollection) || name.size() == kCollection.size() ||
      name.substr(kCollection.size()).find_first_of("/\0") != absl::string_view::npos) {
    return api::InvalidField(field, absl::StrCat("must be subscriptions/{id}; got '", name, "'"));
  }
  return std::string(name.substr(kCollection.size()));
}

absl::Status NotFound(absl::string_view name) {
  return api::Error(absl::StatusCode::kNotFound, "SUBSCRIPTION_NOT_FOUND",
                    absl::StrCat("name: no subscription named '", name, "'"));
}

template <typename Message>
absl::Status Decode(const std::string& bytes, Message* out) {
  if (!out->ParseFromString(bytes)) {
    return api::Error(absl::StatusCode::kDataLoss, "STORAGE_CORRUPT",
                      "a stored webhook record cannot be decoded");
  }
  return absl::OkStatus();
}

absl::Status ValidateSubscription(const v1::Subscription& s) {
  std::vector<api::FieldViolation> violations;
  if (s.client_system().empty()) {
    violations.push_back({"subscription.client_system", "is required"});
  } else if (s.client_system().size() > 100) {
    violations.push_back({"subscription.client_system", "must be at most 100 characters"});
  }
  if (auto url = ParseWebhookUrl(s.target_url(), "subscription.target_url"); !url.ok()) {
    violations.push_back({"subscription.target_url", std::string(url.status().message().substr(
                                                         sizeof("subscription.target_url: ") - 1))});
  }
  for (int i = 0; i < s.filter().kinds_size(); ++i) {
    if (s.filter().kinds(i) == events::v1::CHANGE_KIND_UNSPECIFIED ||
        !events::v1::ChangeKind_IsValid(s.filter().kinds(i))) {
      violations.push_back({absl::StrCat("subscription.filter.kinds[", i, "]"),
                            "must be CREATED, UPDATED, DELETED or STATE_CHANGED"});
    }
  }
  if (violations.empty()) return absl::OkStatus();
  return api::InvalidFields(violations);
}

// Deletes every key of `family` starting with `prefix` (keys up to `last` when given).
absl::Status DeletePrefix(storage::Store& store, storage::Change& change,
                          absl::string_view family, const std::string& prefix,
                          const std::string* last = nullptr) {
  auto it = store.NewIterator(family);
  for (it->Seek(prefix); it->Valid() && absl::StartsWith(storage::View(it->key()), prefix);
       it->Next()) {
    if (last != nullptr && storage::View(it->key()) > *last) break;
    change.Delete(family, storage::View(it->key()));
  }
  return storage::FromRocks(it->status(), "scan webhook state");
}

}  // namespace

std::vector<std::string> Subscriptions::ColumnFamilies() {
  return {std::string(kRecords), std::string(kDeliveries), std::string(kDeadLetters),
          std::string(kReplays)};
}

absl::StatusOr<v1::Subscription> Subscriptions::Public(v1::Subscription record) const {
  record.clear_secret();
  auto delivered = DeliveredSequence(record.name().substr(kCollection.size()));
  if (!delivered.ok()) return delivered.status();
  record.set_delivered_cursor(CursorFor(*delivered));
  return record;
}

absl::StatusOr<v1::Subscription> Subscriptions::Create(
    const v1::CreateSubscriptionRequest& request) {
  if (absl::Status s = api::ValidateRequestId(request.request_id()); !s.ok()) return s;
  if (absl::Status s = ValidateSubscription(request.subscription()); !s.ok()) return s;
  auto start = SequenceOfCursor(request.start_cursor(), "start_cursor");
  if (!start.ok()) return start.status();
  v1::Subscription record;
  record.set_client_system(request.subscription().client_system());
  record.set_target_url(request.subscription().target_url());
  *record.mutable_filter() = request.subscription().filter();
  std::string id = NewId();
  record.set_name(absl::StrCat(kCollection, id));
  record.set_secret(NewWebhookSecret());
  int64_t from = request.start_cursor().empty() ? feed_->latest_sequence() : *start;
  record.set_start_cursor(CursorFor(from));
  *record.mutable_create_time() = TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now()));
  auto response = store_->WriteOnce(
      "CreateSubscription", request.request_id(), api::RequestFingerprint(request),
      [&](storage::Change& change) -> absl::StatusOr<std::string> {
        change.Put(kRecords, id, record.SerializeAsString());
        change.Put(kDeliveries, CursorKey(id), absl::StrCat(from));
        v1::Subscription shown = record;
        shown.set_delivered_cursor(CursorFor(from));
        return shown.SerializeAsString();
      });
  if (!response.ok()) return response.status();
  v1::Subscription out;
  if (absl::Status s = Decode(*response, &out); !s.ok()) return s;
  if (listener_) listener_(out.name().substr(kCollection.size()));
  return out;
}

absl::StatusOr<v1::Subscription> Subscriptions::Load(const std::string& id) const {
  std::string bytes;
  if (absl::Status s = store_->Get(kRecords, id, &bytes); !s.ok()) return s;
  v1::Subscription record;
  if (absl::Status s = Decode(bytes, &record); !s.ok()) return s;
  return record;
}

absl::StatusOr<v1::Subscription> Subscriptions::Get(const std::string& name) const {
  auto id = IdOf(name, "name");
  if (!id.ok()) return id.status();
  auto record = Load(*id);
  if (absl::IsNotFound(record.status())) return NotFound(name);
  if (!record.ok()) return record.status();
  return Public(*std::move(record));
}

absl::StatusOr<v1::ListSubscriptionsResponse> Subscriptions::List(
    const v1::ListSubscriptionsRequest& request) const {
  auto page_size = api::EffectivePageSize(request.page_size(), 50, 1000);
  if (!page_size.ok()) return page_size.status();
  uint64_t fingerprint = api::QueryFingerprint(request.client_system(), "");
  std::string after;
  if (!request.page_token().empty()) {
    auto decoded = api::DecodePageToken(request.page_token(), fingerprint);
    if (!decoded.ok()) return decoded.status();
    after = *decoded;
  }
  v1::ListSubscriptionsResponse response;
  auto it = store_->NewIterator(kRecords);
  for (it->Seek(after); it->Valid(); it->Next()) {
    if (storage::View(it->key()) == after) continue;
    if (response.subscriptions_size() == *page_size) {
      response.set_next_page_token(
          api::EncodePageToken(response.subscriptions().rbegin()->name().substr(kCollection.size()),
                               fingerprint));
      break;
    }
    v1::Subscription record;
    if (absl::Status s = Decode(it->value().ToString(), &record); !s.ok()) return s;
    if (!request.client_system().empty() && record.client_system() != request.client_system()) {
      continue;
    }
    auto shown = Public(std::move(record));
    if (!shown.ok()) return shown.status();
    *response.add_subscriptions() = *std::move(shown);
  }
  if (!it->status().ok()) return storage::FromRocks(it->status(), "list subscriptions");
  return response;
}

absl::Status Subscriptions::Delete(const v1::DeleteSubscriptionRequest& request) {
  auto id = IdOf(request.name(), "name");
  if (!id.ok()) return id.status();
  absl::Status written = store_->Write([&](storage::Change& change) -> absl::Status {
    std::string bytes;
    absl::Status found = change.Get(kRecords, *id, &bytes);
    if (absl::IsNotFound(found)) return NotFound(request.name());
    if (!found.ok()) return found;
    change.Delete(kRecords, *id);
    for (absl::string_view family : {kDeliveries, kDeadLetters, kReplays}) {
      if (absl::Status s = DeletePrefix(*store_, change, family, ItemPrefix(*id)); !s.ok()) {
        return s;
      }
    }
    return absl::OkStatus();
  });
  if (written.ok() && listener_) listener_(*id);
  return written;
}

absl::StatusOr<v1::ListDeadLettersResponse> Subscriptions::ListDeadLetters(
    const v1::ListDeadLettersRequest& request) const {
  auto id = IdOf(request.parent(), "parent");
  if (!id.ok()) return id.status();
  if (auto record = Load(*id); !record.ok()) {
    return absl::IsNotFound(record.status()) ? NotFound(request.parent()) : record.status();
  }
  auto page_size = api::EffectivePageSize(request.page_size(), 50, 1000);
  if (!page_size.ok()) return page_size.status();
  uint64_t fingerprint = api::QueryFingerprint(request.parent(), "");
  std::string prefix = ItemPrefix(*id);
  std::string after = prefix;
  if (!request.page_token().empty()) {
    auto decoded = api::DecodePageToken(request.page_token(), fingerprint);
    if (!decoded.ok()) return decoded.status();
    after = *decoded;
  }
  v1::ListDeadLettersResponse response;
  auto it = store_->NewIterator(kDeadLetters);
  std::string last;
  for (it->Seek(after); it->Valid() && absl::StartsWith(storage::View(it->key()), prefix);
       it->Next()) {
    if (storage::View(it->key()) == after && after != prefix) continue;
    if (response.dead_letters_size() == *page_size) {
      response.set_next_page_token(api::EncodePageToken(last, fingerprint));
      break;
    }
    last = std::string(storage::View(it->key()));
    if (absl::Status s = Decode(it->value().ToString(), response.add_dead_letters()); !s.ok()) {
      return s;
    }
  }
  if (!it->status().ok()) return storage::FromRocks(it->status(), "list dead letters");
  return response;
}

absl::StatusOr<v1::ReplayDeadLettersResponse> Subscriptions::Replay(
    const v1::ReplayDeadLettersRequest& request) {
  auto id = IdOf(request.parent(), "parent");
  if (!id.ok()) return id.status();
  std::set<std::string> wanted(request.names().begin(), request.names().end());
  v1::ReplayDeadLettersResponse response;
  absl::Status written = store_->Write([&](storage::Change& change) -> absl::Status {
    std::string bytes;
    absl::Status found = change.Get(kRecords, *id, &bytes);
    if (absl::IsNotFound(found)) return NotFound(request.parent());
    if (!found.ok()) return found;
    v1::Subscription record;
    if (absl::Status s = Decode(bytes, &record); !s.ok()) return s;
    std::string prefix = ItemPrefix(*id);
    auto it = store_->NewIterator(kDeadLetters);
    std::set<std::string> seen;
    for (it->Seek(prefix); it->Valid() && absl::StartsWith(storage::View(it->key()), prefix);
         it->Next()) {
      v1::DeadLetter letter;
      if (absl::Status s = Decode(it->value().ToString(), &letter); !s.ok()) return s;
      if (!wanted.empty() && !wanted.count(letter.name())) continue;
      seen.insert(letter.name());
      change.Delete(kDeadLetters, storage::View(it->key()));
      change.Put(kReplays, storage::View(it->key()), letter.change().SerializeAsString());
      response.set_replayed(response.replayed() + 1);
    }
    if (!it->status().ok()) return storage::FromRocks(it->status(), "read dead letters");
    for (const std::string& name : wanted) {
      if (!seen.count(name)) {
        return api::Error(absl::StatusCode::kNotFound, "DEAD_LETTER_NOT_FOUND",
                          absl::StrCat("names: no dead letter named '", name, "'"));
      }
    }
    record.set_dead_letter_count(std::max<int64_t>(0, record.dead_letter_count() -
                                                          response.replayed()));
    change.Put(kRecords, *id, record.SerializeAsString());
    return absl::OkStatus();
  });
  if (!written.ok()) return written;
  if (listener_) listener_(*id);
  return response;
}

absl::StatusOr<std::vector<std::string>> Subscriptions::AllIds() const {
  std::vector<std::string> ids;
  auto it = store_->NewIterator(kRecords);
  for (it->SeekToFirst(); it->Valid(); it->Next()) ids.emplace_back(storage::View(it->key()));
  if (!it->status().ok()) return storage::FromRocks(it->status(), "list subscriptions");
  return ids;
}

absl::StatusOr<int64_t> Subscriptions::DeliveredSequence(const std::string& id) const {
  std::string value;
  absl::Status found = store_->Get(kDeliveries, CursorKey(id), &value);
  if (absl::IsNotFound(found)) return 0;
  if (!found.ok()) return found;
  int64_t sequence = 0;
  if (!absl::SimpleAtoi(value, &sequence)) {
    return absl::DataLossError(absl::StrCat("delivery cursor of ", id, " is unreadable"));
  }
  return sequence;
}

absl::StatusOr<std::set<int64_t>> Subscriptions::DoneAfter(const std::string& id,
                                                           int64_t after) const {
  std::set<int64_t> done;
  std::string prefix = DonePrefix(id);
  auto it = store_->NewIterator(kDeliveries);
  for (it->Seek(DoneKey(id, after + 1));
       it->Valid() && absl::StartsWith(storage::View(it->key()), prefix); it->Next()) {
    done.insert(storage::DecodeSequence(storage::View(it->key()).substr(prefix.size())));
  }
  if (!it->status().ok()) return storage::FromRocks(it->status(), "read done markers");
  return done;
}

absl::StatusOr<std::vector<std::pair<int64_t, v1::FeedChange>>> Subscriptions::QueuedReplays(
    const std::string& id, int limit) const {
  std::vector<std::pair<int64_t, v1::FeedChange>> out;
  std::string prefix = ItemPrefix(id);
  auto it = store_->NewIterator(kReplays);
  for (it->Seek(prefix); it->Valid() && absl::StartsWith(storage::View(it->key()), prefix) &&
                         static_cast<int>(out.size()) < limit;
       it->Next()) {
    v1::FeedChange change;
    if (absl::Status s = Decode(it->value().ToString(), &change); !s.ok()) return s;
    out.emplace_back(storage::DecodeSequence(storage::View(it->key()).substr(prefix.size())),
                     std::move(change));
  }
  if (!it->status().ok()) return storage::FromRocks(it->status(), "read replays");
  return out;
}

absl::Status Subscriptions::Record(const DeliveryOutcome& outcome) {
  const std::string& id = outcome.subscription_id;
  return store_->Write([&](storage::Change& change) -> absl::Status {
    std::string bytes;
    absl::Status found = change.Get(kRecords, id, &bytes);
    if (absl::IsNotFound(found)) return absl::OkStatus();  // deleted meanwhile
    if (!found.ok()) return found;
    v1::Subscription record;
    if (absl::Status s = Decode(bytes, &record); !s.ok()) return s;
    if (!outcome.delivered) {
      v1::DeadLetter letter;
      letter.set_name(absl::StrCat(record.name(), "/deadLetters/", outcome.sequence));
      *letter.mutable_change() = outcome.change;
      letter.set_attempts(outcome.attempts);
      letter.set_last_error(outcome.last_error);
      *letter.mutable_dead_time() =
          TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(absl::Now()));
      change.Put(kDeadLetters, ItemKey(id, outcome.sequence), letter.SerializeAsString());
      record.set_dead_letter_count(record.dead_letter_count() + 1);
    }
    if (!outcome.last_error.empty()) record.set_last_error(outcome.last_error);
    change.Put(kRecords, id, record.SerializeAsString());
    if (outcome.replay) {
      change.Delete(kReplays, ItemKey(id, outcome.sequence));
    } else if (outcome.advance_to > 0) {
      change.Put(kDeliveries, CursorKey(id), absl::StrCat(outcome.advance_to));
      std::string last = DoneKey(id, outcome.advance_to);
      if (absl::Status s = DeletePrefix(*store_, change, kDeliveries, DonePrefix(id), &last);
          !s.ok()) {
        return s;
      }
    } else {
      change.Put(kDeliveries, DoneKey(id, outcome.sequence), "");
    }
    return absl::OkStatus();
  });
}

}  // namespace accord::integrations
