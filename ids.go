package alongside

import (
	"crypto/rand"
	"encoding/base32"
	"strconv"
	"strings"
	"unicode/utf8"
)

// OrgID names an organization (a provider agency). Every stored record
// belongs to exactly one organization, and every store key, index and list
// is scoped by it.
type OrgID string

// PartnerID identifies a parent partner within an organization.
type PartnerID string

// CaseID identifies a case within an organization.
type CaseID string

// AppointmentID identifies an appointment within an organization.
type AppointmentID string

// AssignmentID identifies a hold or assignment of a case to a partner.
type AssignmentID string

// maxIDLen bounds every identifier.
const maxIDLen = 64

// CheckID returns a reason why id is not a valid identifier, or "" if it is
// one. Identifiers are 1–64 characters of ASCII letters, digits, '_', '-'
// and '.', starting with a letter or digit: safe in store keys, URLs and
// logs.
func CheckID(id string) string {
	if id == "" {
		return "must not be empty"
	}
	if len(id) > maxIDLen {
		return "must be at most 64 characters"
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || c != '_' && c != '-' && c != '.') {
			return "must be letters, digits, '_', '-' or '.', starting with a letter or digit"
		}
	}
	return ""
}

var idEncoding = base32.NewEncoding("0123456789abcdefghjkmnpqrstvwxyz").WithPadding(base32.NoPadding)

// NewID returns a fresh random identifier with the given prefix, e.g.
// "p_7hd2k…" for a partner: 80 random bits, so identifiers are not
// guessable from one another.
func NewID(prefix string) string {
	var b [10]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go ≥ 1.24)
	return prefix + "_" + idEncoding.EncodeToString(b[:])
}

// CheckText returns a reason why s is not acceptable free text of at most
// max runes, or "" if it is: it must be valid UTF-8 without control or
// bidirectional formatting characters (which can disguise text in a
// console or log).
func CheckText(s string, max int) string {
	if !utf8.ValidString(s) {
		return "must be valid UTF-8"
	}
	if utf8.RuneCountInString(s) > max {
		return "must be at most " + strconv.Itoa(max) + " characters"
	}
	if strings.ContainsFunc(s, forbiddenRune) {
		return "must not contain control or bidirectional formatting characters"
	}
	return ""
}

func forbiddenRune(r rune) bool {
	switch {
	case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069, r == 0x200e, r == 0x200f, r == 0x061c:
		return true
	}
	return false
}
