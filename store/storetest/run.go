package storetest

import "testing"

// Run runs the contract suite against the stores h opens. Every subtest
// opens its own empty store; see the package documentation for what is
// checked and the choices the suite fixes beyond the store.Store docs.
func Run(t *testing.T, h Harness) {
	t.Run("Partners", partnerKind().run(h))
	t.Run("Cases", caseKind().run(h))
	t.Run("Appointments", appointmentKind().run(h))
	for _, tc := range []struct {
		name string
		test func(*testing.T, Harness)
	}{
		{"CaseExternalRef", testExternalRef},
		{"OrgIsolation", testOrgIsolation},
		{"ListFilters", testFilters},
		{"PageSize", testPageSize},
		{"Reserve", testReserve},
		{"ReserveRefusals", testRefusals},
		{"ReserveErrors", testReserveErrors},
		{"ReserveAlternates", testReserveAlternates},
		{"Transitions", testTransitions},
		{"Audit", testAudit},
		{"ExpiresExactlyAtDeadline", testExpiresAtDeadline},
		{"ExpireHolds", testExpireHolds},
		{"Idempotency/Replay", testReplay},
		{"Idempotency/ConcurrentSameKey", testConcurrentSameKey},
		{"Idempotency/KeyReuseDifferentPayload", testKeyReuse},
		{"Idempotency/Scope", testKeyScope},
		{"Idempotency/Retention", testRetention},
		{"ReserveRace", testReserveRace},
		{"ConcurrentTransitions", testConcurrentTransitions},
		{"ConfirmVersusExpire", testConfirmVersusExpire},
		{"Restart", testRestart},
		{"RealClock", testRealClock},
		{"Plans", testPlans},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.test(t, h) })
	}
}
