package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/redis/go-redis/v9"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/store"
)

// itineraryKey is the STRING holding a partner's itinerary for date as
// JSON (see lua/saveplan.lua).
func (s *Store) itineraryKey(org alongside.OrgID, date alongside.Date, p alongside.PartnerID) string {
	return s.base(org) + "itin:" + date.String() + ":" + string(p)
}

// planIndexKey is the ZSET of the partners with an itinerary for date,
// all at score 0, so it lists them in ID order.
func (s *Store) planIndexKey(org alongside.OrgID, date alongside.Date) string {
	return s.base(org) + "itins:" + date.String()
}

// SavePlan replaces the itineraries of the listed partners for date in
// one script; see store.PlanStore.
func (s *Store) SavePlan(ctx context.Context, by audit.Actor, org alongside.OrgID, date alongside.Date,
	its []*alongside.Itinerary, partners []alongside.PartnerID) error {
	op := "save plan " + date.String()
	if err := store.CheckPlan(org, date, its, partners); err != nil {
		return fmt.Errorf("redisstore: %s: %w", op, err)
	}
	docs := make(map[alongside.PartnerID]string, len(its))
	for _, it := range its {
		data, err := json.Marshal(it)
		if err != nil {
			return fmt.Errorf("redisstore: %s: encode itinerary of %s: %w", op, it.Partner, err)
		}
		docs[it.Partner] = string(data)
	}
	rel, err := json.Marshal(map[string]string{"partners": strconv.Itoa(len(partners))})
	if err != nil {
		return fmt.Errorf("redisstore: %s: %w", op, err)
	}
	more := make([]any, 0, 2+2*len(partners))
	more = append(more, date.String(), string(rel))
	for _, p := range partners {
		more = append(more, string(p), docs[p]) // "" deletes
	}
	args, err := s.args(by, more...)
	if err != nil {
		return err
	}
	if err := s.indexOrg(ctx, org); err != nil {
		return err
	}
	octx, cancel := s.op(ctx)
	defer cancel()
	if err := s.sc.savePlan.Run(octx, s.rdb, s.keys(org, s.planIndexKey(org, date)), args...).Err(); err != nil {
		return s.fail(ctx, op, err)
	}
	return nil
}

// GetItinerary returns a partner's itinerary for date or
// store.ErrNotFound.
func (s *Store) GetItinerary(ctx context.Context, org alongside.OrgID, partner alongside.PartnerID, date alongside.Date) (*alongside.Itinerary, error) {
	op := "get itinerary " + string(partner) + " " + date.String()
	if alongside.CheckID(string(org)) != "" || alongside.CheckID(string(partner)) != "" || date.IsZero() {
		return nil, fmt.Errorf("redisstore: %s: %w", op, store.ErrNotFound)
	}
	octx, cancel := s.op(ctx)
	defer cancel()
	data, err := s.rdb.Get(octx, s.itineraryKey(org, date, partner)).Result()
	switch {
	case errors.Is(err, redis.Nil):
		return nil, fmt.Errorf("redisstore: %s: %w", op, store.ErrNotFound)
	case err != nil:
		return nil, s.fail(ctx, op, err)
	}
	it, err := decodeItinerary(data)
	if err != nil {
		return nil, fmt.Errorf("redisstore: %s: %w", op, err)
	}
	return it, nil
}

// ListItineraries lists the itineraries of date in partner ID order.
func (s *Store) ListItineraries(ctx context.Context, org alongside.OrgID, date alongside.Date, q store.Cursor) (store.Page[*alongside.Itinerary], error) {
	op := "list itineraries " + date.String()
	var page store.Page[*alongside.Itinerary]
	if alongside.CheckID(string(org)) != "" || date.IsZero() {
		return page, nil
	}
	octx, cancel := s.op(ctx)
	defer cancel()
	size := q.Size()
	from := "-"
	if q.After != "" {
		from = "(" + q.After
	}
	// One more than a page, to see whether the listing goes on.
	ids, err := s.rdb.ZRangeArgs(octx, redis.ZRangeArgs{
		Key: s.planIndexKey(org, date), Start: from, Stop: "+", ByLex: true, Count: int64(size + 1),
	}).Result()
	if err != nil {
		return page, s.fail(ctx, op, err)
	}
	if len(ids) > size {
		ids = ids[:size]
		page.Next = ids[size-1]
	}
	if len(ids) == 0 {
		return page, nil
	}
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = s.itineraryKey(org, date, alongside.PartnerID(id))
	}
	docs, err := s.rdb.MGet(octx, keys...).Result()
	if err != nil {
		return store.Page[*alongside.Itinerary]{}, s.fail(ctx, op, err)
	}
	for i, d := range docs {
		data, ok := d.(string)
		if !ok {
			continue // replaced by a save between the two reads
		}
		it, err := decodeItinerary(data)
		if err != nil {
			return store.Page[*alongside.Itinerary]{}, fmt.Errorf("redisstore: %s: %s: %w", op, ids[i], err)
		}
		page.Items = append(page.Items, it)
	}
	return page, nil
}

// decodeItinerary decodes a stored itinerary and shows its times in its
// TimeZone: JSON keeps a time's offset, not its zone.
func decodeItinerary(data string) (*alongside.Itinerary, error) {
	var it alongside.Itinerary
	if err := json.Unmarshal([]byte(data), &it); err != nil {
		return nil, fmt.Errorf("decode itinerary: %w", err)
	}
	it.Localize()
	return &it, nil
}
