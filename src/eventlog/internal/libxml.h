// What the XES reader and writer share about libxml2.
#ifndef LIVESOP_EVENTLOG_INTERNAL_LIBXML_H_
#define LIVESOP_EVENTLOG_INTERNAL_LIBXML_H_

#include <libxml/xmlerror.h>
#include <libxml/xmlversion.h>

namespace livesop::eventlog::internal {

// The error parameter of a structured error handler gained `const` in
// libxml2 2.12; Debian 12 has 2.9.
#if LIBXML_VERSION >= 21200
using XmlErrorArg = const xmlError*;
#else
using XmlErrorArg = xmlError*;
#endif

// Initialises libxml2's global state once per process. Safe to call from
// any thread, any number of times; libxml2's own lazy initialisation is not
// safe when two threads start parsing at the same moment.
void InitLibXml();

// While alive, keeps libxml2 from printing errors to stderr on this thread
// (libxml2's error handlers are per thread). The reader collects its errors
// through its own handler, and the writer reports a failed stream as a
// Status; without this, libxml2 would also print "I/O error : write error".
class QuietLibXml {
 public:
  QuietLibXml();
  ~QuietLibXml();
  QuietLibXml(const QuietLibXml&) = delete;
  QuietLibXml& operator=(const QuietLibXml&) = delete;

 private:
  xmlGenericErrorFunc generic_;
  void* generic_context_;
  xmlStructuredErrorFunc structured_;
  void* structured_context_;
};

}  // namespace livesop::eventlog::internal

#endif  // LIVESOP_EVENTLOG_INTERNAL_LIBXML_H_
