// Diagnostics: the data a checker returns about its input (a bad SOP file, a
// malformed import line). They are expected outcomes, not errors, so they are
// values collected in a DiagnosticList rather than a Status.
#ifndef LIVESOP_CORE_DIAGNOSTIC_H_
#define LIVESOP_CORE_DIAGNOSTIC_H_

#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace livesop {

enum class Severity { kError, kWarning, kNote };

// "error", "warning" or "note".
const char* SeverityName(Severity severity);

// A place in an input file. Lines and columns count from 1; 0 means unknown.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;

  friend bool operator==(const SourceLocation&,
                         const SourceLocation&) = default;
};

// One finding about an input: where, how bad, a stable machine-readable code
// (kebab-case, documented with the format), a message for a person, and an
// optional hint that says what to do about it.
struct Diagnostic {
  SourceLocation location;
  Severity severity = Severity::kError;
  std::string code;
  std::string message;
  std::string hint;
  // Where in the document it is, as a dotted path
  // ("processes[0].steps[2].sla"); empty when the finding is about the file
  // itself.
  std::string path;
};

// Formats `d` as `file:line:col: error[code]: message`, with the hint on a
// following line indented by two spaces.
std::string FormatDiagnostic(const Diagnostic& d);

// An ordered collection of diagnostics with counts. Not thread-safe.
class DiagnosticList {
 public:
  void Add(Diagnostic d) { items_.push_back(std::move(d)); }
  void Error(SourceLocation where, std::string code, std::string message,
             std::string hint = {}, std::string path = {});
  void Warning(SourceLocation where, std::string code, std::string message,
               std::string hint = {}, std::string path = {});
  void Append(const DiagnosticList& other);

  const std::vector<Diagnostic>& items() const { return items_; }
  int error_count() const;
  int warning_count() const;
  bool has_errors() const { return error_count() > 0; }
  // The first error in order, or nullptr when there is none.
  const Diagnostic* FirstError() const;
  bool empty() const { return items_.empty(); }

  // Orders by file, line, column, then code, keeping the relative order of
  // equal entries; removes exact duplicates.
  void SortAndDedupe();

 private:
  std::vector<Diagnostic> items_;
};

// The JSON form used by `--json` outputs: an object with "diagnostics" (each
// with file, line, column, severity, code, message, hint, path) and "summary"
// ({"errors": N, "warnings": N}).
nlohmann::json DiagnosticsToJson(const DiagnosticList& list);

}  // namespace livesop

#endif  // LIVESOP_CORE_DIAGNOSTIC_H_
