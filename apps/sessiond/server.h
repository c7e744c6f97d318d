#pragma once

// Runs sessiond's HTTP server until SIGTERM/SIGINT, then lets in-flight requests finish (up to
// server.shutdown_timeout) and returns.

#include <string>

#include "app.h"

namespace sessiond {

// Binds `app.config.server.listen`, sets app.node_name (default: the bound HOST:PORT), prints
// the address, writes the port to app.config.server.port_file when set, and serves.
// Returns the process exit code: 0 after a clean shutdown, 1 when it cannot listen.
int run_server(App& app);

}  // namespace sessiond
