#include "config_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <toml++/toml.h>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace sessiond {
namespace {

using sessionpp::Errc;
using sessionpp::make_error;

std::vector<std::string> split_key(std::string_view key) {
  std::vector<std::string> parts;
  while (true) {
    const std::size_t dot = key.find('.');
    parts.emplace_back(key.substr(0, dot));
    if (dot == std::string_view::npos) break;
    key.remove_prefix(dot + 1);
  }
  return parts;
}

// The table at parts[0..n-1], created when missing; nullptr when a part is not a table.
toml::table* table_at(toml::table& root, const std::vector<std::string>& parts, std::size_t n,
                      bool create) {
  toml::table* t = &root;
  for (std::size_t i = 0; i < n; ++i) {
    toml::node* next = t->get(parts[i]);
    if (next == nullptr) {
      if (!create) return nullptr;
      next = &t->insert_or_assign(parts[i], toml::table{}).first->second;
    }
    t = next->as_table();
    if (t == nullptr) return nullptr;
  }
  return t;
}

std::string sys_error(std::string_view what, const std::string& path) {
  return std::string(what) + " '" + path + "': " + std::strerror(errno);
}

}  // namespace

sessionpp::Result<std::string> apply_edit(std::string_view original, std::string_view source,
                                          const ConfigEdit& edit) {
  toml::table root;
  try {
    root = toml::parse(original, source);
  } catch (const toml::parse_error& e) {
    std::ostringstream m;
    m << source << ":" << e.source().begin.line << ":" << e.source().begin.column
      << ": invalid TOML: " << e.description();
    return make_error(Errc::kInvalidArgument, m.str());
  }
  for (const std::string& key : edit.erase) {
    const auto parts = split_key(key);
    if (toml::table* t = table_at(root, parts, parts.size() - 1, false)) t->erase(parts.back());
  }
  for (const auto& [key, value] : edit.set) {
    const auto parts = split_key(key);
    toml::table* t = table_at(root, parts, parts.size() - 1, true);
    if (t == nullptr) {
      return make_error(Errc::kInvalidArgument,
                        std::string(source) + ": " + key + ": a parent key is not a table");
    }
    std::visit([&](const auto& v) { t->insert_or_assign(parts.back(), v); }, value);
  }
  for (const auto& [key, list] : edit.set_lists) {
    const auto parts = split_key(key);
    toml::table* t = table_at(root, parts, parts.size() - 1, true);
    if (t == nullptr) {
      return make_error(Errc::kInvalidArgument,
                        std::string(source) + ": " + key + ": a parent key is not a table");
    }
    toml::array a;
    for (const std::string& e : list) a.push_back(e);
    t->insert_or_assign(parts.back(), std::move(a));
  }
  std::ostringstream out;
  out << toml::toml_formatter(
             root, toml::toml_formatter::default_flags & ~toml::format_flags::indentation)
      << "\n";
  return out.str();
}

namespace {

constexpr std::string_view kMask = "********";

std::string mask_url(std::string url) {
  const std::size_t scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const std::size_t start = scheme + 3;
  const std::size_t at = url.find('@', start);
  const std::size_t slash = url.find('/', start);
  if (at == std::string::npos || (slash != std::string::npos && slash < at)) return url;
  const std::size_t colon = url.find(':', start);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + std::string(kMask) + url.substr(at);
}

void mask_table(toml::table& t) {
  for (auto&& [k, v] : t) {
    const std::string_view key = k.str();
    if (toml::table* sub = v.as_table()) {
      mask_table(*sub);
    } else if (toml::array* arr = v.as_array()) {
      for (auto& e : *arr) {
        if (toml::table* et = e.as_table()) mask_table(*et);
      }
    } else if (v.is_string() && (key == "password" || key.ends_with("_password"))) {
      v.as_string()->get() = std::string(kMask);
    } else if (v.is_string() && (key == "url" || key == "uri")) {
      v.as_string()->get() = mask_url(v.as_string()->get());
    }
  }
}

}  // namespace

sessionpp::Result<std::string> masked_config(std::string_view text, std::string_view source) {
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    std::ostringstream m;
    m << source << ":" << e.source().begin.line << ":" << e.source().begin.column
      << ": invalid TOML: " << e.description();
    return make_error(Errc::kInvalidArgument, m.str());
  }
  mask_table(root);
  std::ostringstream out;
  out << toml::toml_formatter(
             root, toml::toml_formatter::default_flags & ~toml::format_flags::indentation)
      << "\n";
  return out.str();
}

sessionpp::Result<std::string> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(Errc::kInvalidArgument, path + ": cannot read the file");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

sessionpp::Result<void> write_file_atomically(const std::string& path, std::string_view text) {
  const std::size_t slash = path.rfind('/');
  const std::string folder = slash == std::string::npos ? "." : path.substr(0, slash + 1);
  mode_t mode = 0600;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) mode = st.st_mode & 07777;
  std::string tmp = path + ".tmp-XXXXXX";
  const int fd = ::mkstemp(tmp.data());
  if (fd < 0)
    return make_error(Errc::kUnavailable, sys_error("cannot create a file next to", path));
  auto fail = [&](std::string_view what) {
    auto e = make_error(Errc::kUnavailable, sys_error(what, tmp));
    ::close(fd);
    ::unlink(tmp.c_str());
    return e;
  };
  if (::fchmod(fd, mode) != 0) return fail("cannot set the mode of");
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("cannot write");
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("cannot fsync");
  if (::close(fd) != 0) {
    ::unlink(tmp.c_str());
    return make_error(Errc::kUnavailable, sys_error("cannot close", tmp));
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    auto e = make_error(Errc::kUnavailable, sys_error("cannot rename the new file to", path));
    ::unlink(tmp.c_str());
    return e;
  }
  const int dir = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
  if (dir >= 0) {
    ::fsync(dir);
    ::close(dir);
  }
  return {};
}

}  // namespace sessiond
