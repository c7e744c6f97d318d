// Command peer-go is the Go peer of sessiond for bench/http/run: the same routes and behaviour
// (issue #3's HTTP API), sessions in Redis through github.com/alexedwards/scs/v2 and its
// redisstore (redigo pool).
//
//	POST /api/login  {"username","password"} -> 200 {"user","roles"} + cookie SESSION; bad -> 401
//	GET  /api/session                        -> 200 JSON (user, roles, times, attributes); 401 anonymous
//	PUT  /api/session/attributes/{name} body -> 204 (raw body stored as the value); 401 anonymous
//	GET  /healthz                            -> 200
//
// Environment (defaults): PEER_HOST (127.0.0.1), PEER_PORT (18083), PEER_USER (alice),
// PEER_PASSWORD (bench-password), REDIS_HOST (127.0.0.1), REDIS_PORT (16379), REDIS_PASSWORD
// (sessionpp-test), REDIS_DB (5).
package main

import (
	"context"
	"crypto/subtle"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"github.com/alexedwards/scs/redisstore"
	"github.com/alexedwards/scs/v2"
	"github.com/gomodule/redigo/redis"
)

const timeout = 30 * time.Minute

func env(name, fallback string) string {
	if v, ok := os.LookupEnv(name); ok {
		return v
	}
	return fallback
}

func main() {
	// Session values travel through gob inside interface values.
	gob.Register([]string{})
	gob.Register(map[string]string{})
	gob.Register(time.Time{})

	listen := net.JoinHostPort(env("PEER_HOST", "127.0.0.1"), env("PEER_PORT", "18083"))
	user := env("PEER_USER", "alice")
	password := []byte(env("PEER_PASSWORD", "bench-password"))
	redisAddr := net.JoinHostPort(env("REDIS_HOST", "127.0.0.1"), env("REDIS_PORT", "16379"))
	redisPassword := env("REDIS_PASSWORD", "sessionpp-test")
	redisDB, err := strconv.Atoi(env("REDIS_DB", "5"))
	if err != nil {
		log.Fatalf("go peer: REDIS_DB: %v", err)
	}

	pool := &redis.Pool{
		MaxIdle:     256,
		IdleTimeout: 5 * time.Minute,
		Dial: func() (redis.Conn, error) {
			c, err := redis.Dial("tcp", redisAddr, redis.DialPassword(redisPassword),
				redis.DialDatabase(redisDB), redis.DialConnectTimeout(2*time.Second))
			if err != nil {
				return nil, fmt.Errorf("redis %s db %d: %w", redisAddr, redisDB, err)
			}
			return c, nil
		},
	}
	defer pool.Close()
	if c := pool.Get(); c != nil {
		_, err := c.Do("PING")
		c.Close()
		if err != nil {
			log.Fatalf("go peer: %v", err)
		}
	}

	sm := scs.New()
	sm.Store = redisstore.NewWithPrefix(pool, "peer-go:")
	sm.Lifetime = 24 * time.Hour
	sm.IdleTimeout = timeout // extends the deadline on every request, as sessiond's touch does
	sm.Cookie.Name = "SESSION"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Path = "/"
	sm.Cookie.Persist = false
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		log.Printf("go peer: %v", err)
		w.Header().Set("Retry-After", "1")
		http.Error(w, `{"error":"session store unavailable"}`, http.StatusServiceUnavailable)
	}

	node := fmt.Sprintf("go-%d", os.Getpid())
	writeJSON := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(v)
	}
	unauthorized := func(w http.ResponseWriter, msg string) {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": msg})
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("POST /api/login", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Username string `json:"username"`
			Password string `json:"password"`
		}
		if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&body); err != nil ||
			body.Username != user || subtle.ConstantTimeCompare([]byte(body.Password), password) != 1 {
			unauthorized(w, "bad credentials")
			return
		}
		// A login always ends with a new id and never inherits the previous session's data.
		ctx := r.Context()
		if err := sm.Clear(ctx); err != nil {
			sm.ErrorFunc(w, r, err)
			return
		}
		if err := sm.RenewToken(ctx); err != nil {
			sm.ErrorFunc(w, r, err)
			return
		}
		now := time.Now().UTC()
		sm.Put(ctx, "user", user)
		sm.Put(ctx, "roles", []string{"user"})
		sm.Put(ctx, "created_at", now)
		sm.Put(ctx, "attributes", map[string]string{})
		writeJSON(w, http.StatusOK, map[string]any{"user": user, "roles": []string{"user"}})
	})
	mux.HandleFunc("GET /api/session", func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		who := sm.GetString(ctx, "user")
		if who == "" {
			unauthorized(w, "not signed in")
			return
		}
		now := time.Now().UTC()
		attributes, _ := sm.Get(ctx, "attributes").(map[string]string)
		if attributes == nil {
			attributes = map[string]string{}
		}
		handle := sm.Token(ctx)
		if len(handle) > 8 {
			handle = handle[:8]
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"user":                 who,
			"roles":                sm.Get(ctx, "roles"),
			"handle":               handle,
			"created_at":           sm.GetTime(ctx, "created_at").Format(time.RFC3339Nano),
			"last_accessed_at":     now.Format(time.RFC3339Nano),
			"expires_at":           now.Add(timeout).Format(time.RFC3339Nano),
			"max_inactive_seconds": int(timeout / time.Second),
			"attributes":           attributes,
		})
	})
	mux.HandleFunc("PUT /api/session/attributes/{name}", func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if sm.GetString(ctx, "user") == "" {
			unauthorized(w, "not signed in")
			return
		}
		value, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 64<<10))
		if err != nil {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		attributes, _ := sm.Get(ctx, "attributes").(map[string]string)
		next := make(map[string]string, len(attributes)+1)
		for k, v := range attributes {
			next[k] = v
		}
		next[r.PathValue("name")] = string(value)
		sm.Put(ctx, "attributes", next)
		w.WriteHeader(http.StatusNoContent)
	})

	handler := sm.LoadAndSave(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Served-By", node)
		mux.ServeHTTP(w, r)
	}))
	srv := &http.Server{Addr: listen, Handler: handler, ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout: 65 * time.Second}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	log.Printf("go peer: %d on http://%s", os.Getpid(), listen)
	if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Fatalf("go peer: %s: %v", listen, err)
	}
}
