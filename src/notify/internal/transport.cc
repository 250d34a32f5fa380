#include "notify/internal/transport.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <ctime>
#include <memory>
#include <mutex>

#include "notify/webhook.h"

namespace livesop::notify::internal {
namespace {

// curl_global_init is not thread-safe before libcurl 7.84; calling it once
// keeps that question away.
void InitCurl() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

Slist Append(Slist list, const std::string& line) {
  curl_slist* grown = curl_slist_append(list.get(), line.c_str());
  if (grown != nullptr) {
    (void)list.release();
    list.reset(grown);
  }
  return list;
}

size_t KeepAnswer(char* data, size_t size, size_t count, void* out) {
  auto* answer = static_cast<std::string*>(out);
  // The start of an answer is enough to say what went wrong.
  if (answer->size() < 512) answer->append(data, size * count);
  return size * count;
}

struct Reader {
  const std::string* text;
  size_t at = 0;
};

size_t ReadMessage(char* buffer, size_t size, size_t count, void* in) {
  auto* reader = static_cast<Reader*>(in);
  const size_t n = std::min(size * count, reader->text->size() - reader->at);
  std::copy_n(reader->text->data() + reader->at, n, buffer);
  reader->at += n;
  return n;
}

std::string Printable(std::string text) {
  for (char& c : text) {
    if (c == '\r' || c == '\n' || c == '\t') c = ' ';
  }
  while (!text.empty() && text.back() == ' ') text.pop_back();
  return text;
}

Status CurlFailure(CURLcode code, const char* detail, const std::string& what) {
  std::string message = what + ": " + curl_easy_strerror(code);
  if (detail[0] != '\0') message += " (" + Printable(detail) + ")";
  if (code == CURLE_OPERATION_TIMEDOUT)
    return Status(StatusCode::kDeadlineExceeded, message);
  return UnavailableError(message);
}

bool IsAsciiPrintable(const std::string& text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// The length of the UTF-8 sequence starting with `lead` (1 for a stray
// byte, so nothing loops).
size_t SequenceLength(unsigned char lead) {
  if (lead >= 0xf0) return 4;
  if (lead >= 0xe0) return 3;
  if (lead >= 0xc0) return 2;
  return 1;
}

std::string RfcDate(int64_t micros) {
  const std::time_t seconds = static_cast<std::time_t>(micros / 1000000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed",
                                          "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr",
                                            "May", "Jun", "Jul", "Aug",
                                            "Sep", "Oct", "Nov", "Dec"};
  char text[64];
  std::snprintf(text, sizeof(text), "%s, %02d %s %04d %02d:%02d:%02d +0000",
                kDays[tm.tm_wday], tm.tm_mday, kMonths[tm.tm_mon],
                tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return text;
}

}  // namespace

std::string RedactUrl(const std::string& url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const size_t start = scheme + 3;
  const size_t at = url.find('@', start);
  const size_t slash = url.find('/', start);
  if (at == std::string::npos || (slash != std::string::npos && slash < at)) {
    return url;
  }
  const size_t colon = url.find(':', start);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

Status CheckEmailAddress(const std::string& address) {
  const size_t at = address.find('@');
  bool ok = at != std::string::npos && at > 0 && at + 1 < address.size() &&
            address.find('@', at + 1) == std::string::npos;
  for (unsigned char c : address) {
    if (c <= 0x20 || c == 0x7f || c == '<' || c == '>' || c == ',' ||
        c == '"') {
      ok = false;
    }
  }
  if (ok) return OkStatus();
  return InvalidArgumentError("\"" + address +
                              "\" is not an email address; give one such as "
                              "ana@example.com");
}

std::string EncodeHeaderText(const std::string& text) {
  std::string printable = Printable(text);
  if (IsAsciiPrintable(printable)) return printable;
  // 45 bytes make 60 base64 characters: with "=?UTF-8?B?" and "?=" a word
  // stays within the 75 RFC 2047 allows.
  constexpr size_t kChunk = 45;
  std::string out;
  size_t at = 0;
  while (at < printable.size()) {
    size_t end = at;
    while (end < printable.size()) {
      const size_t n =
          SequenceLength(static_cast<unsigned char>(printable[end]));
      if (end + n - at > kChunk) break;
      end += n;
    }
    if (end == at) end = std::min(printable.size(), at + kChunk);
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64Encode(printable.substr(at, end - at)) + "?=";
    at = end;
  }
  return out;
}

std::string FormatMessage(const MailMessage& message) {
  std::string out;
  out += "Date: " + RfcDate(message.date_us) + "\r\n";
  out += "From: " + Printable(message.from) + "\r\n";
  out += "To: " + Printable(message.to) + "\r\n";
  out += "Subject: " + EncodeHeaderText(message.subject) + "\r\n";
  out += "Message-ID: <" + Printable(message.message_id) + ">\r\n";
  out += "MIME-Version: 1.0\r\n";
  out += "Content-Type: text/plain; charset=utf-8\r\n";
  out += "Content-Transfer-Encoding: base64\r\n";
  out += "Auto-Submitted: auto-generated\r\n";
  out += "\r\n";
  // 57 bytes make one 76-character base64 line.
  for (size_t at = 0; at < message.body.size(); at += 57) {
    out += Base64Encode(message.body.substr(at, 57)) + "\r\n";
  }
  return out;
}

Status PostJson(const std::string& url, const std::vector<std::string>& headers,
                const std::string& body, const Timeouts& timeouts) {
  InitCurl();
  CurlHandle curl(curl_easy_init());
  if (!curl) return InternalError("libcurl could not start a transfer");
  Slist list;
  list = Append(std::move(list), "Content-Type: application/json");
  list = Append(std::move(list), "User-Agent: livesop");
  for (const std::string& header : headers) {
    list = Append(std::move(list), header);
  }
  char error[CURL_ERROR_SIZE] = {0};
  std::string answer;
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list.get());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                   static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(timeouts.connect_ms));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeouts.total_ms));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &KeepAnswer);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
  const CURLcode code = curl_easy_perform(c);
  if (code != CURLE_OK) return CurlFailure(code, error, "POST " + url);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300) return OkStatus();
  std::string message = "POST " + url + ": HTTP " + std::to_string(status);
  answer = Printable(answer.substr(0, 200));
  if (!answer.empty()) message += ": " + answer;
  return UnavailableError(message);
}

Status SendMail(const std::string& smtp_url, const MailMessage& message,
                const Timeouts& timeouts) {
  const std::string shown = RedactUrl(smtp_url);
  if (!smtp_url.starts_with("smtp://") && !smtp_url.starts_with("smtps://")) {
    return InvalidArgumentError("the SMTP URL \"" + shown +
                                "\" must start with smtp:// or smtps://");
  }
  LIVESOP_RETURN_IF_ERROR(CheckEmailAddress(message.to));
  LIVESOP_RETURN_IF_ERROR(CheckEmailAddress(message.from));
  InitCurl();
  CurlHandle curl(curl_easy_init());
  if (!curl) return InternalError("libcurl could not start a transfer");
  const std::string text = FormatMessage(message);
  Reader reader{&text};
  Slist recipients = Append(Slist(), "<" + message.to + ">");
  char error[CURL_ERROR_SIZE] = {0};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, smtp_url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, ("<" + message.from + ">").c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(c, CURLOPT_READFUNCTION, &ReadMessage);
  curl_easy_setopt(c, CURLOPT_READDATA, &reader);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(timeouts.connect_ms));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(timeouts.total_ms));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  const CURLcode code = curl_easy_perform(c);
  if (code == CURLE_OK) return OkStatus();
  long reply = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
  Status failed = CurlFailure(code, error, "SMTP " + shown);
  if (reply == 0) return failed;
  return Status(failed.code(), failed.message() + " [server replied " +
                                   std::to_string(reply) + "]");
}

}  // namespace livesop::notify::internal
