#include "pages.h"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace sessiond {
namespace {

constexpr std::string_view kStyle =
    "body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;"
    "color:#222}h1{font-size:1.4rem}label{display:block;margin:.6rem 0 .2rem}"
    "input[type=text],input[type=password]{width:100%;padding:.4rem;box-sizing:border-box}"
    "button{margin-top:1rem;padding:.4rem 1rem}.error{color:#a00}table{border-collapse:collapse}"
    "td{padding:.2rem .8rem .2rem 0}footer{margin-top:2rem;color:#777;font-size:.85rem}";

std::string layout(std::string_view node, std::string_view title, const std::string& body) {
  std::string out =
      "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>";
  out += html_escape(title);
  out += " - sessiond</title><style>";
  out += kStyle;
  out += "</style></head><body>\n";
  out += body;
  out += "<footer>sessiond on node <code>" + html_escape(node) + "</code></footer>\n";
  out += "</body></html>\n";
  return out;
}

}  // namespace

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string iso8601(sessionpp::Timestamp t) {
  const std::int64_t ms = sessionpp::to_epoch_ms(t);
  const std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

std::string login_page(std::string_view node, std::string_view error, std::string_view username) {
  std::string body = "<h1>Sign in</h1>\n";
  if (!error.empty()) body += "<p class=\"error\" role=\"alert\">" + html_escape(error) + "</p>\n";
  body +=
      "<form method=\"post\" action=\"/login\">\n"
      "<label for=\"username\">Username</label>"
      "<input type=\"text\" id=\"username\" name=\"username\" autocomplete=\"username\" "
      "required value=\"" +
      html_escape(username) +
      "\">\n"
      "<label for=\"password\">Password</label>"
      "<input type=\"password\" id=\"password\" name=\"password\" "
      "autocomplete=\"current-password\" required>\n"
      "<label><input type=\"checkbox\" name=\"remember_me\" value=\"1\"> Remember me</label>\n"
      "<button type=\"submit\">Sign in</button>\n</form>\n";
  return layout(node, "Sign in", body);
}

std::string home_page(std::string_view node, const sessionpp::Session& s,
                      const std::vector<std::string>& roles) {
  std::string role_text;
  for (const auto& r : roles) role_text += (role_text.empty() ? "" : ", ") + r;
  const auto expires = s.expires_at();
  std::string body = "<h1>Signed in as " + html_escape(s.principal()) + "</h1>\n<table>\n";
  body += "<tr><td>Roles</td><td>" + html_escape(role_text) + "</td></tr>\n";
  body += "<tr><td>Node</td><td><code>" + html_escape(node) + "</code></td></tr>\n";
  body += "<tr><td>Session</td><td><code>" + s.handle().substr(0, 12) + "</code></td></tr>\n";
  body += "<tr><td>Created</td><td>" + iso8601(s.created()) + "</td></tr>\n";
  body += "<tr><td>Last access</td><td>" + iso8601(s.last_accessed()) + "</td></tr>\n";
  body += "<tr><td>Expires</td><td>" + (expires ? iso8601(*expires) : std::string("never")) +
          "</td></tr>\n</table>\n";
  body +=
      "<form method=\"post\" action=\"/logout\"><button type=\"submit\">Sign out</button>"
      "</form>\n";
  return layout(node, "Signed in", body);
}

std::string message_page(std::string_view node, std::string_view title, std::string_view text) {
  return layout(node, title,
                "<h1>" + html_escape(title) + "</h1>\n<p>" + html_escape(text) + "</p>\n");
}

}  // namespace sessiond
