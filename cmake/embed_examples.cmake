# Writes OUTPUT, a C++ source defining livesop::cli::ExampleFiles() from the
# YAML files in SOURCE_DIR and the holiday calendars in its holidays/. Run at build time by src/cli/CMakeLists.txt.
file(GLOB files RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/*.yaml"
     "${SOURCE_DIR}/holidays/*.ics")
list(SORT files)
list(REMOVE_ITEM files "sop.yaml")
list(PREPEND files "sop.yaml")
set(entries "")
foreach(name IN LISTS files)
  file(READ "${SOURCE_DIR}/${name}" content)
  string(FIND "${content}" ")livesop_example\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${name} contains the raw-string delimiter")
  endif()
  string(APPEND entries "      {\"${name}\", R\"livesop_example(${content})livesop_example\"},\n")
endforeach()
file(WRITE "${OUTPUT}.new" "// Generated from examples/marketing-ops by cmake/embed_examples.cmake.
#include \"cli/example_files.h\"

namespace livesop::cli {

const std::vector<ExampleFile>& ExampleFiles() {
  static const std::vector<ExampleFile> files = {
${entries}  };
  return files;
}

}  // namespace livesop::cli
")
file(COPY_FILE "${OUTPUT}.new" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.new")
