package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/geo"
	"github.com/alongside/alongside/geo/osrm"
	"github.com/alongside/alongside/server"
)

// Flag names of alongside serve; each also reads ALONGSIDE_<NAME> (upper
// case, '-' as '_') from the environment when the flag is not given.
const (
	flagAddr     = "addr"
	flagStore    = "store"
	flagOrg      = "org"
	flagDemo     = "demo"
	flagDemoSeed = "demo-seed"
	flagLogLevel = "log-level"
	flagOSRM     = "osrm"
)

// osrmCacheLegs is the in-process cache of road legs in front of OSRM
// (16 bytes a leg and its key: about 10 MiB).
const osrmCacheLegs = 200_000

type serveConfig struct {
	addr     string
	store    string
	org      string
	demo     bool
	demoSeed uint64
	logLevel string
	policy   string
	osrm     string
}

func (c *serveConfig) bind(fs *flag.FlagSet) {
	fs.StringVar(&c.addr, flagAddr, "127.0.0.1:8080", "listen `address` (host:port; port 0 picks one)")
	fs.StringVar(&c.store, flagStore, "alongside.db", "store `URL`: a file path or file:///path for the embedded store, redis://, rediss:// or unix:// for Redis")
	fs.StringVar(&c.org, flagOrg, string(server.DefaultOrg), "`organization` every call acts in (until authentication assigns one per caller)")
	fs.BoolVar(&c.demo, flagDemo, false, "load deterministic Arizona sample data into an empty store")
	fs.Uint64Var(&c.demoSeed, flagDemoSeed, 1, "`seed` of the sample data")
	fs.StringVar(&c.logLevel, flagLogLevel, "info", "log `level`: debug, info, warn or error")
	fs.StringVar(&c.policy, flagPolicy, "", "matching policy `file` (YAML, see matcher/policy.yaml); empty: the built-in policy")
	fs.StringVar(&c.osrm, flagOSRM, "", "OSRM `URL` (e.g. http://osrm.internal:5000) for road travel times in matching and day plans; empty: straight-line estimates")
}

func (c *serveConfig) validate() error {
	var errs []error
	if _, _, err := net.SplitHostPort(c.addr); err != nil {
		errs = append(errs, fmt.Errorf("-%s: %w", flagAddr, err))
	}
	if c.store == "" {
		errs = append(errs, fmt.Errorf("-%s: must not be empty", flagStore))
	}
	if reason := alongside.CheckID(c.org); reason != "" {
		errs = append(errs, fmt.Errorf("-%s: %s", flagOrg, reason))
	}
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(c.logLevel)); err != nil {
		errs = append(errs, fmt.Errorf("-%s: %w", flagLogLevel, err))
	}
	if c.osrm != "" {
		if u, err := url.Parse(c.osrm); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("-%s: must be an http:// or https:// URL with a host", flagOSRM))
		}
	}
	return errors.Join(errs...)
}

func runServe(ctx context.Context, args []string, _, stderr io.Writer) error {
	var cfg serveConfig
	if err := parseConfig(&cfg, "serve", "[flags]",
		"Serves the Connect API (Connect, gRPC and gRPC-Web on one port) with the 48-hour cascade.", args, stderr); err != nil {
		return err
	}
	policies, err := readPolicy(cfg.policy)
	if err != nil {
		return err
	}
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(cfg.logLevel))
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: lvl}))

	st, err := openStore(ctx, cfg.store, log)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := st.Close(); cerr != nil {
			log.Error("close store", slog.String("error", cerr.Error()))
		}
	}()
	org := alongside.OrgID(cfg.org)
	if cfg.demo {
		n, err := loadDemo(ctx, st, org, cfg.demoSeed, time.Now())
		if err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		log.Info("demo data", slog.Int("records", n), slog.Uint64("seed", cfg.demoSeed))
	}
	var travel geo.TravelModel
	if cfg.osrm != "" {
		travel = geo.NewCachedModel(&osrm.Client{BaseURL: cfg.osrm}, osrmCacheLegs)
	}
	srv, err := server.New(server.Config{Store: st, Logger: log, Org: org, Policies: policies, Travel: travel})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	return srv.Serve(ctx, ln)
}

// parseWithEnv parses args into fs; a flag not given on the command line
// takes ALONGSIDE_<NAME> from lookup when set.
func parseWithEnv(fs *flag.FlagSet, args []string, lookup func(string) (string, bool)) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] {
			return
		}
		if v, ok := lookup(envName(f.Name)); ok {
			if err := f.Value.Set(v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", envName(f.Name), err))
			}
		}
	})
	return errors.Join(errs...)
}

func envName(flagName string) string {
	b := []byte("ALONGSIDE_" + flagName)
	for i, c := range b {
		switch {
		case c == '-':
			b[i] = '_'
		case c >= 'a' && c <= 'z':
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
