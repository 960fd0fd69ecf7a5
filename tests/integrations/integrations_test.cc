// The merged change feed over a real RocksDB and a real in-process gRPC server: order,
// exactly-once appends, resumption from a cursor, long polls and streams.
#include <chrono>
#include <thread>

#include "accord/integrations/v1/integrations_service.grpc.pb.h"
#include "accord/registry/v1/registry_service.grpc.pb.h"
#include "common/storage/feed_follower.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "services/integrations/change_feed.h"
#include "services/integrations/integrations_service.h"
#include "services/integrations/subscriptions.h"
#include "services/registry/registry.h"
#include "services/registry/registry_service.h"
#include "tests/common/temp_dir.h"

namespace accord::integrations {
namespace {

using accord::testing::TempDir;

events::v1::Event SourceEvent(const std::string& service, int64_t sequence,
                              const std::string& resource) {
  events::v1::Event event;
  event.set_service(service);
  event.set_sequence(sequence);
  event.set_resource_name(resource);
  event.set_kind(events::v1::UPDATED);
  return event;
}

class ChangeFeedTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }

  void Open() {
    auto store = storage::Store::Open({.path = dir_.path() + "/integrations",
                                       .service = "integrations",
                                       .schema_version = 1,
                                       .column_families = Subscriptions::ColumnFamilies()});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    feed_ = std::make_unique<ChangeFeed>(store_.get());
  }

  void StartServer() {
    subscriptions_ = std::make_unique<Subscriptions>(feed_.get());
    service_ = std::make_unique<IntegrationsServiceImpl>(feed_.get(), subscriptions_.get());
    grpc::ServerBuilder builder;
    int port = 0;
    builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
    builder.RegisterService(service_.get());
    server_ = builder.BuildAndStart();
    ASSERT_NE(port, 0);
    stub_ = v1::IntegrationsService::NewStub(grpc::CreateChannel(
        "127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    if (service_) service_->CloseStreams();
    if (server_) server_->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(2));
  }

  TempDir dir_;
  std::unique_ptr<storage::Store> store_;
  std::unique_ptr<ChangeFeed> feed_;
  std::unique_ptr<Subscriptions> subscriptions_;
  std::unique_ptr<IntegrationsServiceImpl> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::IntegrationsService::Stub> stub_;
};

TEST_F(ChangeFeedTest, KeepsTheOrderAppliedAndTheOriginalServiceAndSequence) {
  ASSERT_TRUE(feed_->Append("registry", SourceEvent("registry", 1, "partnerships/a")).ok());
  ASSERT_TRUE(feed_->Append("risk", SourceEvent("risk", 1, "partnerships/a/risks/r")).ok());
  ASSERT_TRUE(feed_->Append("registry", SourceEvent("registry", 2, "partnerships/b")).ok());
  auto page = feed_->List({});
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->changes_size(), 3);
  EXPECT_EQ(page->changes(0).event().service(), "registry");
  EXPECT_EQ(page->changes(1).event().service(), "risk");
  EXPECT_EQ(page->changes(1).event().resource_name(), "partnerships/a/risks/r");
  EXPECT_EQ(page->changes(2).event().sequence(), 2);
}

TEST_F(ChangeFeedTest, AnEventAppliedTwiceAppearsOnce) {
  ASSERT_TRUE(feed_->Append("registry", SourceEvent("registry", 1, "partnerships/a")).ok());
  ASSERT_TRUE(feed_->Append("registry", SourceEvent("registry", 1, "partnerships/a")).ok());
  EXPECT_EQ(feed_->List({})->changes_size(), 1);
}

TEST_F(ChangeFeedTest, ResumesFromACursorAcrossAReopenAndFiltersByService) {
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(feed_->Append("registry", SourceEvent("registry", i, "partnerships/a")).ok());
    ASSERT_TRUE(feed_->Append("risk", SourceEvent("risk", i, "partnerships/a/risks/r")).ok());
  }
  v1::ListChangesRequest request;
  request.set_page_size(4);
  auto first = feed_->List(request);
  ASSERT_EQ(first->changes_size(), 4);
  std::string cursor = first->next_cursor();
  feed_.reset();
  store_.reset();
  Open();
  request.set_cursor(cursor);
  request.set_page_size(100);
  request.add_services("risk");
  auto rest = feed_->List(request);
  ASSERT_TRUE(rest.ok()) << rest.status();
  ASSERT_EQ(rest->changes_size(), 3);  // risk events 3, 4 and 5
  EXPECT_EQ(rest->changes(0).event().sequence(), 3);
  request.set_cursor("not-a-cursor");
  EXPECT_THAT(std::string(feed_->List(request).status().message()),
              ::testing::HasSubstr("cursor"));
}

TEST_F(ChangeFeedTest, FollowsARealProducersFeedExactlyOnce) {
  auto registry_store = storage::Store::Open({.path = dir_.path() + "/registry",
                                              .service = "registry",
                                              .schema_version = 1,
                                              .column_families =
                                                  registry::Registry::ColumnFamilies()});
  ASSERT_TRUE(registry_store.ok());
  registry::Registry registry(registry_store->get());
  registry::RegistryServiceImpl registry_service(&registry);
  grpc::ServerBuilder builder;
  int port = 0;
  builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
  builder.RegisterService(&registry_service);
  auto server = builder.BuildAndStart();
  for (int i = 0; i < 3; ++i) {
    registry::v1::CreatePartnershipRequest create;
    create.set_partnership_id("p-" + std::to_string(i) + "x");
    create.mutable_partnership()->set_display_name("P");
    create.mutable_partnership()->set_lead_service("Policy");
    ASSERT_TRUE(registry.Create(create).ok());
  }
  auto follower = storage::FollowPeerFeed<registry::v1::RegistryService>(
      "registry", store_.get(), "127.0.0.1:" + std::to_string(port),
      [this](const events::v1::Event& event) { return feed_->Append("registry", event); });
  follower->Start();
  for (int i = 0; i < 200 && follower->applied() < 3; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  follower->Stop();
  auto page = feed_->List({});
  ASSERT_EQ(page->changes_size(), 3);
  EXPECT_EQ(page->changes(2).event().resource_name(), "partnerships/p-2x");
  registry_service.CloseStreams();
  server->Shutdown(std::chrono::system_clock::now() + std::chrono::seconds(1));
}

TEST_F(ChangeFeedTest, LongPollReturnsAsSoonAsAChangeArrives) {
  StartServer();
  v1::ListChangesRequest request;
  request.set_wait_seconds(20);
  std::thread producer([this] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ASSERT_TRUE(feed_->Append("registry", SourceEvent("registry", 1, "partnerships/a")).ok());
  });
  grpc::ClientContext ctx;
  v1::ListChangesResponse response;
  auto start = std::chrono::steady_clock::now();
  grpc::Status status = stub_->ListChanges(&ctx, request, &response);
  auto waited = std::chrono::steady_clock::now() - start;
  producer.join();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.changes_size(), 1);
  EXPECT_GE(waited, std::chrono::milliseconds(250));
  EXPECT_LT(waited, std::chrono::seconds(3));
}

TEST_F(ChangeFeedTest, LongPollWithNothingNewAnswersAnEmptyPageAtItsTime) {
  StartServer();
  v1::ListChangesRequest request;
  request.set_wait_seconds(1);
  grpc::ClientContext ctx;
  v1::ListChangesResponse response;
  auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(stub_->ListChanges(&ctx, request, &response).ok());
  auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(response.changes_size(), 0);
  EXPECT_FALSE(response.next_cursor().empty());
  EXPECT_GE(waited, std::chrono::milliseconds(900));
  EXPECT_LT(waited, std::chrono::seconds(3));
}

TEST_F(ChangeFeedTest, StreamResumesAfterItsCursorAndFollowsNewChanges) {
  StartServer();
  for (int i = 1; i <= 3; ++i) {
    ASSERT_TRUE(feed_->Append("registry", SourceEvent("registry", i, "partnerships/a")).ok());
  }
  std::string cursor = feed_->List({})->changes(0).cursor();
  grpc::ClientContext ctx;
  v1::StreamChangesRequest request;
  request.set_cursor(cursor);
  auto reader = stub_->StreamChanges(&ctx, request);
  v1::FeedChange change;
  ASSERT_TRUE(reader->Read(&change));
  EXPECT_EQ(change.event().sequence(), 2);
  ASSERT_TRUE(reader->Read(&change));
  EXPECT_EQ(change.event().sequence(), 3);
  ASSERT_TRUE(feed_->Append("registry", SourceEvent("registry", 4, "partnerships/a")).ok());
  ASSERT_TRUE(reader->Read(&change));
  EXPECT_EQ(change.event().sequence(), 4);
  ctx.TryCancel();
  reader->Finish();
}

}  // namespace
}  // namespace accord::integrations
