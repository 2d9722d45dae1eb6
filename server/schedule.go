package server

import (
	"context"
	"time"

	"github.com/alongside/alongside"
	alongsidev1 "github.com/alongside/alongside/api/gen/alongside/v1"
	"github.com/alongside/alongside/api/gen/alongside/v1/alongsidev1connect"
	"github.com/alongside/alongside/scheduler"
	"github.com/alongside/alongside/scheduler/dayplan"
	"github.com/alongside/alongside/store"
)

// Bounds of a PlanDay request.
const (
	defaultPlanTime = 2 * time.Second
	maxPlanTime     = 60 * time.Second
	maxPlanPartners = store.MaxPlanItineraries
)

// scheduleService implements ScheduleService over the store and dayplan.
type scheduleService struct {
	s *Server
}

var _ alongsidev1connect.ScheduleServiceHandler = (*scheduleService)(nil)

func (r *scheduleService) PlanDay(ctx context.Context, req *alongsidev1.PlanDayRequest) (*alongsidev1.PlanDayResponse, error) {
	var d decoder
	date := d.date("date", req.GetDate())
	if req.GetDate() == "" {
		d.fail("date", "must be set")
	}
	if reason := alongside.CheckTimeZone(req.GetTimeZone()); reason != "" {
		d.fail("time_zone", reason)
	}
	limit := d.durationProto("time_limit", req.GetTimeLimit())
	switch {
	case limit < 0 || limit > maxPlanTime:
		d.fail("time_limit", "must be between 0 (2 s) and 60 s")
	case limit == 0:
		limit = defaultPlanTime
	}
	if len(req.GetPartnerIds()) > maxPlanPartners {
		d.fail("partner_ids", "must list at most 5000 partners")
	}
	only := map[alongside.PartnerID]bool{}
	for i, id := range req.GetPartnerIds() {
		if reason := alongside.CheckID(id); reason != "" {
			d.fail(alongside.IndexField("partner_ids", i), reason)
		}
		only[alongside.PartnerID(id)] = true
	}
	if err := d.err(); err != nil {
		return nil, err
	}

	org, st := r.s.org(ctx), r.s.cfg.Store
	pr, err := r.dayRequest(ctx, org, date, req.GetTimeZone(), only)
	if err != nil {
		return nil, err
	}
	pr.AllowCover = req.GetAllowCover()
	// Time limits bound the solve; the caller's deadline bounds it too.
	plan, err := dayplan.Make(ctx, pr, dayplan.Options{TimeLimit: limit, Seed: req.GetSeed(), Travel: r.s.cfg.Travel})
	if err != nil {
		return nil, err
	}
	resp := &alongsidev1.PlanDayResponse{
		Status: alongsidev1.SolveStatus_SOLVE_STATUS_FEASIBLE,
		Stats: &alongsidev1.SolveStats{
			Elapsed: durationProto(plan.Stats.Elapsed), Iterations: int64(plan.Stats.Iterations),
		},
		Totals: &alongsidev1.PlanTotals{Partners: int32(len(pr.Partners)), StopsUnserved: int32(len(plan.Unserved))},
	}
	if plan.Status == scheduler.TimeLimit || plan.Status == scheduler.ContextDone {
		resp.Status = alongsidev1.SolveStatus_SOLVE_STATUS_TIME_LIMIT
	}
	var drive time.Duration
	for _, it := range plan.Itineraries {
		resp.Itineraries = append(resp.Itineraries, itineraryToProto(it))
		resp.Totals.StopsServed += int32(len(it.Stops))
		resp.Totals.DriveMiles += it.DriveMiles
		drive += it.DriveTime
		for _, s := range it.Stops {
			if pr.Owners[s.Case] != it.Partner {
				resp.Totals.StopsCovered++
			}
		}
	}
	resp.Totals.DriveTime = durationProto(drive)
	for _, u := range plan.Unserved {
		resp.Unserved = append(resp.Unserved, &alongsidev1.UnservedStop{
			AppointmentId: string(u.Appointment), CaseId: string(u.Case),
			Kind:   enumToProto[alongsidev1.AppointmentKind](u.Kind),
			Reason: enumToProto[alongsidev1.UnservedReason](u.Code),
			Detail: u.Reason,
		})
	}
	if !req.GetDryRun() {
		partners := make([]alongside.PartnerID, len(pr.Partners))
		for i, p := range pr.Partners {
			partners[i] = p.ID
		}
		if err := st.SavePlan(ctx, r.s.actor(ctx), org, date, plan.Itineraries, partners); err != nil {
			return nil, err
		}
		resp.Saved = true
	}
	return resp, nil
}

// dayRequest gathers what a day plan needs from the store: the partners
// (all, or those in only), the appointments that may start that day, their
// cases and confirmed partners, and the day's current plan with the store's
// time for re-planning.
func (r *scheduleService) dayRequest(ctx context.Context, org alongside.OrgID, date alongside.Date, zone string,
	only map[alongside.PartnerID]bool) (*dayplan.Request, error) {
	st := r.s.cfg.Store
	loc, _ := alongside.LoadZone(zone) // checked by the caller
	from := date.In(loc)
	pr := &dayplan.Request{Org: org, Date: date, TimeZone: zone, Owners: map[alongside.CaseID]alongside.PartnerID{}}

	partners, err := collect(func(c store.Cursor) (store.Page[*alongside.Partner], error) {
		return st.ListPartners(ctx, org, store.PartnerQuery{Cursor: c, Status: alongside.PartnerStatusActive})
	})
	if err != nil {
		return nil, err
	}
	for _, p := range partners {
		if len(only) == 0 || only[p.ID] {
			pr.Partners = append(pr.Partners, p)
		}
	}
	pr.Appointments, err = collect(func(c store.Cursor) (store.Page[*alongside.Appointment], error) {
		return st.ListAppointments(ctx, org, store.AppointmentQuery{Cursor: c, From: from, To: from.AddDate(0, 0, 1)})
	})
	if err != nil {
		return nil, err
	}
	seen := map[alongside.CaseID]bool{}
	for _, a := range pr.Appointments {
		if seen[a.Case] {
			continue
		}
		seen[a.Case] = true
		c, err := st.GetCase(ctx, org, a.Case)
		if err != nil {
			return nil, err
		}
		pr.Cases = append(pr.Cases, c)
		confirmed, err := st.ListAssignments(ctx, org, store.AssignmentQuery{Case: a.Case, State: alongside.StateConfirmed, Cursor: store.Cursor{PageSize: 1}})
		if err != nil {
			return nil, err
		}
		if len(confirmed.Items) > 0 {
			pr.Owners[a.Case] = confirmed.Items[0].Partner
		}
	}
	if pr.Previous, err = collect(func(c store.Cursor) (store.Page[*alongside.Itinerary], error) {
		return st.ListItineraries(ctx, org, date, c)
	}); err != nil {
		return nil, err
	}
	if pr.Now, err = st.Now(ctx); err != nil {
		return nil, err
	}
	return pr, nil
}

func (r *scheduleService) GetItinerary(ctx context.Context, req *alongsidev1.GetItineraryRequest) (*alongsidev1.GetItineraryResponse, error) {
	var d decoder
	if reason := alongside.CheckID(req.GetPartnerId()); reason != "" {
		d.fail("partner_id", reason)
	}
	date := d.date("date", req.GetDate())
	if req.GetDate() == "" {
		d.fail("date", "must be set")
	}
	if err := d.err(); err != nil {
		return nil, err
	}
	it, err := r.s.cfg.Store.GetItinerary(ctx, r.s.org(ctx), alongside.PartnerID(req.GetPartnerId()), date)
	if err != nil {
		return nil, err
	}
	return &alongsidev1.GetItineraryResponse{Itinerary: itineraryToProto(it)}, nil
}

// collect reads every page of a listing, at most store.MaxPageSize at a
// time.
func collect[T any](fetch func(store.Cursor) (store.Page[T], error)) ([]T, error) {
	var out []T
	c := store.Cursor{PageSize: store.MaxPageSize}
	for {
		p, err := fetch(c)
		if err != nil {
			return nil, err
		}
		out = append(out, p.Items...)
		if p.Next == "" {
			return out, nil
		}
		c.After = p.Next
	}
}
