#include "core/diagnostic.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <tuple>

namespace livesop {

const char* SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kNote:
      return "note";
  }
  return "error";
}

std::string FormatDiagnostic(const Diagnostic& d) {
  std::string out = d.location.file.empty() ? "<input>" : d.location.file;
  if (d.location.line > 0) {
    out += ":" + std::to_string(d.location.line);
    if (d.location.column > 0) out += ":" + std::to_string(d.location.column);
  }
  out += ": ";
  out += SeverityName(d.severity);
  out += "[" + d.code + "]: " + d.message;
  if (!d.hint.empty()) out += "\n  hint: " + d.hint;
  return out;
}

void DiagnosticList::Error(SourceLocation where, std::string code,
                           std::string message, std::string hint,
                           std::string path) {
  items_.push_back(Diagnostic{std::move(where), Severity::kError,
                              std::move(code), std::move(message),
                              std::move(hint), std::move(path)});
}

void DiagnosticList::Warning(SourceLocation where, std::string code,
                             std::string message, std::string hint,
                             std::string path) {
  items_.push_back(Diagnostic{std::move(where), Severity::kWarning,
                              std::move(code), std::move(message),
                              std::move(hint), std::move(path)});
}

void DiagnosticList::Append(const DiagnosticList& other) {
  items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

const Diagnostic* DiagnosticList::FirstError() const {
  for (const Diagnostic& d : items_) {
    if (d.severity == Severity::kError) return &d;
  }
  return nullptr;
}

int DiagnosticList::error_count() const {
  return static_cast<int>(std::count_if(
      items_.begin(), items_.end(),
      [](const Diagnostic& d) { return d.severity == Severity::kError; }));
}

int DiagnosticList::warning_count() const {
  return static_cast<int>(std::count_if(
      items_.begin(), items_.end(),
      [](const Diagnostic& d) { return d.severity == Severity::kWarning; }));
}

void DiagnosticList::SortAndDedupe() {
  auto key = [](const Diagnostic& d) {
    return std::tie(d.location.file, d.location.line, d.location.column, d.code,
                    d.message);
  };
  std::stable_sort(items_.begin(), items_.end(),
                   [&](const Diagnostic& a, const Diagnostic& b) {
                     return key(a) < key(b);
                   });
  items_.erase(std::unique(items_.begin(), items_.end(),
                           [&](const Diagnostic& a, const Diagnostic& b) {
                             return key(a) == key(b);
                           }),
               items_.end());
}

nlohmann::json DiagnosticsToJson(const DiagnosticList& list) {
  nlohmann::json items = nlohmann::json::array();
  for (const Diagnostic& d : list.items()) {
    items.push_back({{"file", d.location.file},
                     {"line", d.location.line},
                     {"column", d.location.column},
                     {"severity", SeverityName(d.severity)},
                     {"code", d.code},
                     {"message", d.message},
                     {"hint", d.hint},
                     {"path", d.path}});
  }
  return {
      {"diagnostics", items},
      {"summary",
       {{"errors", list.error_count()}, {"warnings", list.warning_count()}}}};
}

}  // namespace livesop
