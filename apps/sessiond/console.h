#pragma once

// /console/: the admin console's page and its script and style sheet, built into the binary
// from web/console/ (a build step turns the files into console_assets.cc).

#include <string_view>

#include "app.h"
#include "routes.h"
#include "sessionpp/http/exchange.h"

namespace sessiond {

struct ConsoleAsset {
  std::string_view name;          // "index.html", "console.js", "console.css"
  std::string_view content_type;  // from the extension
  std::string_view body;
};

// The files of web/console/, as built in. Defined in the generated console_assets.cc.
const ConsoleAsset* find_console_asset(std::string_view name);

// GET /console/ (the page: 401 anonymous, 403 without the admin role) and /console/NAME (the
// script and style sheet).
Response console_response(App& app, LiveStore& live, const sessionpp::http::Request& request,
                          std::string_view path, std::string_view method);

}  // namespace sessiond
