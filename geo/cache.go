package geo

import (
	"context"
	"fmt"
	"math"
	"sync"
)

// DefaultCacheDecimals is the number of decimal places [CachedModel] rounds
// coordinates to by default: 5 decimals is about 1.1 m of latitude.
const DefaultCacheDecimals = 5

// LegKey identifies a cached leg by its endpoints, rounded (see
// [CachedModel.Decimals]).
type LegKey struct {
	From, To Point
}

// LegCache stores legs for a [CachedModel]. The in-process [LRU] is one; a
// shared store (e.g. Redis, behind an adapter in a package above geo) can
// be another. Implementations are safe for concurrent use and take batches
// so that a networked cache makes one round trip per Matrix call.
type LegCache interface {
	// GetLegs looks up every key: for each i it sets found[i], and legs[i]
	// when found. len(legs) and len(found) equal len(keys).
	GetLegs(ctx context.Context, keys []LegKey, legs []Leg, found []bool) error
	// PutLegs stores legs[i] under keys[i].
	PutLegs(ctx context.Context, keys []LegKey, legs []Leg) error
}

// CachedModel is a [TravelModel] that answers from a [LegCache] and asks
// Model only for the legs it lacks.
//
// Keys are the endpoints rounded to Decimals places, so two points closer
// than the rounding share their legs: the first one asked for is stored.
// On a partial hit, CachedModel asks Model for the smallest block covering
// the misses (the rows with a miss × the columns with a miss in those
// rows). Unreachable legs are cached like any other.
//
// A cache error never fails a Matrix call: a failed lookup counts as all
// misses and a failed store is dropped; OnCacheError, if set, sees them.
// CachedModel is safe for concurrent use if its Model and Cache are;
// concurrent calls missing the same legs each ask Model.
//
// Wrap a model whose answers are expensive (OSRM). GreatCircle computes a
// leg faster than the in-process cache looks one up.
type CachedModel struct {
	// Model computes the legs the cache lacks. Required.
	Model TravelModel
	// Cache holds the legs. Required; see NewLRU.
	Cache LegCache
	// Decimals is the rounding of coordinates in keys; 0 means
	// DefaultCacheDecimals.
	Decimals int
	// OnCacheError, if non-nil, is called with every cache error. The
	// error holds no coordinates unless the LegCache put them there.
	OnCacheError func(error)
}

// NewCachedModel returns a CachedModel over m with an in-process [LRU] of
// the given capacity, in legs.
func NewCachedModel(m TravelModel, capacity int) *CachedModel {
	return &CachedModel{Model: m, Cache: NewLRU(capacity)}
}

var _ TravelModel = (*CachedModel)(nil)

// Matrix implements [TravelModel].
func (c *CachedModel) Matrix(ctx context.Context, from, to []Point) (*Matrix, error) {
	if c.Model == nil || c.Cache == nil {
		return nil, fmt.Errorf("geo: CachedModel needs a Model and a Cache")
	}
	if err := CheckPoints(from, to); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("geo: cached matrix: %w", err)
	}
	dec := c.Decimals
	if dec == 0 {
		dec = DefaultCacheDecimals
	}
	scale := math.Pow(10, float64(dec))
	rf, rt := roundAll(from, scale), roundAll(to, scale)
	n := len(from) * len(to)
	m := NewMatrix(len(from), len(to))
	if n == 0 {
		return m, nil
	}
	keys := make([]LegKey, n)
	for i, a := range rf {
		for j, b := range rt {
			keys[i*len(to)+j] = LegKey{From: a, To: b}
		}
	}
	found := make([]bool, n)
	if err := c.Cache.GetLegs(ctx, keys, m.Legs, found); err != nil {
		c.cacheError(fmt.Errorf("geo: leg cache lookup: %w", err))
		clear(found)
	}

	// The block to ask for: rows with a miss × columns with a miss in them.
	var rows, cols []int
	colMiss := make([]bool, len(to))
	for i := range from {
		miss := false
		for j := range to {
			if !found[i*len(to)+j] {
				miss, colMiss[j] = true, true
			}
		}
		if miss {
			rows = append(rows, i)
		}
	}
	if len(rows) == 0 {
		return m, nil
	}
	for j, miss := range colMiss {
		if miss {
			cols = append(cols, j)
		}
	}
	subFrom, subTo := make([]Point, len(rows)), make([]Point, len(cols))
	for k, i := range rows {
		subFrom[k] = from[i]
	}
	for k, j := range cols {
		subTo[k] = to[j]
	}
	sub, err := c.Model.Matrix(ctx, subFrom, subTo)
	if err != nil {
		return nil, err
	}
	if sub.Rows != len(rows) || sub.Cols != len(cols) || len(sub.Legs) != len(rows)*len(cols) {
		return nil, fmt.Errorf("geo: cached model: inner model returned a %d×%d matrix for %d×%d points",
			sub.Rows, sub.Cols, len(rows), len(cols))
	}
	var putKeys []LegKey
	var putLegs []Leg
	for si, i := range rows {
		for sj, j := range cols {
			k := i*len(to) + j
			if found[k] {
				continue
			}
			l := sub.At(si, sj)
			m.Legs[k] = l
			putKeys = append(putKeys, keys[k])
			putLegs = append(putLegs, l)
		}
	}
	if err := c.Cache.PutLegs(ctx, putKeys, putLegs); err != nil {
		c.cacheError(fmt.Errorf("geo: leg cache store: %w", err))
	}
	return m, nil
}

func (c *CachedModel) cacheError(err error) {
	if c.OnCacheError != nil {
		c.OnCacheError(err)
	}
}

func roundAll(ps []Point, scale float64) []Point {
	out := make([]Point, len(ps))
	for i, p := range ps {
		out[i] = Point{Lat: math.Round(p.Lat*scale) / scale, Lng: math.Round(p.Lng*scale) / scale}
	}
	return out
}

// LRU is an in-process [LegCache] holding at most a fixed number of legs;
// when full it drops the least recently used. One entry takes about 150
// bytes, so 100,000 legs (ten 100×100 matrices) take about 15 MB. It is
// safe for concurrent use; its methods never return an error.
type LRU struct {
	mu       sync.Mutex
	capacity int
	index    map[LegKey]int32
	entries  []lruEntry
	head     int32 // most recently used, or -1
	tail     int32 // least recently used, or -1
}

type lruEntry struct {
	key        LegKey
	leg        Leg
	prev, next int32
}

// NewLRU returns an empty LRU holding at most capacity legs. A capacity
// below 1 is taken as 1; above 1<<30 as 1<<30.
func NewLRU(capacity int) *LRU {
	capacity = min(max(capacity, 1), 1<<30)
	return &LRU{capacity: capacity, index: make(map[LegKey]int32), head: -1, tail: -1}
}

// Len returns the number of legs held.
func (c *LRU) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.index)
}

// GetLegs implements [LegCache]. A hit becomes the most recently used.
func (c *LRU) GetLegs(_ context.Context, keys []LegKey, legs []Leg, found []bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, k := range keys {
		e, ok := c.index[k]
		found[i] = ok
		if ok {
			legs[i] = c.entries[e].leg
			c.toFront(e)
		}
	}
	return nil
}

// PutLegs implements [LegCache].
func (c *LRU) PutLegs(_ context.Context, keys []LegKey, legs []Leg) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for i, k := range keys {
		if e, ok := c.index[k]; ok {
			c.entries[e].leg = legs[i]
			c.toFront(e)
			continue
		}
		var e int32
		if len(c.entries) < c.capacity {
			e = int32(len(c.entries))
			c.entries = append(c.entries, lruEntry{prev: -1, next: -1})
		} else {
			e = c.tail
			c.unlink(e)
			delete(c.index, c.entries[e].key)
		}
		c.entries[e].key, c.entries[e].leg = k, legs[i]
		c.index[k] = e
		c.pushFront(e)
	}
	return nil
}

func (c *LRU) toFront(e int32) {
	if c.head == e {
		return
	}
	c.unlink(e)
	c.pushFront(e)
}

func (c *LRU) unlink(e int32) {
	en := &c.entries[e]
	if en.prev >= 0 {
		c.entries[en.prev].next = en.next
	} else {
		c.head = en.next
	}
	if en.next >= 0 {
		c.entries[en.next].prev = en.prev
	} else {
		c.tail = en.prev
	}
	en.prev, en.next = -1, -1
}

func (c *LRU) pushFront(e int32) {
	en := &c.entries[e]
	en.prev, en.next = -1, c.head
	if c.head >= 0 {
		c.entries[c.head].prev = e
	}
	c.head = e
	if c.tail < 0 {
		c.tail = e
	}
}
