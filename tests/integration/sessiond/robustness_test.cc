// Hostile and broken input: forged ids, oversized bodies and headers, slow clients.
#include <gtest/gtest.h>

#include <chrono>
#include <random>

#include "integration/sessiond/sessiond_test_util.h"

namespace sessionpp::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// A Set-Cookie in `r` may only ever clear the cookie: never hand out `presented`.
void expect_not_adopted(const HttpResponse& r, const std::string& presented) {
  for (const auto& line : r.all("Set-Cookie")) {
    // The value between '=' and the first ';' is empty: the cookie is only ever cleared.
    EXPECT_TRUE(line.starts_with("SESSION=;"))
        << "unexpected cookie for " << presented << ": " << line;
  }
}

std::string metric(const std::string& text, const std::string& name) {
  const std::size_t at = text.find("\n" + name + " ");
  if (at == std::string::npos) return "";
  const std::size_t start = at + name.size() + 2;
  return text.substr(start, text.find('\n', start) - start);
}

TEST(SessiondRobustness, GarbageCookiesAre401NeverAdopted) {
  SessiondProcess node({.config = users_config()});
  HttpClient c = node.client(/*keep_alive=*/true);
  std::mt19937_64 rng(20261129);
  // Printable bytes a Cookie header may carry, minus ';' which splits pairs.
  const std::string chars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/.!~*'()%$&#@\"[]{}<>?,";
  for (int i = 0; i < 200; ++i) {
    std::string value;
    const std::size_t len = 1 + rng() % (i % 4 == 0 ? 43 : 120);
    for (std::size_t k = 0; k < len; ++k) value.push_back(chars[rng() % chars.size()]);
    HttpResponse r = c.get("/api/session", {{"Cookie", "SESSION=" + value}});
    ASSERT_EQ(r.status, 401) << "cookie " << value << ": " << r.body;
    expect_not_adopted(r, value);
  }
  EXPECT_EQ(metric(c.get("/metrics").body, "sessiond_active_sessions"), "0");
}

TEST(SessiondRobustness, WellShapedUnknownIdsAre401NeverAdopted) {
  SessiondProcess node({.config = users_config()});
  HttpClient c = node.client(/*keep_alive=*/true);
  std::mt19937_64 rng(42);
  for (int i = 0; i < 200; ++i) {
    const std::string id = well_shaped_id(rng);
    HttpResponse r = i % 2 == 0 ? c.get("/api/session", cookie(id))
                                : c.request("PUT", "/api/session/attributes/x", cookie(id), "v");
    ASSERT_EQ(r.status, 401) << id << ": " << r.body;
    expect_not_adopted(r, id);
  }
  // A login that presents a forged id gets a fresh one.
  const std::string forged = well_shaped_id(rng);
  HttpResponse r = login_ok(c, "alice", "alice-pw", cookie(forged));
  EXPECT_NE(*r.cookie_value(), forged);
  EXPECT_EQ(metric(c.get("/metrics").body, "sessiond_active_sessions"), "1");
}

TEST(SessiondRobustness, BodyOverTheLimitIs413) {
  SessiondProcess node({.config = users_config()});
  HttpClient c = node.client();
  const std::string id = *login_ok(c, "alice", "alice-pw").cookie_value();
  const std::string at_limit(64 * 1024, 'x');
  EXPECT_EQ(c.request("PUT", "/api/session/attributes/big", cookie(id), at_limit).status, 204);
  HttpResponse over = c.request("PUT", "/api/session/attributes/big", cookie(id), at_limit + "y");
  EXPECT_EQ(over.status, 413);
  EXPECT_TRUE(over.header("X-Served-By").has_value());
  EXPECT_EQ(c.post("/api/login", std::string(200 * 1024, '{')).status, 413);
  EXPECT_EQ(c.get("/api/session/attributes/big", cookie(id)).body.size(), at_limit.size());
}

TEST(SessiondRobustness, SlowClientIsDisconnectedAfterTheReadTimeout) {
  SessiondProcess node({.config = "[server]\nread_timeout = \"1s\"\n"});
  {
    RawConnection raw(node.host(), node.port());
    ASSERT_TRUE(raw.send("GET /healthz HTTP/1.1\r\nHost: x\r\n"));  // never finishes
    const auto start = std::chrono::steady_clock::now();
    bool closed = false;
    raw.read_until_close(seconds(6), &closed);
    EXPECT_TRUE(closed) << "the server must drop a client that stalls";
    EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(4));
  }
  {
    RawConnection raw(node.host(), node.port());
    ASSERT_TRUE(raw.send("POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"));
    bool closed = false;
    raw.read_until_close(seconds(6), &closed);
    EXPECT_TRUE(closed) << "a body that stops arriving is timed out too";
  }
  EXPECT_EQ(node.client().get("/healthz").status, 200) << "the server is still fine";
}

TEST(SessiondRobustness, OversizedHeadersAre431AndGarbageIs400) {
  SessiondProcess node({.config = "[server]\nnode_name = \"edge\"\n"});
  HttpClient c = node.client();
  HttpResponse big = c.get("/healthz", {{"X-Filler", std::string(16 * 1024, 'a')}});
  EXPECT_EQ(big.status, 431);
  EXPECT_EQ(big.header("X-Served-By").value_or(""), "edge");

  RawConnection raw(node.host(), node.port());
  ASSERT_TRUE(raw.send("THIS IS NOT HTTP\r\n\r\n"));
  const std::string answer = raw.read_until_close(seconds(5));
  EXPECT_TRUE(answer.starts_with("HTTP/1.1 400")) << answer;
  EXPECT_EQ(c.get("/healthz").status, 200);
}

TEST(SessiondRobustness, BadAttributeNamesAre400NamingTheField) {
  SessiondProcess node({.config = users_config()});
  HttpClient c = node.client();
  const std::string id = *login_ok(c, "alice", "alice-pw").cookie_value();
  for (const std::string& target :
       {std::string("/api/session/attributes/%ZZ"), std::string("/api/session/attributes/"),
        std::string("/api/session/attributes/%"),
        "/api/session/attributes/" + std::string(201, 'n')}) {
    HttpResponse r = c.request("PUT", target, cookie(id), "v");
    EXPECT_EQ(r.status, 400) << target;
    EXPECT_NE(r.body.find("\"field\":\"name\""), std::string::npos) << r.body;
  }
  EXPECT_EQ(c.request("PATCH", "/api/session/attributes/a", cookie(id), "v").status, 405);
  EXPECT_EQ(c.get("/api/session/attributes/missing", cookie(id)).status, 404);
  EXPECT_EQ(c.request("DELETE", "/api/session/attributes/missing", cookie(id)).status, 404);
  EXPECT_EQ(c.request("PUT", "/api/session/attributes/a%2Fb", cookie(id), "slash").status, 204);
  EXPECT_EQ(c.get("/api/session/attributes/a%2Fb", cookie(id)).body, "slash");
  EXPECT_EQ(c.request("DELETE", "/api/session/attributes/a%2Fb", cookie(id)).status, 204);
}

TEST(SessiondRobustness, RandomRequestsNeverCrashOrAnswer500) {
  SessiondProcess node({.config = users_config()});
  HttpClient c = node.client();
  const std::string id = *login_ok(c, "alice", "alice-pw").cookie_value();
  std::mt19937_64 rng(7);
  const std::vector<std::string> methods = {"GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};
  const std::vector<std::string> paths = {"/",
                                          "/login",
                                          "/logout",
                                          "/api/login",
                                          "/api/logout",
                                          "/api/session",
                                          "/api/session/attributes/",
                                          "/healthz",
                                          "/readyz",
                                          "/metrics",
                                          "/api/session/x"};
  const std::string bytes = "{}[]\":,0123456789abc%+&=\\ \x01\xff\xc3\xa9nulltruefalse";
  auto random_text = [&](std::size_t max) {
    std::string out;
    const std::size_t n = rng() % max;
    for (std::size_t i = 0; i < n; ++i) out.push_back(bytes[rng() % bytes.size()]);
    return out;
  };
  for (int i = 0; i < 300; ++i) {
    std::string target = paths[rng() % paths.size()];
    if (target.ends_with("/")) target += random_text(12);
    std::string encoded;
    for (char ch : target) {  // keep the request line valid HTTP: escape what a URL cannot hold
      const auto u = static_cast<unsigned char>(ch);
      if (u <= 0x20 || u >= 0x7f || ch == '#' || ch == '?') {
        static constexpr char kHex[] = "0123456789ABCDEF";
        encoded += '%';
        encoded += kHex[u >> 4];
        encoded += kHex[u & 15];
      } else {
        encoded += ch;
      }
    }
    Headers headers;
    if (rng() % 2 == 0) headers = cookie(id);
    if (rng() % 3 == 0) headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    HttpResponse r = c.request(methods[rng() % methods.size()], encoded, headers, random_text(200));
    ASSERT_LT(r.status, 500) << encoded << " -> " << r.status << " " << r.body;
    ASSERT_GE(r.status, 200);
  }
  EXPECT_EQ(c.get("/healthz").status, 200);
}

TEST(SessiondRobustness, EveryResponseNamesTheNode) {
  SessiondProcess node({.args = {"--node-name", "node-7"}});
  HttpClient c = node.client();
  for (const char* target :
       {"/healthz", "/readyz", "/metrics", "/", "/login", "/nope", "/api/session"}) {
    EXPECT_EQ(c.get(target).header("X-Served-By").value_or(""), "node-7") << target;
  }
}

}  // namespace
}  // namespace sessionpp::testing
