#pragma once

// The store-level operations every store benchmark measures, defined once for all stores:
//   find               a find by raw id of a random session (id check, hash, one load)
//   save               a save of a one-attribute delta on a session the thread holds
//   touch              a save whose only change is the last access, due by the touch interval
//   find_by_principal  the sessions of one user (4 per user)
// A benchmark fills a Population on its store and calls register_store_ops(); its engine's raw
// baseline (redis-benchmark, a prepared SELECT, a libmongoc find) stays in the benchmark itself.

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sessionpp/repository.h"

namespace sessionpp::bench {

inline constexpr std::size_t kSessionsPerUser = 4;

struct Population {
  SessionRepository* repo = nullptr;
  std::vector<std::string> ids;         // raw ids, in creation order
  std::vector<std::string> handles;     // their handles
  std::vector<std::string> principals;  // each owns kSessionsPerUser of the sessions
  std::string error;                    // set when the store could not be filled
};

// A typical signed-in session: a principal and five small attributes, about 300 bytes.
inline void fill_typical(Session& s, std::string principal) {
  s.set_principal(std::move(principal));
  (void)s.set_attribute("csrf", std::string(43, 'c'));
  (void)s.set_attribute("locale", "en-GB");
  (void)s.set_attribute("roles", R"(["user","editor"])");
  (void)s.set_attribute("cart", std::string(160, 'x'));
  (void)s.set_int("visits", 12);
}

// Saves `sessions` typical sessions into `repo` (users named PREFIX-user-N, kSessionsPerUser
// sessions each). On failure `error` says why and the population is partial.
inline Population populate(SessionRepository& repo, std::size_t sessions,
                           const std::string& prefix = "bench") {
  Population p;
  p.repo = &repo;
  p.ids.reserve(sessions);
  for (std::size_t i = 0; i < sessions; ++i) {
    std::string user = prefix + "-user-" + std::to_string(i / kSessionsPerUser);
    if (i % kSessionsPerUser == 0) p.principals.push_back(user);
    Session s = repo.create();
    fill_typical(s, std::move(user));
    if (auto r = repo.save(s); !r) {
      p.error = r.error().to_string();
      return p;
    }
    p.ids.push_back(s.id()->str());
    p.handles.push_back(s.handle());
  }
  return p;
}

// Removes what populate() saved (best effort).
inline void depopulate(Population& p) {
  if (p.repo == nullptr) return;
  for (const auto& h : p.handles) (void)p.repo->remove_by_handle(h);
  p.ids.clear();
  p.handles.clear();
}

namespace detail {

inline bool usable(benchmark::State& state, const Population& p) {
  if (p.repo != nullptr && p.error.empty() && !p.ids.empty()) return true;
  state.SkipWithError(p.error.empty() ? "no sessions" : p.error.c_str());
  return false;
}

// The session this thread works on: its own, so that threads never contend on one record. save
// takes them from the front, touch from the back: a touch moves a session's last access into the
// future, which a later save of a copy loaded before would see as another node's change.
inline std::optional<Session> hold(benchmark::State& state, const Population& p, bool from_back) {
  std::size_t i = static_cast<std::size_t>(state.thread_index()) % p.ids.size();
  if (from_back) i = p.ids.size() - 1 - i;
  auto found = p.repo->find(p.ids[i]);
  if (!found || !found->has_value()) {
    state.SkipWithError(found ? "session not found" : found.error().to_string().c_str());
    return std::nullopt;
  }
  return std::move(*found);
}

}  // namespace detail

inline void find(benchmark::State& state, const Population& p) {
  if (!detail::usable(state, p)) return;
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * 7919;
  for (auto _ : state) {
    auto r = p.repo->find(p.ids[i++ % p.ids.size()]);
    if (!r || !r->has_value()) {
      state.SkipWithError(r ? "session not found" : r.error().to_string().c_str());
      break;
    }
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}

inline void save(benchmark::State& state, const Population& p) {
  if (!detail::usable(state, p)) return;
  std::optional<Session> held = detail::hold(state, p, /*from_back=*/false);
  if (!held) return;
  Session& s = *held;
  std::int64_t n = 0;
  for (auto _ : state) {
    (void)s.set_int("visits", ++n);
    if (auto r = p.repo->save(s); !r) {
      state.SkipWithError(r.error().to_string().c_str());
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}

// Each iteration moves the session's last access on by its timeout, so every save is a due
// touch (the repository skips one within the touch interval) and writes the access time only.
inline void touch(benchmark::State& state, const Population& p) {
  if (!detail::usable(state, p)) return;
  std::optional<Session> held = detail::hold(state, p, /*from_back=*/true);
  if (!held) return;
  Session& s = *held;
  const Duration step = s.max_inactive().count() > 0 ? s.max_inactive() : Duration(3'600'000);
  // From the stored last access on: an earlier run may have moved it ahead of the clock.
  Timestamp at = std::max(p.repo->now(), s.last_accessed());
  for (auto _ : state) {
    at += step;
    s.touch(at);
    if (auto r = p.repo->save(s); !r) {
      state.SkipWithError(r.error().to_string().c_str());
      break;
    }
  }
  // The figure only means something if the touches were written.
  auto stored = p.repo->find_by_handle(s.handle());
  if (!stored || !stored->has_value() || (**stored).last_accessed() != at) {
    state.SkipWithError("the touches were not written");
    return;
  }
  state.SetItemsProcessed(state.iterations());
}

inline void find_by_principal(benchmark::State& state, const Population& p) {
  if (!detail::usable(state, p)) return;
  std::size_t i = static_cast<std::size_t>(state.thread_index()) * 31;
  for (auto _ : state) {
    auto r = p.repo->find_by_principal(p.principals[i++ % p.principals.size()]);
    if (!r || r->size() != kSessionsPerUser) {
      state.SkipWithError(r ? "a user does not list all of its sessions"
                            : r.error().to_string().c_str());
      break;
    }
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}

// Registers NAME/find, NAME/save, NAME/touch and NAME/find_by_principal at each thread count,
// in real time. `population` is called when a benchmark runs (fill lazily, once).
inline void register_store_ops(const std::string& name,
                               std::function<const Population&()> population,
                               const std::vector<int>& threads) {
  using Op = void (*)(benchmark::State&, const Population&);
  const std::pair<const char*, Op> ops[] = {{"find", &find},
                                            {"save", &save},
                                            {"touch", &touch},
                                            {"find_by_principal", &find_by_principal}};
  for (const auto& [op_name, op] : ops) {
    auto* b = benchmark::RegisterBenchmark(
        (name + "/" + op_name).c_str(),
        [population, fn = op](benchmark::State& state) { fn(state, population()); });
    for (int t : threads) b->Threads(t);
    b->UseRealTime();
  }
}

// The console report, remembering items/s per benchmark name ("redis/find/real_time/threads:8").
class RateReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const auto& run : runs) {
      const auto it = run.counters.find("items_per_second");
      if (it != run.counters.end()) rates_[run.benchmark_name()] = it->second.value;
    }
    ConsoleReporter::ReportRuns(runs);
  }
  // items/s of NAME at THREADS (registered with UseRealTime), 0 when it did not run.
  double rate(const std::string& name, int threads) const {
    const auto it = rates_.find(name + "/real_time/threads:" + std::to_string(threads));
    return it == rates_.end() ? 0 : it->second;
  }

 private:
  std::map<std::string, double> rates_;
};

// One line per thread count: NAME's four operations and the engine's raw baseline measured in the
// same run (the benchmark named BASELINE), with find as a share of it.
inline void print_summary(const RateReporter& r, const std::string& name,
                          const std::string& baseline, const std::vector<int>& threads) {
  std::printf("\n%s, operations/s (same run):\n%-8s %9s %9s %9s %10s %12s %7s\n", name.c_str(),
              "threads", "find", "save", "touch", "by-user", "raw baseline", "find %");
  for (int t : threads) {
    const double base = r.rate(baseline, t);
    const double found = r.rate(name + "/find", t);
    std::printf("%-8d %9.0f %9.0f %9.0f %10.0f %12.0f %6.0f%%\n", t, found,
                r.rate(name + "/save", t), r.rate(name + "/touch", t),
                r.rate(name + "/find_by_principal", t), base,
                base > 0 ? 100.0 * found / base : 0.0);
  }
  std::printf("raw baseline: %s\n", baseline.c_str());
}

}  // namespace sessionpp::bench
