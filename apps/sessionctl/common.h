#pragma once

// What the config and sessions commands share: the --config option, loading sessiond's file
// with sessiond's own parser, and the exit code for a store error.

#include <optional>
#include <string>
#include <vector>

#include "config.h"
#include "sessionpp/result.h"

namespace sessionctl {

// Takes `--config FILE` out of `args`; else $SESSIOND_CONFIG; else /etc/sessiond/sessiond.toml.
std::string take_config_path(std::vector<std::string>& args);

// Takes `--NAME VALUE` out of `args`. nullopt when absent; exits 2 when the value is missing.
std::optional<std::string> take_option(std::vector<std::string>& args, const std::string& name);

// Loads and validates the file; prints the error and returns nullopt when it is invalid.
std::optional<sessiond::Config> load(const std::string& path);

// Prints "sessionctl: <what>: <error>" and returns the exit code for it: 3 when the store is
// unreachable (or timed out), 2 otherwise.
int store_failure(const std::string& what, const sessionpp::Error& error);

}  // namespace sessionctl
