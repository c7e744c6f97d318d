#include <sessionpp/memory_store.h>

#include <cstdio>

int main() {
  auto repo = sessionpp::open_memory_store();
  if (!repo) return 1;
  sessionpp::Session s = (*repo)->create();
  if (!s.set_attribute("hello", "world") || !(*repo)->save(s)) return 2;
  auto found = (*repo)->find(s.id()->str());
  if (!found || !found->has_value() || *(*found)->attribute("hello") != "world") return 3;
  std::puts("consumer: ok");
  return 0;
}
