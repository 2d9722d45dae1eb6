package redisstore_test

import (
	"testing"

	"github.com/alongside/alongside/store/storetest"
)

// TestContract runs the store contract suite with a private redis-server
// per subtest (AOF everysec), whose Reopen is kill -9 and a restart on the
// same data directory.
func TestContract(t *testing.T) {
	storetest.Run(t, crashHarness())
}

// TestContractSharedServer runs the suite on the package's one server,
// each store under its own key prefix, as service replicas and tenants
// of one Redis would share it.
func TestContractSharedServer(t *testing.T) {
	storetest.Run(t, sharedHarness())
}

func BenchmarkReserve(b *testing.B) {
	storetest.BenchmarkReserve(b, sharedHarness())
}
