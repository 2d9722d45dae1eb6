// Package redistest starts private, real redis-server processes for tests.
//
// A [Server] is a child process of the test binary listening only on a unix
// socket in its own temporary directory (no TCP port), with the settings a
// system of record needs: AOF on (appendfsync everysec, or always with
// [AppendFsyncAlways]), no RDB snapshots, maxmemory-policy noeviction and
// DEBUG enabled for local connections (DEBUG SLEEP, DEBUG DIGEST). Because
// the process is owned by the test, it can be killed with SIGKILL
// ([Server.Kill]) and started again on the same data ([Server.Restart]) to
// check what survives a crash.
//
// Use [Start] in a test, or [StartMain] once per package in TestMain, since
// a server takes a few tens of milliseconds to start; tests sharing one
// server keep apart by key prefix.
//
// The redis-server binary is looked up on PATH, then at
// /usr/bin/redis-server. A missing binary fails the test (never skips it):
// run scripts/test.sh, the repository's test script, which installs it.
package redistest
