// The exit codes of every livesop command (docs/cli.md).
#ifndef LIVESOP_CLI_EXIT_CODES_H_
#define LIVESOP_CLI_EXIT_CODES_H_

namespace livesop::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 1;  // the input is invalid
inline constexpr int kExitUsage = 2;    // usage, or a file read/write error
inline constexpr int kExitStore = 3;    // the store failed or refused

}  // namespace livesop::cli

#endif  // LIVESOP_CLI_EXIT_CODES_H_
