package store

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"github.com/alongside/alongside"
)

// MaxKeyLen bounds an idempotency key (Stripe allows 255 characters).
const MaxKeyLen = 255

// CheckKey returns a reason why key is not a usable idempotency key, or ""
// if it is one: 1–255 printable ASCII characters (no spaces).
func CheckKey(key string) string {
	if key == "" {
		return "must not be empty"
	}
	if len(key) > MaxKeyLen {
		return "must be at most 255 characters"
	}
	for i := 0; i < len(key); i++ {
		if key[i] <= ' ' || key[i] > '~' {
			return "must be printable ASCII without spaces"
		}
	}
	return ""
}

// Validate reports every invalid field of r as a *alongside.FieldError
// (joined). It does not know the store's clock: whether ExpiresAt is in
// the future is checked inside the reservation's atomic unit.
func (r *Reservation) Validate() error {
	var errs []error
	add := func(field, reason string) {
		if reason != "" {
			errs = append(errs, &alongside.FieldError{Field: field, Reason: reason})
		}
	}
	add("org", alongside.CheckID(string(r.Org)))
	add("case", alongside.CheckID(string(r.Case)))
	add("partner", alongside.CheckID(string(r.Partner)))
	if len(r.Alternates) > MaxAlternates {
		add("alternates", fmt.Sprintf("must list at most %d partners", MaxAlternates))
	}
	seen := map[alongside.PartnerID]bool{r.Partner: true}
	for i, a := range r.Alternates[:min(len(r.Alternates), MaxAlternates)] {
		field := fmt.Sprintf("alternates[%d]", i)
		if reason := alongside.CheckID(string(a.Partner)); reason != "" {
			add(field+".partner", reason)
		} else if seen[a.Partner] {
			add(field+".partner", "must differ from partner and the other alternates")
		}
		seen[a.Partner] = true
		add(field+".score", checkScore(a.Score))
		add(field+".factors", checkFactors(a.Factors))
	}
	if r.Units < 0 || r.Units > alongside.MaxCapacity {
		add("units", fmt.Sprintf("must be between 0 and %d", alongside.MaxCapacity))
	}
	if r.ExpiresAt.IsZero() {
		add("expires_at", "must be set")
	}
	add("score", checkScore(r.Score))
	add("factors", checkFactors(r.Factors))
	if r.By.Principal == "" {
		add("by.principal", "must not be empty")
	}
	add("idempotency_key", CheckKey(r.Key))
	if len(r.Fingerprint) > 128 {
		add("fingerprint", "must be at most 128 characters")
	}
	return errors.Join(errs...)
}

func checkScore(s float64) string {
	if s < 0 || s > 100 || s != s {
		return "must be between 0 and 100"
	}
	return ""
}

func checkFactors(fs []alongside.Factor) string {
	if len(fs) > 32 {
		return "must list at most 32 factors"
	}
	return ""
}

// EffectiveFingerprint returns r.Fingerprint, or a digest of the case,
// partner, alternates and units when it is empty.
func (r *Reservation) EffectiveFingerprint() string {
	if r.Fingerprint != "" {
		return r.Fingerprint
	}
	s := string(r.Case) + "\x00" + string(r.Partner) + "\x00" + strconv.Itoa(int(r.Units))
	for _, a := range r.Alternates {
		s += "\x00" + string(a.Partner)
	}
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}

// RefusalReason words a refused reservation's outcome for a person, from
// the partner's load at the time.
func RefusalReason(o Outcome, l Load, units alongside.LoadUnits) string {
	switch o {
	case OutcomeFull:
		return fmt.Sprintf("partner has %d of %d load units free; the case needs %d", max(l.Free(), 0), l.Capacity, units)
	case OutcomeCaseTaken:
		return "the case already has a live hold or a confirmed partner"
	case OutcomePartnerUnavailable:
		return "the partner is not active"
	case OutcomeCaseClosed:
		return "the case is closed"
	}
	return ""
}
