#include "core/status.h"

#include <gtest/gtest.h>

namespace livesop {
namespace {

Result<int> Half(int n) {
  if (n % 2 != 0) return InvalidArgumentError("odd: " + std::to_string(n));
  return n / 2;
}

Result<int> Quarter(int n) {
  LIVESOP_ASSIGN_OR_RETURN(int half, Half(n));
  LIVESOP_ASSIGN_OR_RETURN(int quarter, Half(half));
  return quarter;
}

Status CheckEven(int n) {
  LIVESOP_RETURN_IF_ERROR(Half(n).status());
  return OkStatus();
}

TEST(StatusTest, OkAndErrorsFormat) {
  EXPECT_TRUE(OkStatus().ok());
  EXPECT_EQ(OkStatus().ToString(), "OK");
  Status s = NotFoundError("no campaign c-1");
  EXPECT_FALSE(s.ok());
  EXPECT_EQ(s.code(), StatusCode::kNotFound);
  EXPECT_EQ(s.ToString(), "NOT_FOUND: no campaign c-1");
  EXPECT_EQ(s.WithContext("loading").message(), "loading: no campaign c-1");
  EXPECT_EQ(AbortedError("x").code(), StatusCode::kAborted);
}

TEST(StatusTest, MacrosPropagateTheFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  Result<int> r = Quarter(6);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "odd: 3");
  EXPECT_TRUE(CheckEven(4).ok());
  EXPECT_EQ(CheckEven(5).code(), StatusCode::kInvalidArgument);
}

TEST(StatusTest, ResultFromOkStatusIsAnInternalError) {
  Result<int> r{OkStatus()};
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInternal);
}

}  // namespace
}  // namespace livesop
