package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	"connectrpc.com/grpchealth"
	"connectrpc.com/grpcreflect/v2"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/api/gen/alongside/v1/alongsidev1connect"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/cascade"
	"github.com/alongside/alongside/geo"
	"github.com/alongside/alongside/matcher"
	"github.com/alongside/alongside/store"
)

// Defaults for Config fields left zero.
const (
	DefaultMaxRequestBytes = 1 << 20 // 1 MiB
	DefaultDrainTimeout    = 10 * time.Second
	DefaultOrg             = alongside.OrgID("demo")
)

// Config configures a Server. Its zero value is not usable: Store is
// required.
type Config struct {
	// Store is the system of record. Required. The Server does not close it.
	Store store.Store
	// Logger receives operational logs (procedures, codes, durations, IDs;
	// never personal data). Nil discards them.
	Logger *slog.Logger
	// Org is the organization every call acts in until authentication
	// assigns one per caller. Empty means DefaultOrg.
	Org alongside.OrgID
	// MaxRequestBytes bounds a request message after decompression; larger
	// requests fail with resource_exhausted. Zero means
	// DefaultMaxRequestBytes.
	MaxRequestBytes int
	// DrainTimeout bounds graceful shutdown. Zero means DefaultDrainTimeout.
	DrainTimeout time.Duration
	// SweepInterval is how often Serve's sweeper marks passed holds
	// expired. Zero means one second.
	SweepInterval time.Duration
	// ReadinessInterval is how often Serve probes the store for health
	// checks. Zero means one second.
	ReadinessInterval time.Duration
	// Policies are the matching policies by program. Nil means
	// matcher.DefaultPolicy().
	Policies *matcher.PolicySet
	// CascadeInterval is how often Serve's 48-hour cascade looks for cases
	// due a step (declines and releases wake it at once). Zero means one
	// second.
	CascadeInterval time.Duration
	// NewCaseGrace is how long the cascade leaves a new case to the intake
	// worker's own MatchCase. Zero means 5 minutes.
	NewCaseGrace time.Duration
	// Travel is the travel model of matching and day plans (road times
	// from OSRM through geo.CachedModel, say). Nil means each uses its
	// default: the matching policy's straight-line estimate, and
	// geo.GreatCircle with Arizona's urban areas for day plans.
	Travel geo.TravelModel
}

// services are the API services this server registers, for health checks.
var services = []string{alongsidev1connect.RosterServiceName, alongsidev1connect.MatchServiceName, alongsidev1connect.ScheduleServiceName}

// Server serves Alongside's Connect API (Connect, gRPC and gRPC-Web on one
// port) with gRPC health checking and server reflection.
type Server struct {
	cfg     Config
	log     *slog.Logger
	health  *grpchealth.StaticChecker
	mux     *http.ServeMux
	metrics *metrics
	engine  *cascade.Engine

	policyVersion string
}

// New returns a Server for cfg.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("server: Config.Store is required")
	}
	if cfg.Org == "" {
		cfg.Org = DefaultOrg
	}
	if reason := alongside.CheckID(string(cfg.Org)); reason != "" {
		return nil, fmt.Errorf("server: Config.Org %s", reason)
	}
	if cfg.MaxRequestBytes <= 0 {
		cfg.MaxRequestBytes = DefaultMaxRequestBytes
	}
	if cfg.DrainTimeout <= 0 {
		cfg.DrainTimeout = DefaultDrainTimeout
	}
	if cfg.ReadinessInterval <= 0 {
		cfg.ReadinessInterval = time.Second
	}
	if cfg.Policies == nil {
		cfg.Policies = matcher.DefaultPolicy()
	}
	s := &Server{cfg: cfg, log: cfg.Logger, metrics: newMetrics(), policyVersion: policyVersion(cfg.Policies)}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	s.engine = &cascade.Engine{
		Store: cfg.Store, Policies: cfg.Policies, Interval: cfg.CascadeInterval, Travel: cfg.Travel,
		NewCaseGrace: cfg.NewCaseGrace, Logger: s.log,
		OnEscalate: func(alongside.OrgID, alongside.CaseID, *alongside.Escalation) { s.metrics.escalations.Inc() },
	}

	cs := connect.NewServer(s.recoverPanics, s.logCalls)
	alongsidev1connect.RegisterRosterServiceHandler(cs, &rosterService{s: s})
	alongsidev1connect.RegisterMatchServiceHandler(cs, &matchService{s: s})
	alongsidev1connect.RegisterScheduleServiceHandler(cs, &scheduleService{s: s})
	// Reflection lists what this server serves: the API services, health
	// (mounted beside the Connect server) and reflection itself.
	grpcreflect.Register(cs, grpcreflect.WithNamer(grpcreflect.NamerFunc(func() []string {
		return append(slices.Clone(services), grpchealth.HealthV1ServiceName,
			grpcreflect.ReflectV1ServiceName, grpcreflect.ReflectV1AlphaServiceName)
	})))

	s.health = grpchealth.NewStaticChecker(services...)
	s.mux = http.NewServeMux()
	connecthttp.Mount(s.mux, cs, connecthttp.WithReadMaxBytes(cfg.MaxRequestBytes))
	s.mux.Handle(grpchealth.NewHandler(s.health))
	s.mux.Handle("GET /metrics", s.metrics.handler())
	s.mux.HandleFunc("GET /feeds/partners/{file}", s.feed)
	return s, nil
}

// Handler returns the HTTP handler serving every route.
func (s *Server) Handler() http.Handler {
	return http.MaxBytesHandler(s.mux, int64(s.cfg.MaxRequestBytes)+64<<10)
}

// Serve serves on ln until ctx is done, then shuts down gracefully: health
// turns NOT_SERVING, the listener closes, and in-flight calls get up to
// DrainTimeout to finish. It returns nil after a clean shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	protocols := new(http.Protocols)
	protocols.SetHTTP1(true)
	protocols.SetUnencryptedHTTP2(true) // h2c for gRPC clients on a private network
	hs := &http.Server{
		Handler:           s.Handler(),
		Protocols:         protocols,
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	sweeper := &cascade.Sweeper{
		Store:     s.cfg.Store,
		Interval:  s.cfg.SweepInterval,
		Logger:    s.log,
		OnExpired: func(*alongside.Assignment) { s.metrics.holdsExpired.Inc(); s.engine.Kick() },
	}
	bgCtx, stopBackground := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() { _ = sweeper.Run(bgCtx) })
	wg.Go(func() { _ = s.engine.Run(bgCtx) })
	wg.Go(func() { s.watchStore(bgCtx) })
	defer wg.Wait()
	defer stopBackground()

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	s.log.Info("serving", slog.String("addr", ln.Addr().String()))

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	stopBackground()
	wg.Wait() // no readiness probe may turn health back on while draining
	s.setServing(false)
	s.log.Info("draining", slog.String("timeout", s.cfg.DrainTimeout.String()))
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.DrainTimeout)
	defer cancel()
	err := hs.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	s.log.Info("stopped")
	return nil
}

// setServing sets the health of the server and its services.
func (s *Server) setServing(ok bool) {
	status := grpchealth.StatusNotServing
	if ok {
		status = grpchealth.StatusServing
	}
	s.health.SetStatus("", status)
	for _, name := range services {
		s.health.SetStatus(name, status)
	}
}

// watchStore probes the store every ReadinessInterval and reports the
// server NOT_SERVING while the store does not answer within half of it, so
// a load balancer stops sending calls that could only fail unavailable.
func (s *Server) watchStore(ctx context.Context) {
	t := time.NewTicker(s.cfg.ReadinessInterval)
	defer t.Stop()
	serving := true
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		pctx, cancel := context.WithTimeout(ctx, s.cfg.ReadinessInterval/2)
		_, err := s.cfg.Store.Now(pctx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		if ok := err == nil; ok != serving {
			serving = ok
			s.setServing(ok)
			s.log.WarnContext(ctx, "store readiness", slog.Bool("serving", ok))
		}
	}
}

// org returns the organization a call acts in.
func (s *Server) org(context.Context) alongside.OrgID { return s.cfg.Org }

// actor returns who a call acts for, for the audit trail.
func (s *Server) actor(ctx context.Context) audit.Actor {
	a := audit.Actor{Principal: "dev:anonymous", Role: "coordinator"}
	if info, ok := connect.CallInfoForServerContext(ctx); ok {
		if id := info.RequestHeader().Get("X-Request-Id"); alongside.CheckID(id) == "" {
			a.RequestID = id
		}
	}
	return a
}

// recoverPanics turns a handler panic into an internal error, logged with
// the procedure only.
func (s *Server) recoverPanics(next connect.ServerFunc) connect.ServerFunc {
	return func(ctx context.Context, spec connect.Spec, stream connect.ServerStream) (err error) {
		defer func() {
			if r := recover(); r != nil {
				s.log.ErrorContext(ctx, "handler panic", slog.String("procedure", spec.Procedure))
				err = connect.NewError(connect.CodeInternal, "internal error")
			}
		}()
		return next(ctx, spec, stream)
	}
}

// logCalls logs each call's procedure, code and duration, and maps errors
// to Connect codes (codeError).
func (s *Server) logCalls(next connect.ServerFunc) connect.ServerFunc {
	return func(ctx context.Context, spec connect.Spec, stream connect.ServerStream) error {
		start := time.Now()
		err := s.codeError(ctx, spec.Procedure, next(ctx, spec, stream))
		level, code := slog.LevelDebug, "ok"
		if err != nil {
			c := connect.CodeOf(err)
			code = c.String()
			if c == connect.CodeInternal || c == connect.CodeUnknown || c == connect.CodeUnavailable {
				level = slog.LevelWarn
			}
		}
		s.metrics.rpcs.WithLabelValues(spec.Procedure, code).Inc()
		s.log.Log(ctx, level, "rpc",
			slog.String("procedure", spec.Procedure),
			slog.String("code", code),
			slog.Float64("elapsed_ms", float64(time.Since(start).Microseconds())/1000))
		return err
	}
}
