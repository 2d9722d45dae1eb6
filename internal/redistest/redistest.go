package redistest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// ReadyTimeout bounds how long [Start], [StartMain] and [Server.Restart]
// wait for a started server to answer PING (loading its AOF included).
const ReadyTimeout = 15 * time.Second

// fallbackBinary is where Debian's redis-server package installs the server.
const fallbackBinary = "/usr/bin/redis-server"

// Option configures a server started by [Start], [StartMain] or [New].
type Option func(*config)

type config struct {
	fsync string
	extra []string
}

// AppendFsyncAlways makes the server fsync its AOF after every write batch
// (appendfsync always) instead of once a second.
func AppendFsyncAlways() Option {
	return func(c *config) { c.fsync = "always" }
}

// Args appends raw redis-server command-line arguments, such as
// Args("--maxmemory-policy", "allkeys-lru"). Later arguments override the
// defaults.
func Args(args ...string) Option {
	return func(c *config) { c.extra = append(c.extra, args...) }
}

// Server is a redis-server child process on a private unix socket. Its
// methods are safe for concurrent use.
type Server struct {
	bin  string
	dir  string
	sock string
	args []string

	mu   sync.Mutex
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd has exited
	log  *os.File
}

// Start starts a server for tb and stops it, removing its directory, when
// tb's test ends; if the test failed, the end of the server's log is
// logged first. A missing binary or a server that does not become ready
// fails tb.
func Start(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s, err := New(opts...)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if tb.Failed() {
			tb.Logf("redis-server log (%s):\n%s", s.dir, s.logTail())
		}
		if err := s.Close(); err != nil {
			tb.Error(err)
		}
	})
	return s
}

// StartMain starts one server for a whole test package, from TestMain:
//
//	func TestMain(m *testing.M) {
//		srv, stop := redistest.StartMain()
//		url = srv.URL()
//		code := m.Run()
//		stop()
//		os.Exit(code)
//	}
//
// If the server cannot start (a missing binary included) it prints why to
// standard error and exits the test binary with status 1. stop kills the
// server and removes its directory.
func StartMain(opts ...Option) (*Server, func()) {
	s, err := New(opts...)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	return s, func() {
		if err := s.Close(); err != nil {
			fmt.Fprintln(os.Stderr, err)
		}
	}
}

// New starts a server and waits until it answers PING. The caller must
// Close it.
func New(opts ...Option) (*Server, error) {
	cfg := config{fsync: "everysec"}
	for _, o := range opts {
		o(&cfg)
	}
	bin, err := binary(fallbackBinary)
	if err != nil {
		return nil, err
	}
	// A short directory: a unix socket path must fit in about 107 bytes,
	// and t.TempDir() paths can be longer.
	dir, err := os.MkdirTemp("", "rt")
	if err != nil {
		return nil, fmt.Errorf("redistest: %w", err)
	}
	s := &Server{bin: bin, dir: dir, sock: filepath.Join(dir, "redis.sock")}
	s.args = append([]string{
		"--port", "0",
		"--unixsocket", s.sock,
		"--unixsocketperm", "700",
		"--dir", dir,
		"--save", "",
		"--appendonly", "yes",
		"--appendfsync", cfg.fsync,
		"--enable-debug-command", "local",
		"--maxmemory-policy", "noeviction",
		"--daemonize", "no",
		"--logfile", "",
	}, cfg.extra...)
	if err := s.start(); err != nil {
		_ = os.RemoveAll(dir)
		return nil, err
	}
	return s, nil
}

// binary finds redis-server on PATH or at fallback.
func binary(fallback string) (string, error) {
	if p, err := exec.LookPath("redis-server"); err == nil {
		return p, nil
	}
	if _, err := os.Stat(fallback); err == nil {
		return fallback, nil
	}
	return "", errors.New("redistest: redis-server not found on PATH or at " + fallback +
		": run scripts/test.sh, the repository's test script, which installs it (Debian package redis-server)")
}

// Addr returns the path of the server's unix socket.
func (s *Server) Addr() string { return s.sock }

// URL returns the server's address as a go-redis URL, "unix://<socket>".
func (s *Server) URL() string { return "unix://" + s.sock }

// Dir returns the server's data directory (the AOF is under appendonlydir/).
func (s *Server) Dir() string { return s.dir }

// Client returns a go-redis client for the server, without retries,
// closed when tb's test ends. It is meant for test set-up and fault
// injection (CONFIG SET, DEBUG SLEEP).
func (s *Server) Client(tb testing.TB) *redis.Client {
	tb.Helper()
	c := redis.NewClient(&redis.Options{Network: "unix", Addr: s.sock, MaxRetries: -1, DisableIdentity: true})
	tb.Cleanup(func() { _ = c.Close() })
	return c
}

// start runs the process and waits for it to be ready. s.mu must not be
// held by another start.
func (s *Server) start() error {
	log, err := os.OpenFile(filepath.Join(s.dir, "redis.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("redistest: %w", err)
	}
	cmd := exec.Command(s.bin, s.args...)
	cmd.Dir = s.dir
	cmd.Stdout = log
	cmd.Stderr = log
	cmd.SysProcAttr = sysProcAttr()
	if err := cmd.Start(); err != nil {
		_ = log.Close()
		return fmt.Errorf("redistest: start redis-server: %w", err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	s.mu.Lock()
	s.cmd, s.done, s.log = cmd, done, log
	s.mu.Unlock()

	if err := s.waitReady(done); err != nil {
		_ = s.Kill()
		return err
	}
	return nil
}

// waitReady polls PING until +PONG (a loading server answers -LOADING),
// the process exits, or ReadyTimeout passes.
func (s *Server) waitReady(done <-chan struct{}) error {
	deadline := time.Now().Add(ReadyTimeout)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		if ping(s.sock) == nil {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("redistest: redis-server not ready after %v; log:\n%s", ReadyTimeout, s.logTail())
		}
		select {
		case <-done:
			return fmt.Errorf("redistest: redis-server exited during start; log:\n%s", s.logTail())
		case <-tick.C:
		}
	}
}

// ping sends one inline PING and expects +PONG.
func ping(sock string) error {
	c, err := net.DialTimeout("unix", sock, 100*time.Millisecond)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(200 * time.Millisecond)); err != nil {
		return err
	}
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if line = strings.TrimSpace(line); line != "+PONG" {
		return errors.New(line)
	}
	return nil
}

// logTail returns the last lines of the server's log.
func (s *Server) logTail() string {
	b, err := os.ReadFile(filepath.Join(s.dir, "redis.log"))
	if err != nil {
		return err.Error()
	}
	lines := bytes.Split(bytes.TrimSpace(b), []byte("\n"))
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	return string(bytes.Join(lines, []byte("\n")))
}

// Kill sends SIGKILL to the server (and any child it forked, such as an
// AOF rewrite) and waits for it to exit. Killing a stopped server does
// nothing.
func (s *Server) Kill() error {
	s.mu.Lock()
	cmd, done, log := s.cmd, s.done, s.log
	s.cmd, s.done, s.log = nil, nil, nil
	s.mu.Unlock()
	if cmd == nil {
		return nil
	}
	// The process leads its own group: kill the group.
	err := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	if errors.Is(err, syscall.ESRCH) {
		err = nil
	}
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		err = errors.Join(err, errors.New("redistest: redis-server did not exit after SIGKILL"))
	}
	return errors.Join(err, log.Close())
}

// Restart starts the server again on the same directory and socket (after
// killing it if it still runs) and waits until it has loaded its data and
// answers PING.
func (s *Server) Restart() error {
	if err := s.Kill(); err != nil {
		return err
	}
	return s.start()
}

// Close kills the server and removes its directory.
func (s *Server) Close() error {
	err := s.Kill()
	return errors.Join(err, os.RemoveAll(s.dir))
}
