// Webhook deliveries to a real HTTP receiver (Boost.Beast, port 0, inside the test):
// signatures, retries with backoff, order per partnership, dead letters and replay.
#include <utility>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <functional>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/integrations/change_feed.h"
#include "services/integrations/subscriptions.h"
#include "services/integrations/webhook_dispatcher.h"
#include "services/integrations/webhook_signing.h"
#include "services/integrations/webhook_url.h"
#include "tests/common/temp_dir.h"

namespace accord::integrations {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using ::testing::HasSubstr;

struct Received {
  std::string body;
  std::string signature;
  std::string resource;  // from the body, for order checks
  absl::Time at;
};

// A tiny HTTP server: answers each POST with what `decide` says, and keeps what came.
class Receiver {
 public:
  explicit Receiver(std::function<int(const std::string& body, int nth)> decide)
      : decide_(std::move(decide)), acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {
    port_ = acceptor_.local_endpoint().port();
    thread_ = std::thread([this] { Serve(); });
  }
  ~Receiver() {
    stopping_ = true;
    boost::system::error_code ec;
    asio::ip::tcp::socket poke(io_);
    poke.connect({asio::ip::make_address("127.0.0.1"), static_cast<uint16_t>(port_)}, ec);
    thread_.join();
  }
  int port() const { return port_; }
  std::vector<Received> accepted() {  // answered 2xx
    absl::MutexLock lock(&mu_);
    return accepted_;
  }
  int requests() {
    absl::MutexLock lock(&mu_);
    return requests_;
  }
  bool WaitForAccepted(size_t n, absl::Duration limit = absl::Seconds(15)) {
    absl::Time end = absl::Now() + limit;
    while (absl::Now() < end) {
      if (accepted().size() >= n) return true;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return false;
  }

 private:
  void Serve() {
    while (!stopping_) {
      asio::ip::tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) continue;
      boost::beast::flat_buffer buffer;
      http::request<http::string_body> request;
      http::read(socket, buffer, request, ec);
      if (ec) continue;
      int nth;
      {
        absl::MutexLock lock(&mu_);
        nth = ++requests_;
      }
      int status = decide_(request.body(), nth);
      if (status >= 200 && status < 300) {
        Received r{request.body(), std::string(request["Accord-Signature"]), "", absl::Now()};
        size_t at = r.body.find("\"resourceName\":\"");
        if (at != std::string::npos) {
          at += 16;
          r.resource = r.body.substr(at, r.body.find('"', at) - at);
        }
        absl::MutexLock lock(&mu_);
        accepted_.push_back(std::move(r));
      }
      http::response<http::string_body> response{static_cast<http::status>(status), 11};
      if (status != 204) response.body() = "ok";
      response.prepare_payload();
      http::write(socket, response, ec);
    }
  }

  std::function<int(const std::string&, int)> decide_;
  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
  absl::Mutex mu_;
  std::vector<Received> accepted_ ABSL_GUARDED_BY(mu_);
  int requests_ ABSL_GUARDED_BY(mu_) = 0;
};

events::v1::Event SourceEvent(int64_t sequence, const std::string& resource) {
  events::v1::Event event;
  event.set_service("registry");
  event.set_sequence(sequence);
  event.set_resource_name(resource);
  event.set_kind(events::v1::UPDATED);
  return event;
}

class WebhookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = storage::Store::Open({.path = dir_.path(),
                                       .service = "integrations",
                                       .schema_version = 1,
                                       .column_families = Subscriptions::ColumnFamilies()});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    feed_ = std::make_unique<ChangeFeed>(store_.get());
    subscriptions_ = std::make_unique<Subscriptions>(feed_.get());
  }
  void TearDown() override {
    if (dispatcher_) dispatcher_->Stop();
  }

  void StartDispatcher(int max_attempts = 5) {
    DeliveryOptions options;
    options.threads = 4;
    options.first_backoff = absl::Milliseconds(100);
    options.max_backoff = absl::Milliseconds(400);
    options.max_attempts = max_attempts;
    options.timeout = absl::Seconds(2);
    dispatcher_ = std::make_unique<WebhookDispatcher>(feed_.get(), subscriptions_.get(),
                                                      &poster_, options);
    subscriptions_->SetListener([this](const std::string& id) { dispatcher_->Notify(id); });
    dispatcher_->Start();
  }

  v1::Subscription Subscribe(int port) {
    v1::CreateSubscriptionRequest request;
    request.mutable_subscription()->set_client_system("finance");
    request.mutable_subscription()->set_target_url("http://127.0.0.1:" + std::to_string(port) +
                                                   "/hooks/accord");
    auto created = subscriptions_->Create(request);
    EXPECT_TRUE(created.ok()) << created.status();
    return *created;
  }

  void Append(int64_t sequence, const std::string& resource) {
    ASSERT_TRUE(feed_->Append("registry", SourceEvent(sequence, resource)).ok());
  }

  accord::testing::TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<ChangeFeed> feed_;
  std::unique_ptr<Subscriptions> subscriptions_;
  HttpPoster poster_;
  std::unique_ptr<WebhookDispatcher> dispatcher_;
};

TEST(WebhookUrl, AcceptsHttpAndHttpsAndRefusesCredentialsAndOtherSchemes) {
  auto url = ParseWebhookUrl("https://finance.example.gov.uk:8443/hooks?x=1", "target_url");
  ASSERT_TRUE(url.ok());
  EXPECT_TRUE(url->https);
  EXPECT_EQ(url->port, "8443");
  EXPECT_EQ(url->target, "/hooks?x=1");
  EXPECT_THAT(std::string(ParseWebhookUrl("http://user:pw@host/", "target_url").status().message()),
              HasSubstr("target_url: must not hold credentials"));
  EXPECT_FALSE(ParseWebhookUrl("ftp://host/", "target_url").ok());
  EXPECT_FALSE(ParseWebhookUrl("http://host/#frag", "target_url").ok());
  EXPECT_FALSE(ParseWebhookUrl("http://:80/", "target_url").ok());
}

TEST(WebhookSigning, VerifiesItsOwnSignatureAndRefusesTamperingAndOldTimestamps) {
  std::string secret = NewWebhookSecret();
  EXPECT_EQ(secret.size(), 64u);
  std::string header = SignatureHeader(secret, 1'700'000'000, "{\"a\":1}");
  EXPECT_TRUE(VerifySignature(secret, header, "{\"a\":1}", 1'700'000'010));
  EXPECT_FALSE(VerifySignature(secret, header, "{\"a\":2}", 1'700'000'010));
  EXPECT_FALSE(VerifySignature("other", header, "{\"a\":1}", 1'700'000'010));
  EXPECT_FALSE(VerifySignature(secret, header, "{\"a\":1}", 1'700'001'000));
}

TEST_F(WebhookTest, ADeliveryIsSignedWithTheSubscriptionSecretOverTimestampAndBody) {
  Receiver receiver([](const std::string&, int) { return 204; });
  StartDispatcher();
  v1::Subscription subscription = Subscribe(receiver.port());
  ASSERT_EQ(subscription.secret().size(), 64u);
  Append(1, "partnerships/a");
  ASSERT_TRUE(receiver.WaitForAccepted(1));
  Received got = receiver.accepted()[0];
  EXPECT_TRUE(VerifySignature(subscription.secret(), got.signature, got.body,
                              absl::ToUnixSeconds(absl::Now())))
      << got.signature;
  EXPECT_THAT(got.body, HasSubstr("\"resourceName\":\"partnerships/a\""));
  // The secret is shown once only.
  EXPECT_TRUE(subscriptions_->Get(subscription.name())->secret().empty());
}

TEST_F(WebhookTest, AFailedDeliveryIsRetriedWithBackoffAndTheCursorMovesOnlyAfterSuccess) {
  std::vector<absl::Time> attempts;
  absl::Mutex mu;
  Receiver receiver([&](const std::string&, int nth) {
    absl::MutexLock lock(&mu);
    attempts.push_back(absl::Now());
    return nth <= 2 ? 503 : 200;
  });
  StartDispatcher();
  v1::Subscription subscription = Subscribe(receiver.port());
  Append(1, "partnerships/a");
  ASSERT_TRUE(receiver.WaitForAccepted(1));
  absl::MutexLock lock(&mu);
  ASSERT_EQ(attempts.size(), 3u);
  // Backoff 100 ms, then 200 ms.
  EXPECT_GE(attempts[1] - attempts[0], absl::Milliseconds(90));
  EXPECT_GE(attempts[2] - attempts[1], absl::Milliseconds(190));
  absl::SleepFor(absl::Milliseconds(200));
  auto shown = subscriptions_->Get(subscription.name());
  EXPECT_EQ(SequenceOfCursor(shown->delivered_cursor(), "c").value(), 1);
}

TEST_F(WebhookTest, ALaterChangeOfAPartnershipWaitsForItsEarlierOneButOthersDoNot) {
  // The first attempt at partnerships/a's first change fails; b's change goes meanwhile,
  // and a's second change only after a's first.
  Receiver receiver([](const std::string& body, int nth) {
    return nth == 1 && body.find("partnerships/a") != std::string::npos ? 500 : 200;
  });
  Subscribe(receiver.port());  // before the dispatcher: the three changes come after it
  Append(1, "partnerships/a");
  Append(2, "partnerships/b");
  Append(3, "partnerships/a/risks/r-1");
  StartDispatcher();
  ASSERT_TRUE(receiver.WaitForAccepted(3));
  std::vector<std::string> order;
  for (const auto& r : receiver.accepted()) order.push_back(r.resource);
  auto pos = [&](const std::string& r) {
    return std::find(order.begin(), order.end(), r) - order.begin();
  };
  EXPECT_LT(pos("partnerships/a"), pos("partnerships/a/risks/r-1"));
  EXPECT_LT(pos("partnerships/b"), pos("partnerships/a"));
}

TEST_F(WebhookTest, ExhaustedRetriesAreDeadLetteredThenReplayedOnRequest) {
  std::atomic<bool> healthy{false};
  Receiver receiver([&](const std::string&, int) { return healthy ? 200 : 500; });
  StartDispatcher(/*max_attempts=*/3);
  v1::Subscription subscription = Subscribe(receiver.port());
  Append(1, "partnerships/a");
  Append(2, "partnerships/b");
  v1::ListDeadLettersRequest list;
  list.set_parent(subscription.name());
  absl::Time end = absl::Now() + absl::Seconds(15);
  while (absl::Now() < end && subscriptions_->ListDeadLetters(list)->dead_letters_size() < 2) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  auto letters = subscriptions_->ListDeadLetters(list);
  ASSERT_EQ(letters->dead_letters_size(), 2);
  EXPECT_EQ(letters->dead_letters(0).attempts(), 3);
  EXPECT_THAT(letters->dead_letters(0).last_error(), HasSubstr("500"));
  EXPECT_EQ(subscriptions_->Get(subscription.name())->dead_letter_count(), 2);
  EXPECT_TRUE(receiver.accepted().empty());

  healthy = true;
  v1::ReplayDeadLettersRequest replay;
  replay.set_parent(subscription.name());
  replay.add_names(letters->dead_letters(1).name());
  ASSERT_EQ(subscriptions_->Replay(replay)->replayed(), 1);
  ASSERT_TRUE(receiver.WaitForAccepted(1));
  EXPECT_EQ(receiver.accepted()[0].resource, "partnerships/b");
  replay.clear_names();
  ASSERT_EQ(subscriptions_->Replay(replay)->replayed(), 1);
  ASSERT_TRUE(receiver.WaitForAccepted(2));
  absl::SleepFor(absl::Milliseconds(200));
  EXPECT_EQ(subscriptions_->ListDeadLetters(list)->dead_letters_size(), 0);
  EXPECT_EQ(subscriptions_->Get(subscription.name())->dead_letter_count(), 0);
}

TEST_F(WebhookTest, ABadTargetUrlIsRefusedNamingTheField) {
  v1::CreateSubscriptionRequest request;
  request.mutable_subscription()->set_client_system("finance");
  request.mutable_subscription()->set_target_url("http://admin:secret@finance.local/hook");
  auto created = subscriptions_->Create(request);
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(created.status().message()),
              HasSubstr("subscription.target_url: must not hold credentials"));
}

}  // namespace
}  // namespace accord::integrations
