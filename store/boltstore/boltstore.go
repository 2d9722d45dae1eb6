package boltstore

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/store"
)

// Defaults of [Options].
const (
	// DefaultTimeout is the file-lock wait when Options.Timeout is 0.
	DefaultTimeout = 5 * time.Second
)

// schemaVersion is the layout version kept in the meta bucket.
const schemaVersion = "1"

// Options configure [Open]. The zero value works.
type Options struct {
	// Clock is the store's time source: it stamps records and events and
	// decides when a hold expires. Nil means time.Now.
	Clock func() time.Time
	// Timeout bounds the wait for the file lock another process holds.
	// 0 means DefaultTimeout, 5 s; a negative value waits forever.
	Timeout time.Duration
}

// Store is the bbolt-backed [store.Store]. It is safe for concurrent use;
// one process at a time may open a file.
type Store struct {
	db      *bolt.DB
	commits *committer // every write goes through it
	path    string
	now     func() time.Time
}

var _ store.Store = (*Store)(nil)

// Open opens (or creates, with mode 0600) the store file at path.
func Open(path string, opts Options) (*Store, error) {
	timeout := opts.Timeout
	switch {
	case timeout == 0:
		timeout = DefaultTimeout
	case timeout < 0:
		timeout = 0 // bbolt: wait forever
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout: timeout,
		// As etcd does: the free-page list is rebuilt when the file is
		// opened instead of being written by every commit. This saves
		// writes, not syncs: every commit is still fsynced.
		NoFreelistSync: true,
		FreelistType:   bolt.FreelistMapType,
	})
	if err != nil {
		return nil, fmt.Errorf("open bolt store %s: %w", path, driverErr(err))
	}
	err = db.Update(func(tx *bolt.Tx) error {
		meta, err := tx.CreateBucketIfNotExists([]byte(metaBucket))
		if err != nil {
			return err
		}
		switch v := meta.Get([]byte("schema")); {
		case v == nil:
			return meta.Put([]byte("schema"), []byte(schemaVersion))
		case string(v) != schemaVersion:
			return fmt.Errorf("schema version %q; want %q", v, schemaVersion)
		}
		return nil
	})
	if err != nil {
		return nil, errors.Join(fmt.Errorf("open bolt store %s: %w", path, driverErr(err)), db.Close())
	}
	now := opts.Clock
	if now == nil {
		now = time.Now
	}
	return &Store{db: db, commits: &committer{db: db}, path: path, now: now}, nil
}

// Path returns the file the store was opened on.
func (s *Store) Path() string { return s.path }

// Close closes the file. Closing a closed store does nothing.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close bolt store: %w", err)
	}
	return nil
}

// Now returns the store's clock.
func (s *Store) Now(ctx context.Context) (time.Time, error) {
	if err := ctx.Err(); err != nil {
		return time.Time{}, err
	}
	return s.clock(), nil
}

// clock reads the store's clock without its monotonic reading, so a
// value stamped on a record equals the one read back.
func (s *Store) clock() time.Time { return s.now().Round(0) }

// Orgs returns every organization with records, sorted.
func (s *Store) Orgs(ctx context.Context) ([]alongside.OrgID, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var orgs []alongside.OrgID
	err := s.db.View(func(tx *bolt.Tx) error {
		orgs = nil
		return tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			if alongside.CheckID(string(name)) == "" {
				orgs = append(orgs, alongside.OrgID(name))
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list orgs: %w", driverErr(err))
	}
	return orgs, nil
}

// ListAudit returns up to limit events of org after Seq after. A limit of
// 0 or less means 50; more than store.MaxPageSize is clamped.
func (s *Store) ListAudit(ctx context.Context, org alongside.OrgID, after uint64, limit int) ([]audit.Event, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	limit = store.Cursor{PageSize: limit}.Size()
	var evs []audit.Event
	err := s.db.View(func(tx *bolt.Tx) error {
		evs = nil
		o := openOrg(tx, org)
		if o == nil {
			return nil
		}
		c := o.audit.Cursor()
		for k, v := c.Seek(seqKey(after + 1)); k != nil && len(evs) < limit; k, v = c.Next() {
			var ev audit.Event
			if err := decode(v, &ev); err != nil {
				return err
			}
			evs = append(evs, ev)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list audit: %w", driverErr(err))
	}
	return evs, nil
}

// AuditHead returns the Seq of org's latest audit event, 0 for none.
func (s *Store) AuditHead(ctx context.Context, org alongside.OrgID) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	var head uint64
	err := s.db.View(func(tx *bolt.Tx) error {
		head = 0
		if o := openOrg(tx, org); o != nil {
			if k, _ := o.audit.Cursor().Last(); len(k) == 8 {
				head = binary.BigEndian.Uint64(k)
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("audit head: %w", driverErr(err))
	}
	return head, nil
}

// driverErr marks bbolt's "cannot reach the file" errors as
// store.ErrUnavailable.
func driverErr(err error) error {
	if errors.Is(err, bolt.ErrDatabaseNotOpen) || errors.Is(err, bolt.ErrTimeout) {
		return fmt.Errorf("%w: %w", store.ErrUnavailable, err)
	}
	return err
}

// checkIDs reports an invalid organization or record ID as field errors.
func checkIDs(org alongside.OrgID, id string) error {
	var errs []error
	if r := alongside.CheckID(string(org)); r != "" {
		errs = append(errs, &alongside.FieldError{Field: "org", Reason: r})
	}
	if r := alongside.CheckID(id); r != "" {
		errs = append(errs, &alongside.FieldError{Field: "id", Reason: r})
	}
	return errors.Join(errs...)
}
