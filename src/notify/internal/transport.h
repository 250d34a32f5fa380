// The two ways out, both through libcurl: an HTTP POST for webhooks and
// SMTP for email, with the RFC 5322 message built here. Each call is one
// attempt with its own timeouts; a failure comes back as a Status whose
// message is what the delivery records (never the SMTP password).
#ifndef LIVESOP_NOTIFY_INTERNAL_TRANSPORT_H_
#define LIVESOP_NOTIFY_INTERNAL_TRANSPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace livesop::notify::internal {

struct Timeouts {
  int connect_ms = 5000;
  int total_ms = 10000;
};

// POSTs `body` as application/json with `headers` ("name: value") to the
// http:// or https:// `url`, following no redirect. OK for a 2xx answer;
// Unavailable naming the status (and the start of the answer's body) or
// the connection error otherwise; DeadlineExceeded for a timeout.
Status PostJson(const std::string& url, const std::vector<std::string>& headers,
                const std::string& body, const Timeouts& timeouts);

// One email as RFC 5322 text: Date, From, To, Subject (RFC 2047 encoded
// words when not ASCII), Message-ID, MIME-Version, a text/plain UTF-8 body
// in base64. CR and LF in the header values become spaces.
struct MailMessage {
  std::string from;
  std::string to;
  std::string subject;
  std::string body;
  std::string message_id;  // without the angle brackets
  int64_t date_us = 0;
};
std::string FormatMessage(const MailMessage& message);

// `text` as a header value: itself when printable ASCII, else RFC 2047
// "=?UTF-8?B?...?=" words of at most 75 characters, folded onto
// continuation lines, never splitting a UTF-8 character.
std::string EncodeHeaderText(const std::string& text);

// Sends `message` to `message.to` through the SMTP server of `smtp_url`
// (smtp://HOST[:PORT], smtps://…, optional USER:PASSWORD@; STARTTLS is
// used when the server offers it). Unavailable with the server's answer
// (a refused recipient: "550 …") or the connection error.
Status SendMail(const std::string& smtp_url, const MailMessage& message,
                const Timeouts& timeouts);

// `url` with any password replaced by "***", for messages.
std::string RedactUrl(const std::string& url);

// OK when `address` looks like an email address (one @, something on both
// sides, no spaces, angle brackets or control characters).
Status CheckEmailAddress(const std::string& address);

}  // namespace livesop::notify::internal

#endif  // LIVESOP_NOTIFY_INTERNAL_TRANSPORT_H_
