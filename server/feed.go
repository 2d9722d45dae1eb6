package server

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/ical"
	"github.com/alongside/alongside/store"
)

// feedDays is how many days, from today in the partner's zone, a calendar
// feed holds.
const feedDays = 14

// feed serves a partner's itineraries as an iCalendar feed at
// /feeds/partners/{partner}.ics. Calendar apps cannot send bearer tokens,
// so when authentication lands this URL will carry a per-partner revocable
// feed token; until then it is as open as the rest of the development API.
func (s *Server) feed(w http.ResponseWriter, r *http.Request) {
	id, ok := strings.CutSuffix(r.PathValue("file"), ".ics")
	if !ok || alongside.CheckID(id) != "" {
		http.NotFound(w, r)
		return
	}
	ctx := r.Context()
	org, st := s.org(ctx), s.cfg.Store
	p, err := st.GetPartner(ctx, org, alongside.PartnerID(id))
	if err != nil {
		s.feedError(w, r, err)
		return
	}
	now, err := st.Now(ctx)
	if err != nil {
		s.feedError(w, r, err)
		return
	}
	loc, err := alongside.LoadZone(p.TimeZone)
	if err != nil {
		loc = now.Location()
	}
	today := alongside.DateOf(now.In(loc))
	var its []*alongside.Itinerary
	for i := range feedDays {
		day := alongside.DateOf(today.In(loc).AddDate(0, 0, i))
		it, err := st.GetItinerary(ctx, org, p.ID, day)
		switch {
		case errors.Is(err, store.ErrNotFound):
		case err != nil:
			s.feedError(w, r, err)
			return
		default:
			its = append(its, it)
		}
	}
	var buf bytes.Buffer
	if err := ical.Encode(&buf, its, ical.Options{Name: "Alongside itinerary"}); err != nil {
		s.feedError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "private, max-age=300")
	_, _ = w.Write(buf.Bytes())
}

// feedError answers a failed feed request with a fixed message: 404 for
// an unknown partner, 503 when the store is unavailable, 500 otherwise.
func (s *Server) feedError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		http.NotFound(w, r)
	case errors.Is(err, store.ErrUnavailable):
		http.Error(w, "store unavailable", http.StatusServiceUnavailable)
	default:
		s.log.ErrorContext(r.Context(), "feed", slog.String("error_type", "internal"))
		http.Error(w, "internal error", http.StatusInternalServerError)
	}
}
