package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeDemo runs `alongside serve --demo` in process on a free port
// with a fresh embedded store, lists partners over Connect JSON, and stops
// it as SIGTERM would (context cancellation).
func TestServeDemo(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	logs, logw := io.Pipe()
	done := make(chan error, 1)
	db := filepath.Join(t.TempDir(), "demo.db")
	go func() {
		done <- run(ctx, []string{"serve", "-addr", "127.0.0.1:0", "-store", db, "-demo"}, io.Discard, logw)
		logw.Close()
	}()

	addr := ""
	sc := bufio.NewScanner(logs)
	for addr == "" && sc.Scan() {
		var line struct {
			Msg     string `json:"msg"`
			Addr    string `json:"addr"`
			Records int    `json:"records"`
		}
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("log line %q is not JSON: %v", sc.Text(), err)
		}
		if line.Msg == "demo data" && line.Records == 0 {
			t.Errorf("demo data wrote no records")
		}
		if line.Msg == "serving" {
			addr = line.Addr
		}
	}
	if addr == "" {
		t.Fatalf("server did not report its address: %v", <-done)
	}
	go func() { _, _ = io.Copy(io.Discard, logs) }() // drain the rest of the log

	resp, err := http.Post("http://"+addr+"/alongside.v1.RosterService/ListPartners", "application/json",
		strings.NewReader(`{"pageSize": 5, "countyFips": "04013"}`))
	if err != nil {
		t.Fatalf("ListPartners: %v", err)
	}
	var body struct {
		Partners []struct {
			ID             string   `json:"id"`
			CountiesServed []string `json:"countiesServed"`
		} `json:"partners"`
	}
	err = json.NewDecoder(resp.Body).Decode(&body)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || len(body.Partners) == 0 {
		t.Fatalf("ListPartners = %d, %d partners, %v; want 200 with Maricopa partners", resp.StatusCode, len(body.Partners), err)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("serve after cancel = %v; want nil (graceful)", err)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop within 15 s of cancellation")
	}
}

func TestRunUsage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		args []string
		want string // substring of the error; "" means flag.ErrHelp
	}{
		{"no command", nil, ""},
		{"help", []string{"help"}, ""},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"bad address", []string{"serve", "-addr", "nowhere"}, "-addr"},
		{"bad org", []string{"serve", "-org", "../x"}, "-org"},
		{"bad log level", []string{"serve", "-log-level", "loud"}, "-log-level"},
		{"bad osrm URL", []string{"serve", "-osrm", "osrm.internal:5000"}, "-osrm"},
		{"stray argument", []string{"serve", "extra"}, `unexpected argument "extra"`},
		{"unknown store scheme", []string{"serve", "-addr", "127.0.0.1:0", "-store", "ftp://x"}, `unknown scheme "ftp"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := run(t.Context(), tt.args, io.Discard, io.Discard)
			switch {
			case tt.want == "" && !errors.Is(err, flag.ErrHelp):
				t.Errorf("run(%q) = %v; want flag.ErrHelp", tt.args, err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("run(%q) = %v; want an error containing %q", tt.args, err, tt.want)
			}
		})
	}
}

func TestParseWithEnv(t *testing.T) {
	t.Parallel()
	env := map[string]string{"ALONGSIDE_STORE": "redis://from-env", "ALONGSIDE_DEMO_SEED": "7", "ALONGSIDE_ADDR": "127.0.0.1:9"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	var cfg serveConfig
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	cfg.bind(fs)
	if err := parseWithEnv(fs, []string{"-addr", "127.0.0.1:1"}, lookup); err != nil {
		t.Fatalf("parseWithEnv: %v", err)
	}
	if cfg.addr != "127.0.0.1:1" || cfg.store != "redis://from-env" || cfg.demoSeed != 7 {
		t.Errorf("cfg = %+v; want flag over env for addr, env for store and seed", cfg)
	}
	env["ALONGSIDE_DEMO_SEED"] = "seven"
	if err := parseWithEnv(flag.NewFlagSet("t", flag.ContinueOnError), nil, lookup); err != nil {
		t.Errorf("parseWithEnv with no matching flags = %v; want nil", err)
	}
	fs = flag.NewFlagSet("t", flag.ContinueOnError)
	cfg.bind(fs)
	if err := parseWithEnv(fs, nil, lookup); err == nil || !strings.Contains(err.Error(), "ALONGSIDE_DEMO_SEED") {
		t.Errorf("parseWithEnv(bad env) = %v; want an error naming ALONGSIDE_DEMO_SEED", err)
	}
}
