#include "eventlog/internal/libxml.h"

#include <libxml/globals.h>
#include <libxml/parser.h>

#include <mutex>

namespace livesop::eventlog::internal {

void InitLibXml() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

namespace {

void IgnoreGeneric(void* /*context*/, const char* /*format*/, ...) {}
void IgnoreStructured(void* /*context*/, XmlErrorArg /*error*/) {}

}  // namespace

QuietLibXml::QuietLibXml()
    : generic_(xmlGenericError),
      generic_context_(xmlGenericErrorContext),
      structured_(xmlStructuredError),
      structured_context_(xmlStructuredErrorContext) {
  xmlSetGenericErrorFunc(nullptr, &IgnoreGeneric);
  xmlSetStructuredErrorFunc(nullptr, &IgnoreStructured);
}

QuietLibXml::~QuietLibXml() {
  xmlSetGenericErrorFunc(generic_context_, generic_);
  xmlSetStructuredErrorFunc(structured_context_, structured_);
}

}  // namespace livesop::eventlog::internal
