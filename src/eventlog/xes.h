// XES (IEEE 1849-2016) event logs, read and written as streams: a reader
// hands over one trace at a time and a writer emits one event at a time, so
// neither ever holds more than one trace of a log in memory.
//
// What is read: the log's attributes, extensions, globals and classifiers,
// then every trace with its attributes and events, in file order. Every
// attribute is kept whole (event.h, Attribute): the six single-valued types
// (string, date, int, float, boolean, id) with their nested meta-attributes
// to any depth, `<list>` attributes with their elements (inside `<values>`,
// as IEEE 1849-2016 writes them, or directly inside `<list>`, as older
// files do) and `<container>` attributes with what they contain. Unknown
// elements are skipped with their content; events directly under `<log>`
// (outside any trace) are skipped, as they belong to no case.
#ifndef LIVESOP_EVENTLOG_XES_H_
#define LIVESOP_EVENTLOG_XES_H_

#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "core/status.h"
#include "eventlog/event.h"

namespace livesop::eventlog {

// Receives what ReadXes reads. A non-OK status from any method stops the read
// and becomes ReadXes's result.
class XesVisitor {
 public:
  virtual ~XesVisitor() = default;

  // Called once, before the first trace (at the end for a log without
  // traces). Log-level elements that come after the first trace, which
  // IEEE 1849 does not allow but some tools write, are skipped.
  virtual Status OnLog(const LogHeader& header);

  // Called for each trace, in file order, with all its events. `trace` is
  // valid only during the call.
  virtual Status OnTrace(const Trace& trace) = 0;
};

// Reads the XES file at `path`, plain or gzip-compressed (recognised by its
// content, so `.xes.gz` works whatever the name), calling `visitor` as it
// goes. Every date, nested ones included, is normalised to FormatTimestamp
// text (core/time.h). The read streams: memory holds the largest trace, and
// the Trace handed to OnTrace is reused for the next one.
//
// Returns OK when the whole file was read. Errors:
// - NotFound when `path` does not exist, Unavailable when it cannot be
//   opened or read; InvalidArgument for a directory.
// - InvalidArgument "PATH:LINE: what is wrong" for a file that is not
//   well-formed XML (libxml2's message: truncated, not XML, bad encoding),
//   whose root is not `<log>`, with an attribute element lacking its key or
//   (single-valued ones) its value, with a `<date>` that does not parse (the
//   message then names the key and the text), with elements nested more
//   than 256 levels deep, or that refers to an entity other than the five
//   XML predefines. LINE is the line of the offending element (for a start
//   tag spread over several lines, the line of its closing '>').
// - InvalidArgument for corrupt gzip data.
// - Whatever a visitor method returned, unchanged.
// Entities are never expanded, nothing is loaded from outside the file and
// no network is used, so a hostile file can only fail to read.
Status ReadXes(const std::string& path, XesVisitor& visitor);

// Writes an XES log to a stream, event by event, in constant memory:
//
//   XesWriter writer(out);
//   LIVESOP_RETURN_IF_ERROR(writer.Begin(header));
//   for (each case) {
//     LIVESOP_RETURN_IF_ERROR(writer.BeginTrace(trace_attributes));
//     for (each event) LIVESOP_RETURN_IF_ERROR(writer.WriteEvent(event));
//     LIVESOP_RETURN_IF_ERROR(writer.EndTrace());
//   }
//   LIVESOP_RETURN_IF_ERROR(writer.Finish());
//
// The output is UTF-8 XML with `<log xes.version="1849-2016"
// xes.features="">`, indented by two spaces, that ReadXes reads back to the
// same attributes. Children are written nested in their attribute's
// element, a list's inside `<values>`; a list or container gets a `value`
// only when its value is not empty.
//
// The caller owns the stream and the file behind it: the writer neither
// opens, syncs nor renames anything. Write to a temporary file and rename it
// into place after Finish succeeds, so a failed export never leaves a
// half-written log under the real name.
//
// Errors: FailedPrecondition when a method is called out of order;
// InvalidArgument, naming the key, for a key or value XML cannot hold
// (invalid UTF-8, control characters other than tab, line feed and carriage
// return), a kDate value ParseTimestamp rejects, or attributes nested more
// than 256 levels deep, in which case nothing of that call is written and
// the writer stays usable; Unavailable when the stream
// fails. After FailedPrecondition or Unavailable every later call returns
// the same error.
//
// Thread safety: one thread at a time.
class XesWriter {
 public:
  // `out` must outlive the writer.
  explicit XesWriter(std::ostream& out);
  ~XesWriter();
  XesWriter(const XesWriter&) = delete;
  XesWriter& operator=(const XesWriter&) = delete;

  // Writes the XML declaration, the opening `<log>`, the extensions, the
  // globals, the classifiers and the log attributes. The extensions are
  // StandardExtensions() followed by those of `header.extensions` whose
  // prefix is not a standard one: declare livesop's own keys with
  // {"livesop", "livesop", URI}. A header read from a file that declares
  // the standard extensions under older URIs is thus written with the
  // IEEE 1849-2016 ones. Must be called once, first.
  Status Begin(const LogHeader& header);

  // Opens a trace with `attributes` (conventionally `concept:name`, the case
  // id). Not while a trace is open.
  Status BeginTrace(const std::vector<Attribute>& attributes);

  // Writes one event of the open trace.
  Status WriteEvent(const Event& event);

  // Closes the open trace.
  Status EndTrace();

  // BeginTrace, WriteEvent for each event, EndTrace. When an event is
  // rejected the trace is left open, with the events before it written.
  Status WriteTrace(const Trace& trace);

  // Closes the log and flushes everything to the stream. No trace may be
  // open. After it succeeds the stream holds a complete document; no
  // further calls are allowed.
  Status Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace livesop::eventlog

#endif  // LIVESOP_EVENTLOG_XES_H_
