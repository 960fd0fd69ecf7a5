// A fresh folder under $TMPDIR for one test, removed at the end.
#ifndef ACCORD_TESTS_COMMON_TEMP_DIR_H_
#define ACCORD_TESTS_COMMON_TEMP_DIR_H_

#include <cstdlib>
#include <filesystem>
#include <string>

namespace accord::testing {

class TempDir {
 public:
  TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern = std::string(base ? base : "/tmp") + "/accord-test-XXXXXX";
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace accord::testing

#endif  // ACCORD_TESTS_COMMON_TEMP_DIR_H_
