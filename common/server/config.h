// Process configuration: flags with environment fallbacks, read once at start-up.
//
//   Config config(argc, argv);
//   std::string data = config.String("data_dir", "ACCORD_DATA_DIR", "", "where RocksDB lives");
//   int port = config.Int("grpc_port", "ACCORD_GRPC_PORT", 0, "port; 0 lets the kernel pick");
//   config.Finish();  // unknown flags, bad values, --help: prints and exits
//
// Flags are written `--name=value` or `--name value`. A flag wins over its variable.
// Not thread-safe; use it from main() only.
#ifndef ACCORD_COMMON_SERVER_CONFIG_H_
#define ACCORD_COMMON_SERVER_CONFIG_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace accord::server {

class Config {
 public:
  Config(int argc, char** argv);

  // Empty default with required=true: a missing value is an error.
  std::string String(const std::string& flag, const std::string& env, const std::string& def,
                     const std::string& help, bool required = false);
  int64_t Int(const std::string& flag, const std::string& env, int64_t def,
              const std::string& help, int64_t min = 0, int64_t max = INT64_MAX);
  bool Bool(const std::string& flag, const std::string& env, bool def, const std::string& help);

  // Stops the process with exit code 2 and a message naming every bad or unknown flag,
  // or prints usage and exits 0 on --help.
  void Finish();

 private:
  std::optional<std::string> Raw(const std::string& flag, const std::string& env);

  std::string program_;
  std::map<std::string, std::string> given_;
  std::map<std::string, bool> used_;
  std::vector<std::string> errors_;
  std::vector<std::string> usage_;
  bool help_ = false;
};

}  // namespace accord::server

#endif  // ACCORD_COMMON_SERVER_CONFIG_H_
