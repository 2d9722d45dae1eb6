package boltstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/store"
)

// itinerariesBucket holds an organization's itineraries, keyed by
// itineraryKey, as JSON. Files written before day plans lack it; it is
// created with the organization's first write since.
const itinerariesBucket = "itineraries"

// datePrefix is the key prefix of a date's itineraries: "YYYY-MM-DD",
// 0x00. IDs never hold 0x00, and every date has the same length, so the
// keys of one date sort by partner ID.
func datePrefix(date alongside.Date) []byte { return append([]byte(date.String()), 0) }

// itineraryKey is the key of a partner's itinerary for date.
func itineraryKey(date alongside.Date, p alongside.PartnerID) []byte {
	return append(datePrefix(date), p...)
}

// SavePlan replaces the itineraries of the listed partners for date; see
// store.PlanStore.
func (s *Store) SavePlan(ctx context.Context, by audit.Actor, org alongside.OrgID, date alongside.Date,
	its []*alongside.Itinerary, partners []alongside.PartnerID) error {
	op := "save plan " + date.String()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if err := store.CheckPlan(org, date, its, partners); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	// Encode outside the transaction: a batch holds the writer lock.
	docs := make(map[alongside.PartnerID][]byte, len(its))
	for _, it := range its {
		data, err := json.Marshal(it)
		if err != nil {
			return fmt.Errorf("%s: encode itinerary of %s: %w", op, it.Partner, err)
		}
		docs[it.Partner] = data
	}
	err := s.commits.update(func(tx *bolt.Tx) error {
		now := s.clock()
		o, err := createOrg(tx, org)
		if err != nil {
			return err
		}
		for _, p := range partners {
			k := itineraryKey(date, p)
			if doc, ok := docs[p]; ok {
				err = o.itineraries.Put(k, doc)
			} else {
				err = o.itineraries.Delete(k)
			}
			if err != nil {
				return err
			}
		}
		return o.record(audit.Event{
			Time: now, Actor: by, Action: audit.PlanSaved, ObjectKind: "plan", ObjectID: date.String(),
			Related: map[string]string{"partners": strconv.Itoa(len(partners))},
		})
	})
	if err != nil {
		return fmt.Errorf("%s: %w", op, driverErr(err))
	}
	return nil
}

// GetItinerary returns a partner's itinerary for date or
// store.ErrNotFound.
func (s *Store) GetItinerary(ctx context.Context, org alongside.OrgID, partner alongside.PartnerID, date alongside.Date) (*alongside.Itinerary, error) {
	op := "get itinerary " + string(partner) + " " + date.String()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if alongside.CheckID(string(partner)) != "" || date.IsZero() {
		return nil, fmt.Errorf("%s: %w", op, store.ErrNotFound)
	}
	var it *alongside.Itinerary
	err := s.db.View(func(tx *bolt.Tx) error {
		it = nil
		o := openOrg(tx, org)
		if o == nil || o.itineraries == nil {
			return nil
		}
		data := o.itineraries.Get(itineraryKey(date, partner))
		if data == nil {
			return nil
		}
		v, err := decodeItinerary(data)
		it = v
		return err
	})
	switch {
	case err != nil:
		return nil, fmt.Errorf("%s: %w", op, driverErr(err))
	case it == nil:
		return nil, fmt.Errorf("%s: %w", op, store.ErrNotFound)
	}
	return it, nil
}

// ListItineraries lists the itineraries of date in partner ID order.
func (s *Store) ListItineraries(ctx context.Context, org alongside.OrgID, date alongside.Date, q store.Cursor) (store.Page[*alongside.Itinerary], error) {
	op := "list itineraries " + date.String()
	if err := ctx.Err(); err != nil {
		return store.Page[*alongside.Itinerary]{}, fmt.Errorf("%s: %w", op, err)
	}
	var page store.Page[*alongside.Itinerary]
	if date.IsZero() {
		return page, nil
	}
	size := q.Size()
	prefix := datePrefix(date)
	err := s.db.View(func(tx *bolt.Tx) error {
		page = store.Page[*alongside.Itinerary]{}
		o := openOrg(tx, org)
		if o == nil || o.itineraries == nil {
			return nil
		}
		c := o.itineraries.Cursor()
		k, v := c.Seek(append(bytes.Clone(prefix), q.After...))
		if q.After != "" && k != nil && string(k[len(prefix):]) == q.After {
			k, v = c.Next()
		}
		for ; k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			if len(page.Items) == size {
				page.Next = string(page.Items[size-1].Partner)
				return nil
			}
			it, err := decodeItinerary(v)
			if err != nil {
				return err
			}
			page.Items = append(page.Items, it)
		}
		return nil
	})
	if err != nil {
		return store.Page[*alongside.Itinerary]{}, fmt.Errorf("%s: %w", op, driverErr(err))
	}
	return page, nil
}

// decodeItinerary decodes a stored itinerary and shows its times in its
// TimeZone: JSON keeps a time's offset, not its zone.
func decodeItinerary(data []byte) (*alongside.Itinerary, error) {
	var it alongside.Itinerary
	if err := decode(data, &it); err != nil {
		return nil, err
	}
	it.Localize()
	return &it, nil
}
