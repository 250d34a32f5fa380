// Semantic checks of a loaded SOP definition: references, duplicates,
// process structure, branch exhaustiveness, the approval matrix, SLAs,
// escalations, templates, and soundness of each compiled process.
#ifndef LIVESOP_SOP_VALIDATE_H_
#define LIVESOP_SOP_VALIDATE_H_

#include <string>

#include "core/diagnostic.h"
#include "sop/loader.h"
#include "sop/model.h"

namespace livesop::sop {

// Appends every semantic problem of `definition` to the returned list.
DiagnosticList Validate(const Definition& definition);

// Loads and validates `path`: the whole of `livesop check`. Diagnostics are
// sorted by file and position.
LoadResult Check(const std::string& path, const LoadOptions& options = {});

}  // namespace livesop::sop

#endif  // LIVESOP_SOP_VALIDATE_H_
