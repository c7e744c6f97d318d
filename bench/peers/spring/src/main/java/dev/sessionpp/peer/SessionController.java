package dev.sessionpp.peer;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The same routes as sessiond (issue #3): login by hand (no Spring Security), the session read,
 * one attribute write, and /healthz. Attributes live in the session as "attr:NAME" entries, so a
 * write changes one field of the session's Redis hash.
 */
@RestController
public class SessionController {
  private static final String USER = "user";
  private static final String ROLES = "roles";
  private static final String ATTR = "attr:";

  private final String user;
  private final byte[] password;

  public SessionController(
      @Value("${peer.user}") String user, @Value("${peer.password}") String password) {
    this.user = user;
    this.password = password.getBytes(StandardCharsets.UTF_8);
  }

  @GetMapping(value = "/healthz", produces = MediaType.TEXT_PLAIN_VALUE)
  public String healthz() {
    return "ok\n";
  }

  @PostMapping("/api/login")
  public ResponseEntity<Map<String, Object>> login(
      @RequestBody(required = false) Map<String, Object> body, HttpServletRequest request) {
    Object name = body == null ? null : body.get("username");
    Object given = body == null ? null : body.get("password");
    if (!user.equals(name)
        || !(given instanceof String g)
        || !MessageDigest.isEqual(password, g.getBytes(StandardCharsets.UTF_8))) {
      return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(Map.of("error", "bad credentials"));
    }
    // A login always ends with a new id and never inherits the previous session's data.
    HttpSession old = request.getSession(false);
    if (old != null) {
      old.invalidate();
    }
    HttpSession session = request.getSession(true);
    List<String> roles = new ArrayList<>(List.of("user"));
    session.setAttribute(USER, user);
    session.setAttribute(ROLES, roles);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("user", user);
    out.put("roles", roles);
    return ResponseEntity.ok(out);
  }

  @GetMapping("/api/session")
  public ResponseEntity<Map<String, Object>> session(HttpServletRequest request) {
    HttpSession session = request.getSession(false);
    Object who = session == null ? null : session.getAttribute(USER);
    if (who == null) {
      return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(Map.of("error", "not signed in"));
    }
    Map<String, Object> attributes = new LinkedHashMap<>();
    for (String key : Collections.list(session.getAttributeNames())) {
      if (key.startsWith(ATTR)) {
        attributes.put(key.substring(ATTR.length()), session.getAttribute(key));
      }
    }
    long last = session.getLastAccessedTime();
    int timeout = session.getMaxInactiveInterval();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("user", who);
    out.put("roles", session.getAttribute(ROLES));
    out.put("handle", session.getId().substring(0, 8));
    out.put("created_at", Instant.ofEpochMilli(session.getCreationTime()).toString());
    out.put("last_accessed_at", Instant.ofEpochMilli(last).toString());
    out.put("expires_at", Instant.ofEpochMilli(last + timeout * 1000L).toString());
    out.put("max_inactive_seconds", timeout);
    out.put("attributes", attributes);
    return ResponseEntity.ok(out);
  }

  @PutMapping("/api/session/attributes/{name}")
  public ResponseEntity<Object> putAttribute(
      @PathVariable("name") String name,
      @RequestBody(required = false) byte[] body,
      HttpServletRequest request,
      HttpServletResponse response) {
    HttpSession session = request.getSession(false);
    if (session == null || session.getAttribute(USER) == null) {
      return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(Map.of("error", "not signed in"));
    }
    String value = body == null ? "" : new String(body, StandardCharsets.UTF_8);
    session.setAttribute(ATTR + name, value);
    return ResponseEntity.noContent().build();
  }
}
