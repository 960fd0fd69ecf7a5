// accord-fault: the fault suite's runner. `accord-fault <scenario> [--long] [--name=value]...`
// runs one scenario against real processes and prints its parameters and figures
// ("FIGURE <scenario> <name>=<value>") and a verdict. Exit code: 0 pass, 1 fail, 77 skipped
// (something the machine cannot do), 2 usage.
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <string>

#include "tests/fault/scenarios.h"

namespace {

const std::map<std::string, std::function<void(accord::fault::Params&, accord::fault::Figures&)>>&
Scenarios() {
  static const auto* scenarios = new std::map<
      std::string, std::function<void(accord::fault::Params&, accord::fault::Figures&)>>{
      {"crash_durability", accord::fault::CrashDurability},
      {"change_feeds", accord::fault::ChangeFeeds},
      {"idempotent_replays", accord::fault::IdempotentReplays},
      {"conflicting_updates", accord::fault::ConflictingUpdates},
      {"graceful_shutdown", accord::fault::GracefulShutdown},
      {"disk_full", accord::fault::DiskFull},
      {"corruption", accord::fault::Corruption},
      {"security", accord::fault::SecurityChecks},
      {"lifecycle_race", accord::fault::LifecycleRace},
  };
  return *scenarios;
}

int Usage() {
  std::fprintf(stderr, "usage: accord-fault <scenario> [--long] [--seed=N] [--name=value]...\n"
                       "scenarios:");
  for (const auto& [name, unused] : Scenarios()) std::fprintf(stderr, " %s", name.c_str());
  std::fprintf(stderr, "\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  // A peer closing a socket mid-write must be an error the scenario sees, not our death.
  signal(SIGPIPE, SIG_IGN);
  if (argc < 2) return Usage();
  std::string scenario = argv[1];
  auto it = Scenarios().find(scenario);
  if (it == Scenarios().end()) return Usage();
  bool long_mode = false;
  uint64_t seed = static_cast<uint64_t>(
      std::chrono::system_clock::now().time_since_epoch().count());
  std::map<std::string, std::string> overrides;
  for (int i = 2; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--long") {
      long_mode = true;
    } else if (arg.rfind("--seed=", 0) == 0) {
      seed = std::stoull(arg.substr(7));
    } else if (arg.rfind("--", 0) == 0 && arg.find('=') != std::string::npos) {
      size_t eq = arg.find('=');
      overrides[arg.substr(2, eq - 2)] = arg.substr(eq + 1);
    } else {
      return Usage();
    }
  }
  accord::fault::SeedRandom(seed);
  accord::fault::Params params(long_mode, overrides);
  accord::fault::Figures figures;
  std::printf("SEED %s %llu\n", scenario.c_str(), static_cast<unsigned long long>(seed));
  auto start = std::chrono::steady_clock::now();
  it->second(params, figures);
  return figures.Print(scenario, params, accord::fault::SecondsSince(start));
}
