package server

import (
	"testing"
)

func TestPageToken(t *testing.T) {
	t.Parallel()
	bind := scope("org1", "partners", "status=active")
	tok := encodePageToken(bind, "p_123")
	if got, err := decodePageToken(bind, tok); err != nil || got != "p_123" {
		t.Fatalf("decodePageToken(encode(p_123)) = %q, %v; want p_123, nil", got, err)
	}
	if tok := encodePageToken(bind, ""); tok != "" {
		t.Errorf("encodePageToken(end) = %q; want empty", tok)
	}
	bad := []struct{ name, token string }{
		{"other filters", encodePageToken(scope("org1", "partners", "status=inactive"), "p_123")},
		{"other org", encodePageToken(scope("org2", "partners", "status=active"), "p_123")},
		{"other list", encodePageToken(scope("org1", "cases", "status=active"), "p_123")},
		{"not base64", "!!!"},
		{"truncated", tok[:6]},
		{"bad cursor", encodePageToken(bind, "../x")},
	}
	for _, tt := range bad {
		if _, err := decodePageToken(bind, tt.token); err == nil {
			t.Errorf("%s: decodePageToken(%q) = nil error; want page_token error", tt.name, tt.token)
		}
	}
}

func FuzzPageToken(f *testing.F) {
	bind := scope("org1", "partners")
	f.Add(encodePageToken(bind, "p_1"))
	f.Add("")
	f.Add("AQ")
	f.Fuzz(func(t *testing.T, token string) {
		cursor, err := decodePageToken(bind, token)
		if err != nil {
			return
		}
		if token == "" {
			return
		}
		if again := encodePageToken(bind, cursor); again != token {
			// A token that decodes must be the canonical encoding of its cursor.
			if c2, err := decodePageToken(bind, again); err != nil || c2 != cursor {
				t.Fatalf("round trip of %q: cursor %q re-encodes to %q", token, cursor, again)
			}
		}
	})
}
