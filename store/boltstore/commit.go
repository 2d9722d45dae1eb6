package boltstore

import (
	"fmt"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// maxGroup bounds the writes one commit carries (bbolt's MaxBatchSize
// default); the rest wait for the next commit.
const maxGroup = 1000

// committer is group commit without a delay: a write that finds no commit
// running starts one at once, and the writes that arrive while a commit
// runs (its fsync is the slow part) share the next one. A lone writer
// pays one transaction and no wait; many writers share fsyncs. bbolt's
// DB.Batch instead waits up to MaxBatchDelay for company on every write.
//
// Like DB.Batch it may run a write function more than once: when one
// function of a group fails, the transaction is rolled back, the failing
// function runs again alone (its error goes to its caller) and the rest
// run again as a group.
type committer struct {
	db *bolt.DB

	mu      sync.Mutex
	queue   []*write
	running bool // a goroutine is committing the queue
}

type write struct {
	fn   func(*bolt.Tx) error
	done chan error
}

// update runs fn in a read-write transaction shared with concurrent
// writes and returns after that transaction's commit (and fsync), with
// fn's error or the commit's.
func (c *committer) update(fn func(*bolt.Tx) error) error {
	w := &write{fn: fn, done: make(chan error, 1)}
	c.mu.Lock()
	c.queue = append(c.queue, w)
	lead := !c.running
	c.running = true
	c.mu.Unlock()
	if lead {
		// The caller commits the queue it found, its own write included,
		// then hands whatever arrived meanwhile to a goroutine of its own.
		if c.commitNext() {
			go c.drain()
		}
	}
	return <-w.done
}

// drain commits groups until the queue is empty.
func (c *committer) drain() {
	for c.commitNext() {
	}
}

// commitNext commits the next group and reports whether more writes are
// queued; when none are, it marks the committer idle.
func (c *committer) commitNext() bool {
	c.mu.Lock()
	n := min(len(c.queue), maxGroup)
	group := c.queue[:n:n]
	c.queue = c.queue[n:]
	c.mu.Unlock()
	c.commit(group)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.queue) == 0 {
		c.queue = nil
		c.running = false
		return false
	}
	return true
}

// commit runs group in one transaction and answers every write.
func (c *committer) commit(group []*write) {
	for len(group) > 0 {
		failed := -1
		err := c.db.Update(func(tx *bolt.Tx) error {
			for i, w := range group {
				if err := call(w.fn, tx); err != nil {
					failed = i
					return err
				}
			}
			return nil
		})
		if failed < 0 {
			for _, w := range group {
				w.done <- err
			}
			return
		}
		w := group[failed]
		w.done <- c.db.Update(func(tx *bolt.Tx) error { return call(w.fn, tx) })
		group = append(group[:failed:failed], group[failed+1:]...)
	}
}

// call runs fn, turning a panic into an error so one write cannot take
// the others' answers down with it.
func call(fn func(*bolt.Tx) error, tx *bolt.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("write panicked: %v", p)
		}
	}()
	return fn(tx)
}
