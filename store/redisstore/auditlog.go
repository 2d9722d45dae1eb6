package redisstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/redis/go-redis/v9"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
)

// maxAuditPage bounds one ListAudit call.
const maxAuditPage = 10000

// ListAudit returns up to limit events of org with Seq > after, in Seq
// order. limit ≤ 0 means 50; it is capped at 10,000.
func (s *Store) ListAudit(ctx context.Context, org alongside.OrgID, after uint64, limit int) ([]audit.Event, error) {
	const op = "list audit"
	if alongside.CheckID(string(org)) != "" {
		return nil, nil
	}
	if limit <= 0 {
		limit = 50
	}
	limit = min(limit, maxAuditPage)
	octx, cancel := s.op(ctx)
	defer cancel()
	msgs, err := s.rdb.XRangeN(octx, s.base(org)+"audit", strconv.FormatUint(after+1, 10), "+", int64(limit)).Result()
	if err != nil {
		return nil, s.fail(ctx, op, err)
	}
	out := make([]audit.Event, 0, len(msgs))
	for _, m := range msgs {
		ev, err := decodeEvent(org, m)
		if err != nil {
			return out, fmt.Errorf("redisstore: %s: %w", op, err)
		}
		out = append(out, ev)
	}
	return out, nil
}

// AuditHead returns the Seq of org's latest audit event, 0 for none.
func (s *Store) AuditHead(ctx context.Context, org alongside.OrgID) (uint64, error) {
	const op = "audit head"
	if alongside.CheckID(string(org)) != "" {
		return 0, nil
	}
	octx, cancel := s.op(ctx)
	defer cancel()
	msgs, err := s.rdb.XRevRangeN(octx, s.base(org)+"audit", "+", "-", 1).Result()
	if err != nil {
		return 0, s.fail(ctx, op, err)
	}
	if len(msgs) == 0 {
		return 0, nil
	}
	seq, _, _ := strings.Cut(msgs[0].ID, "-")
	head, err := strconv.ParseUint(seq, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("redisstore: %s: bad stream ID: %w", op, err)
	}
	return head, nil
}

// decodeEvent decodes a stream entry written by audit() in common.lua.
func decodeEvent(org alongside.OrgID, m redis.XMessage) (audit.Event, error) {
	str := func(k string) string { v, _ := m.Values[k].(string); return v }
	seqStr, _, _ := strings.Cut(m.ID, "-")
	seq, err := strconv.ParseUint(seqStr, 10, 64)
	if err != nil {
		return audit.Event{}, fmt.Errorf("audit entry ID %q", m.ID)
	}
	ev := audit.Event{Seq: seq, Org: string(org), Action: str("a"), ObjectKind: str("k"), ObjectID: str("o"), Outcome: str("out")}
	if ev.Time, err = nsTime(str("t")); err != nil {
		return ev, fmt.Errorf("audit event %d: %w", seq, err)
	}
	if err := json.Unmarshal([]byte(str("ac")), &ev.Actor); err != nil {
		return ev, fmt.Errorf("audit event %d actor: %w", seq, err)
	}
	if r := str("r"); r != "" {
		if err := json.Unmarshal([]byte(r), &ev.Related); err != nil {
			return ev, fmt.Errorf("audit event %d related: %w", seq, err)
		}
	}
	return ev, nil
}

// Orgs returns every organization that has records, sorted.
func (s *Store) Orgs(ctx context.Context) ([]alongside.OrgID, error) {
	octx, cancel := s.op(ctx)
	defer cancel()
	names, err := s.rdb.SMembers(octx, s.orgsKey()).Result()
	if err != nil {
		return nil, s.fail(ctx, "list organizations", err)
	}
	slices.Sort(names)
	out := make([]alongside.OrgID, len(names))
	for i, n := range names {
		out[i] = alongside.OrgID(n)
	}
	return out, nil
}
