#include "common/server/config.h"

#include <cstdlib>

#include "gtest/gtest.h"

namespace accord::server {
namespace {

Config Make(std::vector<std::string> args) {
  static std::vector<std::string> storage;
  storage = std::move(args);
  storage.insert(storage.begin(), "prog");
  static std::vector<char*> argv;
  argv.clear();
  for (auto& a : storage) argv.push_back(a.data());
  return Config(static_cast<int>(argv.size()), argv.data());
}

TEST(Config, FlagWinsOverEnvironmentWhichWinsOverDefault) {
  setenv("ACCORD_TEST_PORT", "7000", 1);
  Config with_flag = Make({"--port=8000"});
  EXPECT_EQ(with_flag.Int("port", "ACCORD_TEST_PORT", 1, "p"), 8000);
  Config env_only = Make({});
  EXPECT_EQ(env_only.Int("port", "ACCORD_TEST_PORT", 1, "p"), 7000);
  unsetenv("ACCORD_TEST_PORT");
  Config neither = Make({});
  EXPECT_EQ(neither.Int("port", "ACCORD_TEST_PORT", 1, "p"), 1);
}

TEST(Config, SpaceSeparatedValueAndBoolFlag) {
  Config config = Make({"--data_dir", "/x", "--verbose"});
  EXPECT_EQ(config.String("data_dir", "ACCORD_TEST_DIR", "", "d"), "/x");
  EXPECT_TRUE(config.Bool("verbose", "ACCORD_TEST_VERBOSE", false, "v"));
}

TEST(ConfigDeathTest, MalformedNumberStopsTheProcessNamingTheFlag) {
  EXPECT_EXIT(
      {
        Config config = Make({"--port=eighty"});
        config.Int("port", "ACCORD_TEST_PORT", 1, "p", 0, 65535);
        config.Finish();
      },
      ::testing::ExitedWithCode(2), "--port \\(or ACCORD_TEST_PORT\\) must be a whole number");
}

TEST(ConfigDeathTest, MissingRequiredAndUnknownFlagsStopTheProcess) {
  EXPECT_EXIT(
      {
        Config config = Make({"--colour=red"});
        config.String("data_dir", "ACCORD_TEST_NO_SUCH_VAR", "", "store", true);
        config.Finish();
      },
      ::testing::ExitedWithCode(2), "--data_dir \\(or ACCORD_TEST_NO_SUCH_VAR\\) is required");
  EXPECT_EXIT(
      {
        Config config = Make({"--colour=red"});
        config.Finish();
      },
      ::testing::ExitedWithCode(2), "unknown flag --colour");
}

}  // namespace
}  // namespace accord::server
