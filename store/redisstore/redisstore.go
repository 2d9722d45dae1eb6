package redisstore

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/store"
)

// Defaults of [Options].
const (
	// DefaultPrefix is the key prefix when Options.Prefix is "".
	DefaultPrefix = "al"
	// DefaultOpTimeout bounds an operation when Options.OpTimeout is 0.
	DefaultOpTimeout = time.Second
	// DialTimeout bounds connecting to Redis (unless the URL sets
	// dial_timeout), so an unreachable server fails fast.
	DialTimeout = 250 * time.Millisecond
)

// Options configures a [Store]. The zero value works.
type Options struct {
	// Clock is the store's clock. nil (production) reads Redis TIME inside
	// each script: the one clock all service replicas share. Tests pass a
	// fake clock; its reading is passed to each script.
	Clock func() time.Time
	// Prefix starts every key ("<prefix>:{<org>}:…"), so several stores
	// can share one server. "" means "al". It must be letters, digits,
	// '_', '-', '.' or ':'.
	Prefix string
	// OpTimeout bounds each operation (one script or command, or one list
	// page) when the caller's context allows longer. 0 means 1s. It is
	// also the socket read and write timeout unless the URL sets them.
	OpTimeout time.Duration
}

// Store is a [store.Store] on one Redis primary. It is safe for concurrent
// use by many goroutines and by many processes sharing the server.
type Store struct {
	rdb       *redis.Client
	prefix    string
	clock     func() time.Time
	opTimeout time.Duration
	sc        *scripts
	warnings  []string
	sysActor  string   // audit.System as JSON
	indexed   sync.Map // OrgID → struct{}: organizations known to be in the orgs set
}

var _ store.Store = (*Store)(nil)

// Open connects to the Redis server at url (redis://, rediss:// or
// unix://, parsed by redis.ParseURL; query parameters such as
// dial_timeout are honoured) and checks its configuration: a
// maxmemory-policy other than noeviction makes Open fail, because eviction
// would silently delete holds and idempotency records; appendonly no is
// reported by [Store.Warnings]. An unreachable server fails within about
// the dial timeout with [store.ErrUnavailable]. Error messages never carry
// the URL's credentials.
func Open(ctx context.Context, url string, opts Options) (*Store, error) {
	o, err := redis.ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("redisstore: invalid Redis URL: %s", urlError(err))
	}
	if opts.OpTimeout <= 0 {
		opts.OpTimeout = DefaultOpTimeout
	}
	if opts.Prefix == "" {
		opts.Prefix = DefaultPrefix
	}
	if reason := checkPrefix(opts.Prefix); reason != "" {
		return nil, fmt.Errorf("redisstore: prefix %s", reason)
	}
	// A client-side error means "outcome unknown": never retry silently
	// (the scripts make the caller's own retry safe).
	if o.MaxRetries == 0 {
		o.MaxRetries = -1
	}
	if o.DialTimeout == 0 {
		o.DialTimeout = DialTimeout
	}
	if o.DialerRetries == 0 {
		o.DialerRetries = 1
	}
	if o.ReadTimeout == 0 {
		o.ReadTimeout = opts.OpTimeout
	}
	if o.WriteTimeout == 0 {
		o.WriteTimeout = opts.OpTimeout
	}
	if o.PoolTimeout == 0 {
		o.PoolTimeout = opts.OpTimeout
	}
	o.ContextTimeoutEnabled = true // a caller's deadline bounds the socket wait
	o.DisableIdentity = true       // no CLIENT SETINFO round trip on connect

	sys, err := json.Marshal(audit.System)
	if err != nil {
		return nil, fmt.Errorf("redisstore: %w", err)
	}
	s := &Store{
		rdb:       redis.NewClient(o),
		prefix:    opts.Prefix,
		clock:     opts.Clock,
		opTimeout: opts.OpTimeout,
		sc:        loadScripts(),
		sysActor:  string(sys),
	}
	if err := s.checkConfig(ctx); err != nil {
		_ = s.rdb.Close()
		return nil, err
	}
	return s, nil
}

// urlError returns the reason a Redis URL did not parse, without the URL
// (which may hold a password).
func urlError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error()
	}
	return err.Error()
}

func checkPrefix(p string) string {
	for i := 0; i < len(p); i++ {
		c := p[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_-.:", c) >= 0) {
			return "must be letters, digits, '_', '-', '.' or ':'"
		}
	}
	return ""
}

// checkConfig reads the settings a system of record depends on (row E4).
func (s *Store) checkConfig(ctx context.Context) error {
	get := func(name string) (string, bool, error) {
		octx, cancel := s.op(ctx)
		defer cancel()
		m, err := s.rdb.ConfigGet(octx, name).Result()
		if err != nil {
			var rerr redis.Error
			if errors.As(err, &rerr) && !unavailableReply(rerr.Error()) {
				return "", false, nil // CONFIG refused (a managed service): cannot check
			}
			return "", false, s.fail(ctx, "check configuration", err)
		}
		v, ok := m[name]
		return v, ok, nil
	}
	policy, ok, err := get("maxmemory-policy")
	if err != nil {
		return err
	}
	switch {
	case !ok:
		s.warnings = append(s.warnings, "could not read maxmemory-policy (CONFIG GET refused): it must be noeviction, or Redis may evict holds and idempotency records")
	case policy != "noeviction":
		return fmt.Errorf("redisstore: Redis maxmemory-policy is %q; it must be noeviction, or Redis may silently evict holds and idempotency records", policy)
	}
	aof, ok, err := get("appendonly")
	if err != nil {
		return err
	}
	switch {
	case !ok:
		s.warnings = append(s.warnings, "could not read appendonly (CONFIG GET refused): without the AOF a Redis restart loses acknowledged writes")
	case aof != "yes":
		s.warnings = append(s.warnings, "Redis appendonly is "+strconv.Quote(aof)+": a Redis restart loses acknowledged writes; set appendonly yes (and appendfsync always for OS-crash durability)")
	}
	return nil
}

// Warnings returns what Open found risky but allowed, such as appendonly
// no, for the caller to log. nil means nothing.
func (s *Store) Warnings() []string { return append([]string(nil), s.warnings...) }

// Close closes the client's connections. Calls after Close fail with
// [store.ErrUnavailable].
func (s *Store) Close() error {
	if err := s.rdb.Close(); err != nil && !errors.Is(err, redis.ErrClosed) {
		return fmt.Errorf("redisstore: close: %w", err)
	}
	return nil
}

// op bounds one operation by OpTimeout.
func (s *Store) op(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, s.opTimeout)
}

// base returns the prefix of every key of org, with org as the hash tag.
func (s *Store) base(org alongside.OrgID) string { return s.prefix + ":{" + string(org) + "}:" }

// orgsKey is the set of organizations; it is only an index (another slot).
func (s *Store) orgsKey() string { return s.prefix + ":orgs" }

// keys returns KEYS[1..3] of every script followed by more.
func (s *Store) keys(org alongside.OrgID, more ...string) []string {
	b := s.base(org)
	return append([]string{b, b + "auditseq", b + "audit"}, more...)
}

// args returns ARGV[1..6] of every script (clock, actor, system actor)
// followed by more.
func (s *Store) args(by audit.Actor, more ...any) ([]any, error) {
	actor, err := json.Marshal(by)
	if err != nil {
		return nil, fmt.Errorf("redisstore: encode actor: %w", err)
	}
	ms, ns := "", ""
	if s.clock != nil {
		t := s.clock()
		ms, ns = strconv.FormatInt(t.UnixMilli(), 10), strconv.FormatInt(t.UnixNano(), 10)
	}
	return append([]any{ms, ns, string(actor), by.Principal, s.sysActor, audit.System.Principal}, more...), nil
}

// idemKey is the idempotency record of (org, principal, key). The
// principal is hashed: it may contain any character.
func (s *Store) idemKey(org alongside.OrgID, principal, key string) string {
	sum := sha256.Sum256([]byte(principal))
	return s.base(org) + "idem:" + hex.EncodeToString(sum[:16]) + ":" + key
}

// scriptError returns the sentinel of a script's error code (see
// lua/common.lua), or nil.
func scriptError(code string) error {
	switch code {
	case "AL_NOTFOUND":
		return store.ErrNotFound
	case "AL_EXISTS":
		return store.ErrAlreadyExists
	case "AL_CONFLICT":
		return store.ErrConflict
	case "AL_HOLDEXPIRED":
		return store.ErrHoldExpired
	case "AL_BADTRANSITION":
		return store.ErrBadTransition
	case "AL_KEYREUSED":
		return store.ErrKeyReused
	}
	return nil
}

// unavailableReply reports whether a Redis error reply means the server
// cannot serve now (loading its data, busy with a script, a replica, out
// of memory, unable to persist, ...).
func unavailableReply(msg string) bool {
	for _, p := range [...]string{
		"LOADING", "BUSY", "MASTERDOWN", "READONLY", "TRYAGAIN", "CLUSTERDOWN",
		"MISCONF", "NOREPLICAS", "OOM", "ERR max number of clients",
	} {
		if strings.HasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// fail maps an error of operation op to the store's errors. ctx is the
// caller's context (not the one bounded by OpTimeout). It maps: a script's
// refusal to its sentinel; the caller's own cancellation or deadline to
// that context error; anything that means the server could not be reached
// or did not answer in time to store.ErrUnavailable.
func (s *Store) fail(ctx context.Context, op string, err error) error {
	var rerr redis.Error
	if errors.As(err, &rerr) {
		msg := rerr.Error()
		code, detail, _ := strings.Cut(msg, " ")
		if sentinel := scriptError(code); sentinel != nil {
			if detail = strings.TrimSpace(detail); detail != "" {
				return fmt.Errorf("redisstore: %s: %s: %w", op, detail, sentinel)
			}
			return fmt.Errorf("redisstore: %s: %w", op, sentinel)
		}
		if unavailableReply(msg) {
			return fmt.Errorf("redisstore: %s: %w: %w", op, store.ErrUnavailable, err)
		}
	}
	if cerr := callerDone(ctx); cerr != nil {
		return fmt.Errorf("redisstore: %s: %w", op, cerr)
	}
	var nerr net.Error
	switch {
	case errors.Is(err, redis.ErrClosed), errors.Is(err, redis.ErrPoolTimeout), errors.Is(err, redis.ErrPoolExhausted),
		errors.Is(err, context.DeadlineExceeded), errors.As(err, &nerr),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.Is(err, syscall.ENOENT):
		return fmt.Errorf("redisstore: %s: %w: %w", op, store.ErrUnavailable, err)
	}
	return fmt.Errorf("redisstore: %s: %w", op, err)
}

// callerDone returns the caller's context error if the caller's context
// is cancelled or past its deadline (a socket deadline taken from the
// context can fire a moment before the context's own timer).
func callerDone(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d, ok := ctx.Deadline(); ok && !time.Now().Before(d) {
		return context.DeadlineExceeded
	}
	return nil
}
