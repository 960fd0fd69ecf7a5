// The fault scenarios of tests/fault/: each runs against real processes and real stores,
// records its figures and failed checks in `figures`, and reads its sizes from `params`.
#ifndef ACCORD_TESTS_FAULT_SCENARIOS_H_
#define ACCORD_TESTS_FAULT_SCENARIOS_H_

#include <map>
#include <string>

#include "tests/fault/fault_support.h"

namespace accord::fault {

// 1. Writes through the gateway with a ledger of acknowledged writes while a random process
//    is kill -9ed and restarted; every acknowledged write must be there and correct.
void CrashDurability(Params& params, Figures& figures);
// 2. Partnerships approved (and escalated) while producers and consumers are killed; every
//    consumer applies every event exactly once and the merged feed has no gap or repeat.
void ChangeFeeds(Params& params, Figures& figures);
// 3. Creates retried with the same Idempotency-Key / requestId, some concurrently, some
//    across a kill; no duplicate record.
void IdempotentReplays(Params& params, Figures& figures);
// 4. Concurrent updates with the same etag: exactly one wins per round, no lost update.
void ConflictingUpdates(Params& params, Figures& figures);
// 5. SIGTERM under load: no accepted call fails, exit 0 within the grace period.
void GracefulShutdown(Params& params, Figures& figures);
// 6a. Disk full on a size-limited filesystem: clean errors, nothing lost, writes resume.
void DiskFull(Params& params, Figures& figures);
// 6b. A corrupted WAL and corrupted SST files: refused or reported, never wrong data.
void Corruption(Params& params, Figures& figures);
// 7. Partnerships closed while acts race them and random services are kill -9ed: nothing of
//    a closed partnership is left open, pending or due, tiers agree, and every reaction
//    (risk closed, escalation and evaluation withdrawn, refused act voided) happens once.
void LifecycleRace(Params& params, Figures& figures);
// Security: keys hashed at rest, no secret in logs, no internals in errors, reflection and
// admin off the public listener.
void SecurityChecks(Params& params, Figures& figures);

// Puts an officer in the gateway's directory (create, or update when present).
bool EnsureOfficer(int http_port, const std::map<std::string, std::string>& auth,
                   const std::string& officer, const std::string& roles,
                   const std::string& service);

}  // namespace accord::fault

#endif  // ACCORD_TESTS_FAULT_SCENARIOS_H_
