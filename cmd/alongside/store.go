package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"github.com/alongside/alongside/store"
	"github.com/alongside/alongside/store/boltstore"
	"github.com/alongside/alongside/store/redisstore"
)

// openStore opens the store named by raw: a file path or file:// URL for
// the embedded store, a redis://, rediss:// or unix:// URL for Redis.
// Errors never repeat raw, which may hold a password.
func openStore(ctx context.Context, raw string, log *slog.Logger) (store.Store, error) {
	scheme, _, _ := strings.Cut(raw, "://")
	switch scheme {
	case "redis", "rediss", "unix":
		st, err := redisstore.Open(ctx, raw, redisstore.Options{})
		if err != nil {
			return nil, fmt.Errorf("open redis store: %w", err)
		}
		for _, w := range st.Warnings() {
			log.Warn("redis configuration", slog.String("warning", w))
		}
		log.Info("store", slog.String("kind", "redis"))
		return st, nil
	case "file":
		u, err := url.Parse(raw)
		if err != nil || u.Path == "" {
			return nil, fmt.Errorf("store URL: want file:///path/to/file.db")
		}
		raw = u.Path
	default:
		if strings.Contains(raw, "://") {
			return nil, fmt.Errorf("store URL: unknown scheme %q (want a file path, file://, redis://, rediss:// or unix://)", scheme)
		}
	}
	st, err := boltstore.Open(raw, boltstore.Options{})
	if err != nil {
		return nil, fmt.Errorf("open embedded store: %w", err)
	}
	log.Info("store", slog.String("kind", "embedded"))
	return st, nil
}
