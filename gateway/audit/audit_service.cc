#include "gateway/audit/audit_service.h"

#include "common/api/errors.h"
#include "google/protobuf/util/time_util.h"

namespace accord::gateway {
namespace {

// The largest export answered at once: a month of a council's writes fits well inside.
constexpr int kExportLimit = 100000;

template <typename Request>
AuditQuery QueryOf(const Request& req) {
  AuditQuery query;
  query.resource = req.resource();
  query.officer = req.officer();
  query.code = req.code();
  using google::protobuf::util::TimeUtil;
  if (req.has_start_time()) {
    query.start = absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(req.start_time()));
  }
  if (req.has_end_time()) {
    query.end = absl::FromUnixMicros(TimeUtil::TimestampToMicroseconds(req.end_time()));
  }
  return query;
}

}  // namespace

grpc::ServerUnaryReactor* AuditServiceImpl::ListAuditEntries(
    grpc::CallbackServerContext* ctx, const v1::ListAuditEntriesRequest* req,
    v1::ListAuditEntriesResponse* out) {
  absl::StatusOr<AuditPage> page = log_->List(QueryOf(*req), req->page_size(), req->page_token());
  if (page.ok()) {
    for (auto& entry : page->entries) *out->add_audit_entries() = std::move(entry);
    out->set_next_page_token(page->next_page_token);
  }
  auto* reactor = ctx->DefaultReactor();
  reactor->Finish(api::ToGrpcStatus(page.status()));
  return reactor;
}

grpc::ServerUnaryReactor* AuditServiceImpl::ExportAuditEntries(
    grpc::CallbackServerContext* ctx, const v1::ExportAuditEntriesRequest* req,
    v1::ExportAuditEntriesResponse* out) {
  absl::StatusOr<std::string> lines = log_->ExportJsonLines(QueryOf(*req), kExportLimit);
  if (lines.ok()) {
    out->set_content_type("application/x-ndjson");
    out->set_data(*std::move(lines));
  }
  auto* reactor = ctx->DefaultReactor();
  reactor->Finish(api::ToGrpcStatus(lines.status()));
  return reactor;
}

}  // namespace accord::gateway
