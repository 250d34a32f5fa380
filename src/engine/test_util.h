// Helpers shared by the engine's tests.
#ifndef LIVESOP_ENGINE_TEST_UTIL_H_
#define LIVESOP_ENGINE_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <string>

#include "sop/loader.h"

namespace livesop::engine {

// The example department's SOP (examples/marketing-ops), loaded once per
// test binary; a load with errors fails the test that asked for it.
inline const sop::Definition& ExampleSop() {
  static const sop::LoadResult loaded = sop::LoadDefinition(
      std::string(LIVESOP_SOURCE_DIR) + "/examples/marketing-ops/sop.yaml");
  EXPECT_FALSE(loaded.diagnostics.has_errors());
  return loaded.definition;
}

}  // namespace livesop::engine

#endif  // LIVESOP_ENGINE_TEST_UTIL_H_
