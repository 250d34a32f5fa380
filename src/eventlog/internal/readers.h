// The readers behind ReadXes and ReadCsv, on any ByteSource, so that the
// fuzzers can feed them memory without touching the file system.
#ifndef LIVESOP_EVENTLOG_INTERNAL_READERS_H_
#define LIVESOP_EVENTLOG_INTERNAL_READERS_H_

#include "core/status.h"
#include "eventlog/csv.h"
#include "eventlog/internal/input_file.h"
#include "eventlog/xes.h"

namespace livesop::eventlog::internal {

// ReadXes on `input`; errors name input.path().
Status ReadXesFrom(ByteSource& input, XesVisitor& visitor);

// ReadCsv on `input`; errors name input.path().
Status ReadCsvFrom(ByteSource& input, const CsvOptions& options,
                   CsvVisitor& visitor);

}  // namespace livesop::eventlog::internal

#endif  // LIVESOP_EVENTLOG_INTERNAL_READERS_H_
