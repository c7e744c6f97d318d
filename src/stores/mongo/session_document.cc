#include "stores/mongo/session_document.h"

#include <cstring>

#include "stores/mongo/attribute_name_codec.h"

namespace sessionpp::mongo {
namespace {

Error corrupt(std::string what) {
  return make_error(Errc::kCorrupt, "session document: " + std::move(what));
}

// A time as libbson reads it: dates, and (tolerantly) 64/32-bit integers of epoch ms.
std::optional<std::int64_t> time_of(const bson_iter_t* it) {
  switch (bson_iter_type(it)) {
    case BSON_TYPE_DATE_TIME:
      return bson_iter_date_time(it);
    case BSON_TYPE_INT64:
      return bson_iter_int64(it);
    case BSON_TYPE_INT32:
      return bson_iter_int32(it);
    default:
      return std::nullopt;
  }
}

bool is_null(const bson_iter_t* it) {
  return bson_iter_type(it) == BSON_TYPE_NULL || bson_iter_type(it) == BSON_TYPE_UNDEFINED;
}

}  // namespace

void append_session(bson_t* doc, std::string_view handle, const SessionData& d) {
  BSON_APPEND_UTF8(doc, field::kId, std::string(handle).c_str());
  BSON_APPEND_DATE_TIME(doc, field::kCreated, to_epoch_ms(d.created));
  BSON_APPEND_DATE_TIME(doc, field::kLastAccessed, to_epoch_ms(d.last_accessed));
  BSON_APPEND_INT64(doc, field::kMaxInactive, d.max_inactive.count());
  if (d.absolute_deadline) {
    BSON_APPEND_DATE_TIME(doc, field::kDeadline, to_epoch_ms(*d.absolute_deadline));
  }
  if (const auto at = expiry_of(d.last_accessed, d.max_inactive, d.absolute_deadline)) {
    BSON_APPEND_DATE_TIME(doc, field::kExpireAt, to_epoch_ms(*at));
  }
  if (!d.principal.empty()) {
    bson_append_utf8(doc, field::kPrincipal, -1, d.principal.data(),
                     static_cast<int>(d.principal.size()));
  }
  BSON_APPEND_INT64(doc, field::kVersion, 0);
  bson_t attrs;
  BSON_APPEND_DOCUMENT_BEGIN(doc, field::kAttrs, &attrs);
  for (const auto& [name, value] : d.attributes) {
    const std::string key = encode_attribute_name(name);
    bson_append_binary(&attrs, key.c_str(), static_cast<int>(key.size()), BSON_SUBTYPE_BINARY,
                       reinterpret_cast<const std::uint8_t*>(value.data()),
                       static_cast<std::uint32_t>(value.size()));
  }
  bson_append_document_end(doc, &attrs);
}

void append_live_clause(bson_t* filter, Timestamp now) {
  // {$or: [{expireAt: {$gt: now}}, {expireAt: null}]}; null also matches an absent field.
  bson_t ors, gt_doc, gt, null_doc;
  BSON_APPEND_ARRAY_BEGIN(filter, "$or", &ors);
  BSON_APPEND_DOCUMENT_BEGIN(&ors, "0", &gt_doc);
  BSON_APPEND_DOCUMENT_BEGIN(&gt_doc, field::kExpireAt, &gt);
  BSON_APPEND_DATE_TIME(&gt, "$gt", to_epoch_ms(now));
  bson_append_document_end(&gt_doc, &gt);
  bson_append_document_end(&ors, &gt_doc);
  BSON_APPEND_DOCUMENT_BEGIN(&ors, "1", &null_doc);
  BSON_APPEND_NULL(&null_doc, field::kExpireAt);
  bson_append_document_end(&ors, &null_doc);
  bson_append_array_end(filter, &ors);
}

Result<StoredTimes> decode_times(const bson_t* doc) {
  StoredTimes t;
  bool have_la = false;
  bool have_mi = false;
  bson_iter_t it;
  if (!bson_iter_init(&it, doc)) return corrupt("not a valid BSON document");
  while (bson_iter_next(&it)) {
    const char* key = bson_iter_key(&it);
    if (std::strcmp(key, field::kLastAccessed) == 0) {
      const auto v = time_of(&it);
      if (!v) return corrupt("lastAccessed is not a date");
      t.last_accessed = from_epoch_ms(*v);
      have_la = true;
    } else if (std::strcmp(key, field::kMaxInactive) == 0) {
      if (!BSON_ITER_HOLDS_NUMBER(&it)) return corrupt("maxInactive is not a number");
      t.max_inactive = Duration(bson_iter_as_int64(&it));
      have_mi = true;
    } else if (std::strcmp(key, field::kDeadline) == 0) {
      if (is_null(&it)) continue;
      const auto v = time_of(&it);
      if (!v) return corrupt("deadline is not a date");
      t.deadline = from_epoch_ms(*v);
    } else if (std::strcmp(key, field::kVersion) == 0) {
      if (!BSON_ITER_HOLDS_NUMBER(&it)) return corrupt("v is not a number");
      t.version = bson_iter_as_int64(&it);
    }
  }
  if (!have_la) return corrupt("lastAccessed is missing");
  if (!have_mi) return corrupt("maxInactive is missing");
  return t;
}

Result<SessionData> decode_session(const bson_t* doc) {
  auto times = decode_times(doc);
  if (!times) return std::move(times).error();
  SessionData d;
  d.last_accessed = times->last_accessed;
  d.max_inactive = times->max_inactive;
  d.absolute_deadline = times->deadline;
  bool have_created = false;
  bson_iter_t it;
  if (!bson_iter_init(&it, doc)) return corrupt("not a valid BSON document");
  while (bson_iter_next(&it)) {
    const char* key = bson_iter_key(&it);
    if (std::strcmp(key, field::kCreated) == 0) {
      const auto v = time_of(&it);
      if (!v) return corrupt("created is not a date");
      d.created = from_epoch_ms(*v);
      have_created = true;
    } else if (std::strcmp(key, field::kPrincipal) == 0) {
      if (is_null(&it)) continue;
      if (!BSON_ITER_HOLDS_UTF8(&it)) return corrupt("principal is not a string");
      std::uint32_t len = 0;
      const char* s = bson_iter_utf8(&it, &len);
      d.principal.assign(s, len);
    } else if (std::strcmp(key, field::kAttrs) == 0) {
      if (!BSON_ITER_HOLDS_DOCUMENT(&it)) return corrupt("attrs is not a document");
      bson_iter_t a;
      if (!bson_iter_recurse(&it, &a)) return corrupt("attrs is not a valid document");
      while (bson_iter_next(&a)) {
        const std::string_view field_name(bson_iter_key(&a), bson_iter_key_len(&a));
        auto name = decode_attribute_name(field_name);
        if (!name)
          return corrupt("attribute field '" + std::string(field_name) + "' is not encoded");
        if (!BSON_ITER_HOLDS_BINARY(&a)) {
          return corrupt("attribute '" + *name + "' is not binary");
        }
        bson_subtype_t subtype;
        std::uint32_t len = 0;
        const std::uint8_t* bytes = nullptr;
        bson_iter_binary(&a, &subtype, &len, &bytes);
        d.attributes.emplace(std::move(*name),
                             std::string(reinterpret_cast<const char*>(bytes), len));
      }
    }
  }
  if (!have_created) return corrupt("created is missing");
  return d;
}

Result<SessionSummary> decode_summary(const bson_t* doc) {
  auto times = decode_times(doc);
  if (!times) return std::move(times).error();
  SessionSummary s;
  s.last_accessed = times->last_accessed;
  s.expires_at = expiry_of(times->last_accessed, times->max_inactive, times->deadline);
  bson_iter_t it;
  if (bson_iter_init_find(&it, doc, field::kId) && BSON_ITER_HOLDS_UTF8(&it)) {
    s.handle = bson_iter_utf8(&it, nullptr);
  } else {
    return corrupt("_id is not a string");
  }
  if (bson_iter_init_find(&it, doc, field::kCreated)) {
    const auto v = time_of(&it);
    if (!v) return corrupt("created is not a date");
    s.created = from_epoch_ms(*v);
  } else {
    return corrupt("created is missing");
  }
  if (bson_iter_init_find(&it, doc, field::kPrincipal) && BSON_ITER_HOLDS_UTF8(&it)) {
    std::uint32_t len = 0;
    const char* p = bson_iter_utf8(&it, &len);
    s.principal.assign(p, len);
  }
  return s;
}

}  // namespace sessionpp::mongo
