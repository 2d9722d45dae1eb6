package cascade

import (
	"context"
	"log/slog"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/geo"
	"github.com/alongside/alongside/matcher"
)

// DefaultTravelTimeout bounds the travel model's answer for one ranking
// when Engine.TravelTimeout is 0: a match at a hearing does not wait
// longer for road times, it falls back to the straight-line estimate.
const DefaultTravelTimeout = 2 * time.Second

// maxTravelLegs bounds the matrix one ranking asks for (16 bytes a leg):
// a larger pool uses the straight-line estimate.
const maxTravelLegs = 1 << 20

// legs is a travel model's answer for some homes and destinations, as a
// matcher.TravelEstimator: a lookup per candidate.
type legs struct {
	from, to map[geo.Point]int
	m        *geo.Matrix
}

var _ matcher.TravelEstimator = (*legs)(nil)

// TravelTime implements matcher.TravelEstimator. A pair the model found
// no road for is an estimate too: geo.Unreachable, beyond any limit.
func (l *legs) TravelTime(from, to geo.Point) (time.Duration, bool) {
	i, ok := l.from[from]
	if !ok {
		return 0, false
	}
	j, ok := l.to[to]
	if !ok {
		return 0, false
	}
	return l.m.At(i, j).Duration, true
}

// travel asks the engine's travel model, in one matrix, for the drives
// from the partners' homes to the given destinations. It returns nil (the
// matcher's straight-line estimate) when the engine has no model or the
// model fails or takes longer than TravelTimeout; the failure is logged
// without points.
func (e *Engine) travel(ctx context.Context, partners []*alongside.Partner, dests ...geo.Point) matcher.TravelEstimator {
	if e.Travel == nil || len(partners) == 0 {
		return nil
	}
	l := &legs{from: map[geo.Point]int{}, to: map[geo.Point]int{}}
	var from, to []geo.Point
	for _, p := range partners {
		if _, ok := l.from[p.Home]; !ok && p.Home.Valid() {
			l.from[p.Home] = len(from)
			from = append(from, p.Home)
		}
	}
	for _, d := range dests {
		if _, ok := l.to[d]; !ok && d.Valid() {
			l.to[d] = len(to)
			to = append(to, d)
		}
	}
	if len(from) == 0 || len(to) == 0 {
		return nil
	}
	if len(from)*len(to) > maxTravelLegs {
		e.log().InfoContext(ctx, "travel matrix too large; ranking with straight-line estimates",
			slog.Int("from", len(from)), slog.Int("to", len(to)))
		return nil
	}
	timeout := e.TravelTimeout
	if timeout <= 0 {
		timeout = DefaultTravelTimeout
	}
	tctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	m, err := e.Travel.Matrix(tctx, from, to)
	if err != nil {
		e.log().WarnContext(ctx, "travel model failed; ranking with straight-line estimates",
			slog.Int("from", len(from)), slog.Int("to", len(to)), slog.String("error", err.Error()))
		return nil
	}
	l.m = m
	return l
}

// byDest answers for several destinations, each from matrices of its own.
type byDest map[geo.Point][]matcher.TravelEstimator

// TravelTime implements matcher.TravelEstimator.
func (b byDest) TravelTime(from, to geo.Point) (time.Duration, bool) {
	for _, l := range b[to] {
		if d, ok := l.TravelTime(from, to); ok {
			return d, true
		}
	}
	return 0, false
}

// caseTravel asks the travel model, case by case, for the drives from
// each case's candidates (its county's partners in its program, as a
// match ranks them) to its home area, so a rebalance scores every pair
// as a match would. A case whose matrix fails keeps the straight-line
// estimate. It returns nil when the engine has no travel model.
func (e *Engine) caseTravel(ctx context.Context, partners []*alongside.Partner, cases []*alongside.Case) matcher.TravelEstimator {
	if e.Travel == nil {
		return nil
	}
	x := matcher.NewIndex(nil)
	x.Reset(partners)
	b := byDest{}
	for _, c := range cases {
		if ctx.Err() != nil {
			break
		}
		if l := e.travel(ctx, x.Candidates(c, e.policies().For(c.Program)), c.HomeArea); l != nil {
			b[c.HomeArea] = append(b[c.HomeArea], l)
		}
	}
	return b
}
