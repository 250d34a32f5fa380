// Status and Result<T>: the one error vocabulary livesop uses at module
// boundaries. Codes follow the canonical set (as in absl::Status): choose the
// code that tells the caller what to do next, for example kAborted for a lost
// optimistic-concurrency race (retry) or kFailedPrecondition for a command on
// a closed task (do not retry).
#ifndef LIVESOP_CORE_STATUS_H_
#define LIVESOP_CORE_STATUS_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace livesop {

enum class StatusCode {
  kOk = 0,
  kCancelled,
  kUnknown,
  kInvalidArgument,
  kDeadlineExceeded,
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,
  kResourceExhausted,
  kFailedPrecondition,
  kAborted,
  kOutOfRange,
  kUnimplemented,
  kInternal,
  kUnavailable,
  kDataLoss,
  kUnauthenticated,
};

// Returns the canonical upper-case name of `code`, for example "NOT_FOUND".
std::string_view StatusCodeName(StatusCode code);

// An outcome: OK, or a code with a message meant for a person. Cheap to copy.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message)
      : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "NOT_FOUND: message", or "OK".
  std::string ToString() const;

  // Returns a copy whose message is `context` + ": " + message. OK stays OK.
  Status WithContext(std::string_view context) const;

  friend bool operator==(const Status&, const Status&) = default;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status OkStatus() { return Status(); }
Status InvalidArgumentError(std::string message);
Status NotFoundError(std::string message);
Status FailedPreconditionError(std::string message);
Status ResourceExhaustedError(std::string message);
Status InternalError(std::string message);
Status UnavailableError(std::string message);
Status AbortedError(std::string message);
Status AlreadyExistsError(std::string message);
Status PermissionDeniedError(std::string message);
Status DataLossError(std::string message);

// A value of T or a non-OK Status. Accessing value() of an error is a
// programming error and aborts.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {  // NOLINT
    if (std::get<Status>(data_).ok()) {
      data_ =
          Status(StatusCode::kInternal, "Result constructed from OK status");
    }
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  Status status() const { return ok() ? OkStatus() : std::get<Status>(data_); }
  T& value() & { return std::get<T>(data_); }
  const T& value() const& { return std::get<T>(data_); }
  T&& value() && { return std::get<T>(std::move(data_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  // `*std::move(result)` moves the value out; without this overload it
  // would bind to the const one above and copy.
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace livesop

#define LIVESOP_STATUS_CONCAT_INNER_(a, b) a##b
#define LIVESOP_STATUS_CONCAT_(a, b) LIVESOP_STATUS_CONCAT_INNER_(a, b)

// Returns from the current function when `expr` yields a non-OK Status.
#define LIVESOP_RETURN_IF_ERROR(expr)                  \
  do {                                                 \
    ::livesop::Status livesop_status_ = (expr);        \
    if (!livesop_status_.ok()) return livesop_status_; \
  } while (false)

// Declares `lhs` from a Result expression, or returns its error.
#define LIVESOP_ASSIGN_OR_RETURN(lhs, expr)                            \
  auto LIVESOP_STATUS_CONCAT_(livesop_result_, __LINE__) = (expr);     \
  if (!LIVESOP_STATUS_CONCAT_(livesop_result_, __LINE__).ok())         \
    return LIVESOP_STATUS_CONCAT_(livesop_result_, __LINE__).status(); \
  lhs = /* NOLINT(bugprone-macro-parentheses): a declaration */        \
      std::move(LIVESOP_STATUS_CONCAT_(livesop_result_, __LINE__)).value()

#endif  // LIVESOP_CORE_STATUS_H_
