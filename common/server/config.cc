#include "common/server/config.h"

#include <cstdlib>
#include <iostream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"

namespace accord::server {

Config::Config(int argc, char** argv) : program_(argc > 0 ? argv[0] : "accord") {
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      help_ = true;
      continue;
    }
    if (!absl::StartsWith(arg, "--")) {
      errors_.push_back(absl::StrCat("unexpected argument '", arg, "'"));
      continue;
    }
    arg = arg.substr(2);
    auto eq = arg.find('=');
    if (eq != std::string::npos) {
      given_[arg.substr(0, eq)] = arg.substr(eq + 1);
    } else if (i + 1 < argc && !absl::StartsWith(argv[i + 1], "--")) {
      given_[arg] = argv[++i];
    } else {
      given_[arg] = "true";
    }
  }
}

std::optional<std::string> Config::Raw(const std::string& flag, const std::string& env) {
  used_[flag] = true;
  if (auto it = given_.find(flag); it != given_.end()) return it->second;
  if (const char* value = std::getenv(env.c_str()); value != nullptr) return std::string(value);
  return std::nullopt;
}

std::string Config::String(const std::string& flag, const std::string& env,
                           const std::string& def, const std::string& help, bool required) {
  usage_.push_back(absl::StrCat("  --", flag, " (env ", env, ")", required ? " required" : "",
                                ": ", help, def.empty() ? "" : absl::StrCat(" [", def, "]")));
  auto raw = Raw(flag, env);
  if (raw && !raw->empty()) return *raw;
  if (required) errors_.push_back(absl::StrCat("--", flag, " (or ", env, ") is required: ", help));
  return def;
}

int64_t Config::Int(const std::string& flag, const std::string& env, int64_t def,
                    const std::string& help, int64_t min, int64_t max) {
  usage_.push_back(absl::StrCat("  --", flag, " (env ", env, "): ", help, " [", def, "]"));
  auto raw = Raw(flag, env);
  if (!raw) return def;
  int64_t value = 0;
  if (!absl::SimpleAtoi(*raw, &value) || value < min || value > max) {
    errors_.push_back(absl::StrCat("--", flag, " (or ", env, ") must be a whole number from ",
                                   min, " to ", max, "; got '", *raw, "'"));
    return def;
  }
  return value;
}

bool Config::Bool(const std::string& flag, const std::string& env, bool def,
                  const std::string& help) {
  usage_.push_back(absl::StrCat("  --", flag, " (env ", env, "): ", help, " [",
                                def ? "true" : "false", "]"));
  auto raw = Raw(flag, env);
  if (!raw) return def;
  bool value = false;
  if (!absl::SimpleAtob(*raw, &value)) {
    errors_.push_back(absl::StrCat("--", flag, " (or ", env, ") must be true or false; got '",
                                   *raw, "'"));
    return def;
  }
  return value;
}

void Config::Finish() {
  for (const auto& [flag, value] : given_) {
    if (!used_.count(flag)) errors_.push_back(absl::StrCat("unknown flag --", flag));
  }
  if (help_) {
    std::cout << "usage: " << program_ << " [flags]\n";
    for (const auto& line : usage_) std::cout << line << "\n";
    std::exit(0);
  }
  if (!errors_.empty()) {
    for (const auto& e : errors_) std::cerr << program_ << ": " << e << "\n";
    std::exit(2);
  }
}

}  // namespace accord::server
