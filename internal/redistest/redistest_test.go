package redistest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestKillRestartKeepsAcknowledgedWrites(t *testing.T) {
	s := Start(t)
	if !strings.HasPrefix(s.URL(), "unix://") || !strings.HasSuffix(s.Addr(), "redis.sock") {
		t.Fatalf("URL() = %q, Addr() = %q", s.URL(), s.Addr())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := s.Client(t)
	for _, kv := range [][2]string{{"maxmemory-policy", "noeviction"}, {"appendonly", "yes"}, {"appendfsync", "everysec"}, {"port", "0"}, {"save", ""}} {
		got, err := c.ConfigGet(ctx, kv[0]).Result()
		if err != nil {
			t.Fatal(err)
		}
		if got[kv[0]] != kv[1] {
			t.Errorf("CONFIG GET %s = %q; want %q", kv[0], got[kv[0]], kv[1])
		}
	}
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatal(err)
	}
	if err := s.Kill(); err != nil {
		t.Fatal(err)
	}
	if err := c.Ping(ctx).Err(); err == nil {
		t.Fatal("PING after Kill succeeded")
	}
	if err := s.Kill(); err != nil { // idempotent
		t.Fatal(err)
	}
	if err := s.Restart(); err != nil {
		t.Fatal(err)
	}
	got, err := c.Get(ctx, "k").Result()
	if err != nil || got != "v" {
		t.Fatalf("GET k after kill -9 and restart = %q, %v; want \"v\"", got, err)
	}
	if err := s.Restart(); err != nil { // restart of a running server
		t.Fatal(err)
	}
	if err := c.Ping(ctx).Err(); err != nil {
		t.Fatal(err)
	}
}

func TestOptions(t *testing.T) {
	s := Start(t, AppendFsyncAlways(), Args("--maxmemory-policy", "allkeys-lru"))
	ctx := context.Background()
	c := s.Client(t)
	for _, kv := range [][2]string{{"maxmemory-policy", "allkeys-lru"}, {"appendfsync", "always"}} {
		got, err := c.ConfigGet(ctx, kv[0]).Result()
		if err != nil {
			t.Fatal(err)
		}
		if got[kv[0]] != kv[1] {
			t.Errorf("CONFIG GET %s = %q; want %q", kv[0], got[kv[0]], kv[1])
		}
	}
}

func TestMissingBinaryFails(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := binary(filepath.Join(t.TempDir(), "redis-server"))
	if err == nil || !strings.Contains(err.Error(), "test script") {
		t.Fatalf("binary() error = %v; want one that names the test script", err)
	}
}

func TestBadArgsFailStart(t *testing.T) {
	_, err := New(Args("--no-such-option", "1"))
	if err == nil || !strings.Contains(err.Error(), "exited") {
		t.Fatalf("New with a bad option: error = %v; want an exit during start", err)
	}
}
