#pragma once

// The HTML pages: plain HTML with inline CSS, no external assets, no scripts.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sessionpp/session.h"

namespace sessiond {

// Escapes & < > " ' for HTML text and attribute values.
std::string html_escape(std::string_view text);

// The sign-in form. `error` is shown above it when not empty; `username` pre-fills the field.
std::string login_page(std::string_view node, std::string_view error = {},
                       std::string_view username = {});
// The signed-in home page: user, roles, node, session times, a sign-out button.
std::string home_page(std::string_view node, const sessionpp::Session& session,
                      const std::vector<std::string>& roles);
// A page for "authentication is off" and for errors.
std::string message_page(std::string_view node, std::string_view title, std::string_view text);

// "2026-01-31T12:00:00.000Z"
std::string iso8601(sessionpp::Timestamp t);

}  // namespace sessiond
