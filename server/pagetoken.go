package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"

	"github.com/alongside/alongside"
)

// A page token is opaque to clients: base64url of a version byte, an
// 8-byte digest binding the token to the organization, the list and its
// filters, and the store cursor. A token replayed with other filters, in
// another organization or altered in its digest is refused naming
// page_token. The cursor is only ever a position inside the caller's own
// organization, so a forged position reveals nothing a caller could not
// list anyway.
const pageTokenVersion = 1

// scope digests what a page token is bound to: the org, the list name and
// the request's filters, each already encoded by the caller.
func scope(org alongside.OrgID, parts ...string) []byte {
	h := sha256.New()
	h.Write([]byte(org))
	for _, p := range parts {
		h.Write([]byte{0})
		h.Write([]byte(p))
	}
	return h.Sum(nil)[:8]
}

// encodePageToken returns the token for the store cursor next, or "" when
// there is no next page.
func encodePageToken(binding []byte, next string) string {
	if next == "" {
		return ""
	}
	b := make([]byte, 0, 1+len(binding)+len(next))
	b = append(b, pageTokenVersion)
	b = append(b, binding...)
	b = append(b, next...)
	return base64.RawURLEncoding.EncodeToString(b)
}

// decodePageToken returns the store cursor in token, or a FieldError on
// page_token. An empty token starts from the beginning.
func decodePageToken(binding []byte, token string) (string, error) {
	if token == "" {
		return "", nil
	}
	bad := &alongside.FieldError{Field: "page_token", Reason: "is not a page token from this list with these filters"}
	if len(token) > 512 {
		return "", bad
	}
	b, err := base64.RawURLEncoding.DecodeString(token)
	if err != nil || len(b) <= 1+len(binding) || b[0] != pageTokenVersion || !bytes.Equal(b[1:1+len(binding)], binding) {
		return "", bad
	}
	cursor := string(b[1+len(binding):])
	if alongside.CheckID(cursor) != "" {
		return "", bad
	}
	return cursor, nil
}
