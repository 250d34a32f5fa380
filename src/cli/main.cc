// The livesop program: parses the command line, calls a module facade, and
// formats the result. No business rule lives here.
//
// Exit codes (also in docs/cli.md):
//   0  success (for `check`: valid, warnings allowed)
//   1  the input is invalid (diagnostics printed)
//   2  usage error, or a file could not be read or written
//   3  the store could not be opened or changed
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <system_error>

#include "cli/asset_commands.h"
#include "cli/audit_commands.h"
#include "cli/calendar_commands.h"
#include "cli/connect_commands.h"
#include "cli/doc_commands.h"
#include "cli/example_files.h"
#include "cli/exit_codes.h"
#include "cli/mine_commands.h"
#include "cli/notify_commands.h"
#include "cli/report_commands.h"
#include "cli/results_commands.h"
#include "cli/serve_command.h"
#include "cli/sop_commands.h"
#include "cli/store_commands.h"
#include "cli/workflow_commands.h"
#include "core/diagnostic.h"
#include "sop/render.h"
#include "sop/validate.h"

namespace {

namespace fs = std::filesystem;
using livesop::DiagnosticList;

using livesop::cli::kExitInvalid;
using livesop::cli::kExitOk;
using livesop::cli::kExitUsage;

void PrintDiagnostics(const DiagnosticList& list, std::ostream& out) {
  for (const livesop::Diagnostic& d : list.items()) {
    out << livesop::FormatDiagnostic(d) << "\n";
  }
}

std::string Plural(int n, const std::string& word) {
  if (n == 1) return "1 " + word;
  return std::to_string(n) + " " + word + (word.ends_with("s") ? "es" : "s");
}

std::string Summary(const std::string& file,
                    const livesop::sop::LoadResult& r) {
  const auto& def = r.definition;
  std::string text = file + ": ";
  if (r.diagnostics.has_errors()) {
    text += "invalid, " + Plural(r.diagnostics.error_count(), "error");
  } else {
    size_t steps = 0;
    for (const auto& p : def.processes) steps += p.steps.size();
    text += "valid (SOP " + def.sop.id + " version " + def.sop.version + ", " +
            Plural(static_cast<int>(def.processes.size()), "process") + ", " +
            Plural(static_cast<int>(steps), "step") + ")";
  }
  if (r.diagnostics.warning_count() > 0) {
    text += ", " + Plural(r.diagnostics.warning_count(), "warning");
  }
  return text;
}

// Writes `content` to `path` through a temporary file and a rename, so a
// failure never leaves a half-written file behind.
bool WriteFileAtomically(const fs::path& path, const std::string& content,
                         std::string* error) {
  std::error_code ec;
  if (path.has_parent_path()) fs::create_directories(path.parent_path(), ec);
  if (ec) {
    *error =
        "cannot create " + path.parent_path().string() + ": " + ec.message();
    return false;
  }
  fs::path temp = path;
  temp += ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out) {
      *error = "cannot write " + temp.string();
      fs::remove(temp, ec);
      return false;
    }
  }
  fs::rename(temp, path, ec);
  if (ec) {
    *error = "cannot write " + path.string() + ": " + ec.message();
    fs::remove(temp, ec);
    return false;
  }
  return true;
}

int RunCheck(const std::string& file, bool json) {
  livesop::sop::LoadResult result = livesop::sop::Check(file);
  if (json) {
    nlohmann::json doc = livesop::DiagnosticsToJson(result.diagnostics);
    doc["file"] = file;
    doc["valid"] = !result.diagnostics.has_errors();
    if (!result.io_failure && !result.diagnostics.has_errors()) {
      doc["sop"] = {{"id", result.definition.sop.id},
                    {"version", result.definition.sop.version}};
    }
    std::cout << doc.dump(2) << "\n";
  } else {
    PrintDiagnostics(result.diagnostics, std::cout);
    std::cout << Summary(file, result) << "\n";
  }
  if (result.io_failure) return kExitUsage;
  return result.diagnostics.has_errors() ? kExitInvalid : kExitOk;
}

int RunRender(const std::string& file, std::string format,
              const std::string& output) {
  if (format.empty()) {
    const std::string ext = fs::path(output).extension().string();
    format = (ext == ".html" || ext == ".htm") ? "html" : "md";
  }
  livesop::sop::LoadResult result = livesop::sop::Check(file);
  if (result.diagnostics.has_errors() || result.io_failure) {
    PrintDiagnostics(result.diagnostics, std::cerr);
    std::cerr << Summary(file, result) << "\n"
              << "livesop render: not rendering an invalid SOP; fix the "
                 "errors above first\n";
    return result.io_failure ? kExitUsage : kExitInvalid;
  }
  livesop::sop::RenderOptions options;
  options.format = format == "html" ? livesop::sop::ManualFormat::kHtml
                                    : livesop::sop::ManualFormat::kMarkdown;
  auto manual = livesop::sop::RenderManual(result.definition, options);
  if (!manual.ok()) {
    std::cerr << "livesop render: " << manual.status().message() << "\n";
    return kExitUsage;
  }
  if (output.empty() || output == "-") {
    std::cout << manual->text;
    return kExitOk;
  }
  std::string error;
  const fs::path out_path(output);
  for (const auto& [name, content] : manual->files) {
    if (!WriteFileAtomically(out_path.parent_path() / name, content, &error)) {
      std::cerr << "livesop render: " << error << "\n";
      return kExitUsage;
    }
  }
  if (!WriteFileAtomically(out_path, manual->text, &error)) {
    std::cerr << "livesop render: " << error << "\n";
    return kExitUsage;
  }
  std::cout << "wrote " << output << " (" << format << ", SOP "
            << result.definition.sop.id << " version "
            << result.definition.sop.version;
  if (!manual->files.empty()) {
    std::cout << ", "
              << Plural(static_cast<int>(manual->files.size()), "diagram");
  }
  std::cout << ")\n";
  return kExitOk;
}

int RunInit(const std::string& dir) {
  std::error_code ec;
  const fs::path root(dir);
  if (fs::exists(root, ec) && !fs::is_directory(root, ec)) {
    std::cerr << "livesop init: " << dir << " exists and is not a directory\n";
    return kExitUsage;
  }
  for (const auto& file : livesop::cli::ExampleFiles()) {
    if (fs::exists(root / file.name, ec)) {
      std::cerr << "livesop init: " << (root / file.name).string()
                << " already exists; choose an empty directory\n";
      return kExitUsage;
    }
  }
  std::string error;
  for (const auto& file : livesop::cli::ExampleFiles()) {
    const fs::path folder = (root / file.name).parent_path();
    if (!fs::create_directories(folder, ec) && ec) {
      std::cerr << "livesop init: cannot create " << folder.string() << ": "
                << ec.message() << "\n";
      return kExitUsage;
    }
    if (!WriteFileAtomically(root / file.name, std::string(file.content),
                             &error)) {
      std::cerr << "livesop init: " << error << "\n";
      return kExitUsage;
    }
  }
  std::cout << "created a livesop workspace in " << dir
            << " with the example Marketing Operations SOP ("
            << livesop::cli::ExampleFiles().size() << " files)\n"
            << "next: livesop check " << (root / "sop.yaml").string() << "\n";
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"livesop: a marketing department's SOP as a living system"};
  app.name("livesop");
  app.set_version_flag("--version", std::string("livesop ") + LIVESOP_VERSION);
  app.require_subcommand(1);
  app.footer(
      "Exit codes: 0 success, 1 invalid input, 2 usage or I/O error, 3 the "
      "store failed.\n"
      "Run `livesop COMMAND --help` for a command's options.");

  std::string file;
  bool json = false;
  CLI::App* check = app.add_subcommand(
      "check", "Check an SOP definition and report every problem at once");
  check->add_option("FILE", file, "The SOP's root YAML file")->required();
  check->add_flag("--json", json, "Print the diagnostics as JSON");
  check->footer(
      "Exit codes: 0 valid (warnings allowed), 1 invalid, 2 usage or "
      "I/O error.");

  std::string format;
  std::string output;
  CLI::App* render = app.add_subcommand(
      "render", "Generate the readable manual from an SOP definition");
  render->add_option("FILE", file, "The SOP's root YAML file")->required();
  render
      ->add_option("--format,-f", format,
                   "md or html (default: from the output's extension)")
      ->check(CLI::IsMember({"md", "html"}));
  render->add_option("-o,--output", output,
                     "Output file; Markdown diagrams go to diagrams/ beside "
                     "it (default: standard output)");
  render->footer(
      "Exit codes: 0 written, 1 the SOP is invalid, 2 usage or I/O "
      "error.");

  std::string dir;
  CLI::App* init = app.add_subcommand(
      "init",
      "Create a workspace holding the example Marketing Operations SOP");
  init->add_option("DIR", dir, "Directory to create (must not hold an SOP)")
      ->required();
  init->footer(
      "Exit codes: 0 created, 2 the directory holds files already or "
      "cannot be written.");

  const std::function<int()> run_store_command =
      livesop::cli::AddStoreCommands(app);
  const std::function<int()> run_sop_command =
      livesop::cli::AddSopCommands(app);
  const std::function<int()> run_workflow_command =
      livesop::cli::AddWorkflowCommands(app);
  const std::function<int()> run_mine_command =
      livesop::cli::AddMineCommands(app);
  const std::function<int()> run_notify_command =
      livesop::cli::AddNotifyCommands(app);
  const std::function<int()> run_calendar_command =
      livesop::cli::AddCalendarCommands(app);
  const std::function<int()> run_asset_command =
      livesop::cli::AddAssetCommands(app);
  const std::function<int()> run_serve_command =
      livesop::cli::AddServeCommand(app);
  const std::function<int()> run_doc_command =
      livesop::cli::AddDocCommands(app);
  const std::function<int()> run_results_command =
      livesop::cli::AddResultsCommands(app);
  const std::function<int()> run_report_command =
      livesop::cli::AddReportCommand(app);
  const std::function<int()> run_audit_command =
      livesop::cli::AddAuditCommand(app);
  // After the store and notify commands: it adds to their `import` and
  // `inbox`.
  const std::function<int()> run_connect_command =
      livesop::cli::AddConnectCommands(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }

  try {
    if (check->parsed()) return RunCheck(file, json);
    if (render->parsed()) return RunRender(file, format, output);
    if (init->parsed()) return RunInit(dir);
    if (const int code = run_connect_command(); code >= 0) return code;
    if (const int code = run_store_command(); code >= 0) return code;
    if (const int code = run_sop_command(); code >= 0) return code;
    if (const int code = run_workflow_command(); code >= 0) return code;
    if (const int code = run_mine_command(); code >= 0) return code;
    if (const int code = run_notify_command(); code >= 0) return code;
    if (const int code = run_calendar_command(); code >= 0) return code;
    if (const int code = run_asset_command(); code >= 0) return code;
    if (const int code = run_serve_command(); code >= 0) return code;
    if (const int code = run_doc_command(); code >= 0) return code;
    if (const int code = run_results_command(); code >= 0) return code;
    if (const int code = run_report_command(); code >= 0) return code;
    if (const int code = run_audit_command(); code >= 0) return code;
  } catch (const std::exception& e) {
    std::cerr << "livesop: internal error: " << e.what() << "\n";
    return kExitUsage;
  }
  return kExitUsage;
}
