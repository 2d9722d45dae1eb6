package cascade

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/alongside/alongside"
)

// HoldStore is what the sweeper needs of a store.
type HoldStore interface {
	// Orgs returns every organization with records.
	Orgs(ctx context.Context) ([]alongside.OrgID, error)
	// ExpireHolds marks up to limit passed holds of org expired and
	// returns them.
	ExpireHolds(ctx context.Context, org alongside.OrgID, limit int) ([]*alongside.Assignment, error)
}

// Sweeper periodically marks passed holds expired. Its zero value is not
// usable: Store is required.
type Sweeper struct {
	// Store is swept. Required.
	Store HoldStore
	// Interval between sweeps. Zero means one second.
	Interval time.Duration
	// Batch is the most holds expired per organization per store call.
	// Zero means 100.
	Batch int
	// OnExpired, when set, is called once for each hold this sweeper
	// marked expired, from the sweeping goroutine.
	OnExpired func(*alongside.Assignment)
	// Logger receives sweep failures (never personal data). Nil discards.
	Logger *slog.Logger

	expired atomic.Int64
}

// Expired returns how many holds this sweeper has marked expired.
func (s *Sweeper) Expired() int64 { return s.expired.Load() }

// Run sweeps every Interval until ctx is done, then returns nil. A failed
// sweep is logged and retried at the next tick.
func (s *Sweeper) Run(ctx context.Context) error {
	interval := s.Interval
	if interval <= 0 {
		interval = time.Second
	}
	log := s.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
		if _, err := s.SweepOnce(ctx); err != nil && ctx.Err() == nil {
			log.WarnContext(ctx, "sweep holds", slog.String("error", err.Error()))
		}
	}
}

// SweepOnce expires every passed hold of every organization, in batches,
// and returns how many it expired.
func (s *Sweeper) SweepOnce(ctx context.Context) (int, error) {
	batch := s.Batch
	if batch <= 0 {
		batch = 100
	}
	orgs, err := s.Store.Orgs(ctx)
	if err != nil {
		return 0, fmt.Errorf("list orgs: %w", err)
	}
	n := 0
	var errs []error
	for _, org := range orgs {
		for ctx.Err() == nil {
			holds, err := s.Store.ExpireHolds(ctx, org, batch)
			if err != nil {
				errs = append(errs, fmt.Errorf("expire holds of org %s: %w", org, err))
				break
			}
			n += len(holds)
			s.expired.Add(int64(len(holds)))
			if s.OnExpired != nil {
				for _, h := range holds {
					s.OnExpired(h)
				}
			}
			if len(holds) < batch {
				break
			}
		}
	}
	return n, errors.Join(errs...)
}
