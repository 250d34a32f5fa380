// The fast path of ReadLog for XES: the traces are cut into chunks of
// whole traces, each chunk is parsed by pugixml on one of several threads,
// and the chunks are handed over in file order: as records to a visitor
// (ReadXesParallel), or as columns built on the parsing thread to the log
// builder (ReadLogParallel).
//
// It reads only what it can read exactly as ReadXes does: a UTF-8 log whose
// traces hold elements and XML attributes with plain names, and nothing
// else (no comments, CDATA, processing instructions, text or namespace
// declarations among the traces, no DTD). For anything else, and for every
// file that ReadXes would reject, it gives up, so that the caller reads the
// file again with ReadXes, which then gives the exact result or the exact
// error (file and line).
#ifndef LIVESOP_EVENTLOG_INTERNAL_PARALLEL_XES_H_
#define LIVESOP_EVENTLOG_INTERNAL_PARALLEL_XES_H_

#include <cstddef>

#include "core/status.h"
#include "eventlog/internal/input_file.h"
#include "eventlog/log.h"
#include "eventlog/xes.h"

namespace livesop::eventlog::internal {

struct ParallelXesOptions {
  // Threads that parse, the calling thread included; 0 means one per core.
  // With 1 the calling thread does everything, still by the fast path.
  int threads = 0;
  // Chunks of traces are cut at the first trace boundary after this many
  // bytes. Smaller chunks spread a small file over the threads; larger
  // ones cost less coordination.
  size_t chunk_bytes = size_t{256} << 10;
};

// Reads the XES document `input` as ReadXesFrom does, calling `visitor`
// with the same records in the same order (OnLog once, before the first
// trace, then OnTrace for each trace), from the calling thread only.
//
// Returns true when the whole log was read. Returns false when the fast
// path cannot vouch for the result: the document has something it does not
// handle (see above), is not well-formed, would make ReadXes fail, or
// cannot be read (I/O or gzip errors). The visitor may then have been given
// part of the log; the caller discards what it built and reads the file
// again with ReadXesFrom. An error a visitor method returns ends the read
// and is returned unchanged.
//
// Memory: a few chunks (read ahead by the threads) and their records, never
// the whole file.
Result<bool> ReadXesParallel(ByteSource& input, XesVisitor& visitor,
                             const ParallelXesOptions& options = {});

// Reads the XES document `input` into `builder`, giving the log that
// ReadXesFrom with a visitor calling SetHeader and AddTrace would give. Each
// chunk's traces are built into a LogPart (log_part.h) on the thread that
// parsed it and merged by LogBuilder::AddPart in file order; a part that
// cannot be merged exactly is read into records again, from the same
// parsed chunk, and added with AddTrace.
//
// Returns true when the whole log was read. Returns false as
// ReadXesParallel does, `builder` then holding part of the log: the caller
// discards it and reads the file again with ReadXesFrom.
//
// Memory: a few chunks, parsed, and their parts, besides the log.
bool ReadLogParallel(ByteSource& input, LogBuilder& builder,
                     const ParallelXesOptions& options = {});

}  // namespace livesop::eventlog::internal

#endif  // LIVESOP_EVENTLOG_INTERNAL_PARALLEL_XES_H_
