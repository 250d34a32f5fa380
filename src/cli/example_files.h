// The example Marketing Operations SOP, compiled into the binary so that
// `livesop init` works from any directory.
#ifndef LIVESOP_CLI_EXAMPLE_FILES_H_
#define LIVESOP_CLI_EXAMPLE_FILES_H_

#include <string_view>
#include <vector>

namespace livesop::cli {

struct ExampleFile {
  std::string_view name;  // relative path, "sop.yaml"
  std::string_view content;
};

// The files of examples/marketing-ops/, root file first.
const std::vector<ExampleFile>& ExampleFiles();

}  // namespace livesop::cli

#endif  // LIVESOP_CLI_EXAMPLE_FILES_H_
