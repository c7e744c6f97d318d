#include "instrumented_repository.h"

#include <sys/stat.h>

namespace sessiond {
namespace {

using sessionpp::Errc;
using sessionpp::Result;
using sessionpp::SessionData;
using sessionpp::SessionRepository;
using sessionpp::SessionSummary;
using sessionpp::SessionUpdate;
using sessionpp::Timestamp;

// The primitives are protected; naming them through a derived class that makes them public
// yields member pointers that can be applied to any SessionRepository. (The core has no
// forwarding base class yet.)
struct Primitives : SessionRepository {
  using SessionRepository::do_change_handle;
  using SessionRepository::do_count;
  using SessionRepository::do_find_by_principal;
  using SessionRepository::do_insert;
  using SessionRepository::do_load;
  using SessionRepository::do_ping;
  using SessionRepository::do_purge_expired;
  using SessionRepository::do_remove;
  using SessionRepository::do_remove_by_principal;
  using SessionRepository::do_update;
};

class InstrumentedRepository final : public SessionRepository {
 public:
  InstrumentedRepository(std::unique_ptr<SessionRepository> inner, Metrics& metrics,
                         std::string fault_file)
      : SessionRepository(inner->policy()),
        inner_(std::move(inner)),
        metrics_(metrics),
        fault_file_(std::move(fault_file)) {}

  std::string_view kind() const noexcept override { return inner_->kind(); }

 protected:
  Result<std::optional<SessionData>> do_load(std::string_view h, Timestamp now) override {
    return call("load", &Primitives::do_load, h, now);
  }
  Result<void> do_insert(std::string_view h, const SessionData& d) override {
    return call("insert", &Primitives::do_insert, h, d);
  }
  Result<void> do_update(std::string_view h, const SessionUpdate& u, Timestamp now) override {
    return call("update", &Primitives::do_update, h, u, now);
  }
  Result<bool> do_remove(std::string_view h) override {
    return call("remove", &Primitives::do_remove, h);
  }
  Result<void> do_change_handle(std::string_view a, std::string_view b, Timestamp now) override {
    return call("change_id", &Primitives::do_change_handle, a, b, now);
  }
  Result<std::vector<SessionSummary>> do_find_by_principal(std::string_view p,
                                                           Timestamp now) override {
    return call("find_by_principal", &Primitives::do_find_by_principal, p, now);
  }
  Result<std::vector<std::string>> do_remove_by_principal(std::string_view p,
                                                          std::optional<std::string_view> keep,
                                                          Timestamp now) override {
    return call("remove_by_principal", &Primitives::do_remove_by_principal, p, keep, now);
  }
  Result<std::vector<std::string>> do_purge_expired(Timestamp now, std::size_t limit) override {
    return call("purge_expired", &Primitives::do_purge_expired, now, limit);
  }
  Result<std::size_t> do_count(Timestamp now) override {
    return call("count", &Primitives::do_count, now);
  }
  Result<void> do_ping() override { return call("ping", &Primitives::do_ping); }

 private:
  bool faulted() const {
    if (fault_file_.empty()) return false;
    struct stat st {};
    return ::stat(fault_file_.c_str(), &st) == 0;
  }

  template <typename R, typename... Params, typename... Args>
  R call(std::string_view op, R (SessionRepository::*fn)(Params...), Args&&... args) {
    if (faulted()) {
      metrics_.observe_store(op, "unavailable");
      return sessionpp::make_error(Errc::kUnavailable,
                                   "session store unavailable (test fault injected)");
    }
    R r = (inner_.get()->*fn)(std::forward<Args>(args)...);
    metrics_.observe_store(op, r.ok() ? std::string_view() : sessionpp::to_string(r.error().code));
    return r;
  }

  std::unique_ptr<SessionRepository> inner_;
  Metrics& metrics_;
  std::string fault_file_;
};

}  // namespace

std::unique_ptr<SessionRepository> instrument(std::unique_ptr<SessionRepository> inner,
                                              Metrics& metrics, std::string fault_file) {
  return std::make_unique<InstrumentedRepository>(std::move(inner), metrics, std::move(fault_file));
}

}  // namespace sessiond
