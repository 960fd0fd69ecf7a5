// The councils' real protocol files, for review tests.
#ifndef ACCORD_TESTS_REVIEW_TEST_PROTOCOLS_H_
#define ACCORD_TESTS_REVIEW_TEST_PROTOCOLS_H_

#include <string>

#include "gtest/gtest.h"
#include "services/assessment/domain/protocol_rules.h"

namespace accord::review::testing {

inline accord::assessment::v1::Protocol CouncilProtocol(const std::string& id) {
  auto protocol =
      accord::assessment::LoadProtocolFile(std::string(ACCORD_PROTOCOLS_DIR) + "/" + id +
                                           ".textproto");
  EXPECT_TRUE(protocol.ok()) << protocol.status();
  return protocol.ok() ? *protocol : accord::assessment::v1::Protocol();
}

}  // namespace accord::review::testing

#endif  // ACCORD_TESTS_REVIEW_TEST_PROTOCOLS_H_
