// libFuzzer target for the SOP loader and the semantic checks: any text must
// load and validate without crashing, hanging or tripping a sanitizer.
// Diagnostics are the expected outcome for nearly every input and are ignored.
#include <cstddef>
#include <cstdint>
#include <string>

#include "sop/loader.h"
#include "sop/validate.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  livesop::sop::LoadOptions options;
  // Relative includes find nothing because scripts/fuzz.sh runs the fuzzer in
  // an empty directory, but an absolute include such as /dev/stdin or a FIFO
  // would block and /dev/zero would read 8 MiB per input. Depth 0 refuses
  // every include before its file is opened, so the fuzzer never touches the
  // filesystem beyond resolving the include path.
  options.max_include_depth = 0;
  livesop::sop::LoadResult result =
      livesop::sop::LoadDefinitionFromString(text, "fuzz.yaml", options);
  livesop::DiagnosticList diagnostics =
      livesop::sop::Validate(result.definition);
  static_cast<void>(diagnostics);
  return 0;
}
