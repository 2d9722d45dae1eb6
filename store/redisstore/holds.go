package redisstore

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/store"
)

// record is an idempotency record as reserve.lua writes it (cjson).
type record struct {
	Fingerprint string              `json:"fp"`
	Outcome     store.Outcome       `json:"o"`
	Units       alongside.LoadUnits `json:"u"`
	Capacity    alongside.LoadUnits `json:"cap"`
	Committed   alongside.LoadUnits `json:"com"`
	Held        alongside.LoadUnits `json:"held"`
	Assignment  string              `json:"asg"`
	Doc         string              `json:"doc"` // the hold's JSON doc, "" for a refusal
	HeldNs      string              `json:"hns"`
	Case        alongside.CaseID    `json:"c"`
	Partner     alongside.PartnerID `json:"p"`
}

// result turns a record into the result it stands for.
func (r *record) result(replayed bool) (*store.ReserveResult, error) {
	res := &store.ReserveResult{
		Outcome:  r.Outcome,
		Load:     store.Load{Partner: r.Partner, Capacity: r.Capacity, Committed: r.Committed, Held: r.Held},
		Replayed: replayed,
	}
	if r.Outcome != store.OutcomeHeld {
		res.Reason = store.RefusalReason(r.Outcome, res.Load, r.Units)
		return res, nil
	}
	var a alongside.Assignment
	if err := json.Unmarshal([]byte(r.Doc), &a); err != nil {
		return nil, fmt.Errorf("decode hold: %w", err)
	}
	held, err := nsTime(r.HeldNs)
	if err != nil {
		return nil, err
	}
	a.Units, a.State, a.HeldAt = r.Units, alongside.StateHeld, held
	res.Hold = &a
	return res, nil
}

func decodeRecordJSON(v any) (*record, error) {
	str, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("idempotency record %v is not a string", v)
	}
	var r record
	if err := json.Unmarshal([]byte(str), &r); err != nil {
		return nil, fmt.Errorf("decode idempotency record: %w", err)
	}
	return &r, nil
}

// Reserve places a hold on the first of the reservation's partners with
// room: one reserve.lua run that checks the idempotency record, records
// each partner's passed holds as expired as it gets to the partner,
// decides, and writes the hold or refusals, their audit events and the
// record.
func (s *Store) Reserve(ctx context.Context, r store.Reservation) (*store.ReserveResult, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	const op = "reserve"
	id := alongside.AssignmentID(alongside.NewID("h"))
	// The scripts compare expiry in whole milliseconds: the stored
	// ExpiresAt is that instant, so a hold is never recorded expired
	// before its ExpiresAt.
	expires := time.UnixMilli(expiryMs(r.ExpiresAt)).In(r.ExpiresAt.Location())
	// Each candidate's hold document; the script stores the one placed.
	docs := make([][]byte, 0, 1+len(r.Alternates))
	for _, c := range r.Candidates() {
		doc, err := json.Marshal(&alongside.Assignment{
			Org: r.Org, ID: id, Case: r.Case, Partner: c.Partner,
			Score: c.Score, Factors: c.Factors, ExpiresAt: expires, HeldBy: r.By.Principal,
		})
		if err != nil {
			return nil, fmt.Errorf("redisstore: %s: %w", op, err)
		}
		docs = append(docs, doc)
	}
	b := s.base(r.Org)
	keys := s.keys(r.Org,
		s.idemKey(r.Org, r.By.Principal, r.Key),
		b+"partner:"+string(r.Partner),
		b+"case:"+string(r.Case),
		b+"held:"+string(r.Partner),
		b+"pending",
		b+"asgs",
		b+"asg:"+string(id),
	)
	args, err := s.args(r.By,
		r.EffectiveFingerprint(),
		int64(r.Units),
		expiryMs(r.ExpiresAt),
		string(id),
		docs[0],
		store.IdempotencyRetention.Milliseconds(),
		string(r.Case),
		string(r.Partner),
	)
	if err != nil {
		return nil, err
	}
	for i, a := range r.Alternates {
		args = append(args, string(a.Partner), docs[i+1])
	}
	octx, cancel := s.op(ctx)
	defer cancel()
	res, err := s.sc.reserve.Run(octx, s.rdb, keys, args...).Slice()
	if err != nil {
		if redis.HasErrorPrefix(err, "AL_EXPIRESPAST") {
			return nil, &alongside.FieldError{Field: "expires_at", Reason: "must be after the store's clock"}
		}
		return nil, s.fail(ctx, op, err)
	}
	if len(res) != 2 {
		return nil, fmt.Errorf("redisstore: %s: unexpected reply %v", op, res)
	}
	rec, err := decodeRecordJSON(res[1])
	if err != nil {
		return nil, fmt.Errorf("redisstore: %s: %w", op, err)
	}
	out, err := rec.result(res[0] == int64(1))
	if err != nil {
		return nil, fmt.Errorf("redisstore: %s: %w", op, err)
	}
	return out, nil
}

// expiryMs is a hold's expiry as compared in scripts: Unix milliseconds,
// rounded down like the store's now, so a hold is live while
// now_ms < expiry_ms.
func expiryMs(t time.Time) int64 { return t.UnixMilli() }

// Replay returns the stored result of a reservation key, read-only.
func (s *Store) Replay(ctx context.Context, org alongside.OrgID, principal, key string) (*store.ReserveResult, error) {
	const op = "replay"
	if alongside.CheckID(string(org)) != "" || principal == "" || store.CheckKey(key) != "" {
		return nil, fmt.Errorf("redisstore: %s: %w", op, store.ErrNotFound)
	}
	args, err := s.args(audit.Actor{}, store.IdempotencyRetention.Milliseconds())
	if err != nil {
		return nil, err
	}
	octx, cancel := s.op(ctx)
	defer cancel()
	v, err := s.sc.replay.Run(octx, s.rdb, s.keys(org, s.idemKey(org, principal, key)), args...).Result()
	if err == redis.Nil {
		return nil, fmt.Errorf("redisstore: %s: %w", op, store.ErrNotFound)
	}
	if err != nil {
		return nil, s.fail(ctx, op, err)
	}
	rec, err := decodeRecordJSON(v)
	if err != nil {
		return nil, fmt.Errorf("redisstore: %s: %w", op, err)
	}
	out, err := rec.result(true)
	if err != nil {
		return nil, fmt.Errorf("redisstore: %s: %w", op, err)
	}
	return out, nil
}

// Confirm turns a live hold into a confirmed assignment (confirm.lua).
func (s *Store) Confirm(ctx context.Context, t store.Transition) (*alongside.Assignment, error) {
	return s.transition(ctx, "confirm", s.sc.confirm, t)
}

// Decline ends a hold as declined (decline.lua).
func (s *Store) Decline(ctx context.Context, t store.Transition) (*alongside.Assignment, error) {
	return s.transition(ctx, "decline", s.sc.decline, t)
}

// Release ends a confirmed assignment or a live hold (release.lua).
func (s *Store) Release(ctx context.Context, t store.Transition) (*alongside.Assignment, error) {
	return s.transition(ctx, "release", s.sc.release, t)
}

func (s *Store) transition(ctx context.Context, op string, sc *redis.Script, t store.Transition) (*alongside.Assignment, error) {
	if alongside.CheckID(string(t.Org)) != "" || alongside.CheckID(string(t.ID)) != "" {
		return nil, fmt.Errorf("redisstore: %s: %w", op, store.ErrNotFound)
	}
	args, err := s.args(t.By, string(t.ID), t.Reason)
	if err != nil {
		return nil, err
	}
	keys := s.keys(t.Org, s.base(t.Org)+"asg:"+string(t.ID))
	octx, cancel := s.op(ctx)
	defer cancel()
	res, err := sc.Run(octx, s.rdb, keys, args...).Slice()
	if err != nil {
		return nil, s.fail(ctx, op+" "+string(t.ID), err)
	}
	if len(res) != 2 {
		return nil, fmt.Errorf("redisstore: %s: unexpected reply %v", op, res)
	}
	a, err := decodeAssignmentReply(res[1])
	if err != nil {
		return nil, fmt.Errorf("redisstore: %s %s: %w", op, t.ID, err)
	}
	return a, nil
}

// ExpireHolds records up to limit passed holds of org as expired
// (expire.lua). limit ≤ 0 means 100; it is capped at 1000.
func (s *Store) ExpireHolds(ctx context.Context, org alongside.OrgID, limit int) ([]*alongside.Assignment, error) {
	const op = "expire holds"
	if alongside.CheckID(string(org)) != "" {
		return nil, nil
	}
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	args, err := s.args(audit.System, int64(limit))
	if err != nil {
		return nil, err
	}
	octx, cancel := s.op(ctx)
	defer cancel()
	res, err := s.sc.expire.Run(octx, s.rdb, s.keys(org, s.base(org)+"pending"), args...).Slice()
	if err != nil {
		return nil, s.fail(ctx, op, err)
	}
	out := make([]*alongside.Assignment, 0, len(res))
	for _, v := range res {
		a, err := decodeAssignmentReply(v)
		if err != nil {
			return out, fmt.Errorf("redisstore: %s: %w", op, err)
		}
		out = append(out, a)
	}
	return out, nil
}

// decodeAssignmentReply decodes an HGETALL reply from a script.
func decodeAssignmentReply(v any) (*alongside.Assignment, error) {
	flat, ok := v.([]any)
	if !ok || len(flat)%2 != 0 {
		return nil, fmt.Errorf("unexpected assignment reply %v", v)
	}
	m := make(map[string]string, len(flat)/2)
	for i := 0; i < len(flat); i += 2 {
		k, ok1 := flat[i].(string)
		val, ok2 := flat[i+1].(string)
		if !ok1 || !ok2 {
			return nil, fmt.Errorf("unexpected assignment reply %v", v)
		}
		m[k] = val
	}
	return decodeAssignment(m)
}

// decodeAssignment decodes an assignment hash: the immutable JSON doc
// written by Reserve plus the fields the scripts change.
func decodeAssignment(m map[string]string) (*alongside.Assignment, error) {
	var a alongside.Assignment
	if err := json.Unmarshal([]byte(m["doc"]), &a); err != nil {
		return nil, fmt.Errorf("decode assignment: %w", err)
	}
	units, err := strconv.ParseInt(m["units"], 10, 32)
	if err != nil {
		return nil, fmt.Errorf("decode assignment units %q", m["units"])
	}
	a.Units = alongside.LoadUnits(units)
	a.State = alongside.AssignmentState(m["state"])
	if a.HeldAt, err = nsTime(m["held_ns"]); err != nil {
		return nil, err
	}
	if a.DecidedAt, err = nsTime(m["decided_ns"]); err != nil {
		return nil, err
	}
	if a.ConfirmedAt, err = nsTime(m["confirmed_ns"]); err != nil {
		return nil, err
	}
	a.DecidedBy, a.Reason = m["decided_by"], m["reason"]
	return &a, nil
}

// GetAssignment reads a hold or assignment.
func (s *Store) GetAssignment(ctx context.Context, org alongside.OrgID, id alongside.AssignmentID) (*alongside.Assignment, error) {
	const op = "get assignment"
	if alongside.CheckID(string(org)) != "" || alongside.CheckID(string(id)) != "" {
		return nil, fmt.Errorf("redisstore: %s: %w", op, store.ErrNotFound)
	}
	octx, cancel := s.op(ctx)
	defer cancel()
	m, err := s.rdb.HGetAll(octx, s.base(org)+"asg:"+string(id)).Result()
	if err != nil {
		return nil, s.fail(ctx, op, err)
	}
	if len(m) == 0 {
		return nil, fmt.Errorf("redisstore: %s %s: %w", op, id, store.ErrNotFound)
	}
	a, err := decodeAssignment(m)
	if err != nil {
		return nil, fmt.Errorf("redisstore: %s %s: %w", op, id, err)
	}
	return a, nil
}

// ListAssignments lists assignments in ID order by
// [store.AssignmentQuery.MatchAt]: with State held, live holds only, by the
// store's clock.
func (s *Store) ListAssignments(ctx context.Context, org alongside.OrgID, q store.AssignmentQuery) (store.Page[*alongside.Assignment], error) {
	match := q.Match
	if q.State == alongside.StateHeld {
		now, err := s.Now(ctx)
		if err != nil {
			return store.Page[*alongside.Assignment]{}, err
		}
		match = func(a *alongside.Assignment) bool { return q.MatchAt(a, now) }
	}
	return list(ctx, s, org, assignmentKind(), q.Cursor, decodeAssignment, match)
}

// Load reads a partner's capacity and load atomically (load.lua).
func (s *Store) Load(ctx context.Context, org alongside.OrgID, id alongside.PartnerID) (store.Load, error) {
	const op = "load"
	if alongside.CheckID(string(org)) != "" || alongside.CheckID(string(id)) != "" {
		return store.Load{}, fmt.Errorf("redisstore: %s: %w", op, store.ErrNotFound)
	}
	args, err := s.args(audit.Actor{})
	if err != nil {
		return store.Load{}, err
	}
	b := s.base(org)
	octx, cancel := s.op(ctx)
	defer cancel()
	res, err := s.sc.load.Run(octx, s.rdb, s.keys(org, b+"partner:"+string(id), b+"held:"+string(id)), args...).Int64Slice()
	if err != nil {
		return store.Load{}, s.fail(ctx, op+" "+string(id), err)
	}
	if len(res) != 3 {
		return store.Load{}, fmt.Errorf("redisstore: %s: unexpected reply %v", op, res)
	}
	return store.Load{Partner: id, Capacity: alongside.LoadUnits(res[0]), Committed: alongside.LoadUnits(res[1]),
		Held: alongside.LoadUnits(res[2])}, nil
}

// Now returns the store's clock: Options.Clock, or Redis TIME.
func (s *Store) Now(ctx context.Context) (time.Time, error) {
	if s.clock != nil {
		return s.clock(), nil
	}
	octx, cancel := s.op(ctx)
	defer cancel()
	t, err := s.rdb.Time(octx).Result()
	if err != nil {
		return time.Time{}, s.fail(ctx, "now", err)
	}
	return t.UTC(), nil
}
