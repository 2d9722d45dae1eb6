package server_test

import (
	"bytes"
	"io"
	"net/http"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	ics "github.com/arran4/golang-ical"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/alongside/alongside"
	alongsidev1 "github.com/alongside/alongside/api/gen/alongside/v1"
	"github.com/alongside/alongside/api/gen/alongside/v1/alongsidev1connect"
	"github.com/alongside/alongside/audit"
	"github.com/alongside/alongside/store"
)

// TestScheduleE2E puts a partner, a case with her confirmed, and the case's
// hearing and home visit in over the API, plans the day, and pulls the
// partner's itinerary — on both stores.
func TestScheduleE2E(t *testing.T) {
	t.Parallel()
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			s := st.open(t)
			hs := startServer(t, s)
			transport := connecthttp.NewTransport(newHTTPClient(false), hs.URL, connecthttp.WithProtoJSON())
			roster := alongsidev1connect.NewRosterServiceClient(connect.NewClient(transport))
			sched := alongsidev1connect.NewScheduleServiceClient(connect.NewClient(transport))

			p := validPartner("Ana Ruiz") // Tuesday 17:00–21:00 in the fixture; widen to the whole day
			p.Availability = []*alongsidev1.WeeklyWindow{{Day: alongsidev1.Weekday_WEEKDAY_TUESDAY, Start: "07:00", End: "18:00"}}
			pr, err := roster.CreatePartner(ctx, &alongsidev1.CreatePartnerRequest{Partner: p})
			if err != nil {
				t.Fatalf("CreatePartner: %v", err)
			}
			partnerID := pr.GetPartner().GetId()
			cr, err := roster.CreateCase(ctx, &alongsidev1.CreateCaseRequest{Case: validCase("DCS-PLAN-1")})
			if err != nil {
				t.Fatalf("CreateCase: %v", err)
			}
			caseID := cr.GetCase().GetId()
			now, err := s.Now(ctx)
			if err != nil {
				t.Fatal(err)
			}
			hold, err := s.Reserve(ctx, store.Reservation{Org: "e2e", Case: alongside.CaseID(caseID), Partner: alongside.PartnerID(partnerID),
				ExpiresAt: now.Add(time.Hour), By: audit.Actor{Principal: "svc:test"}, Key: "plan-1"})
			if err != nil || hold.Outcome != store.OutcomeHeld {
				t.Fatalf("Reserve = %+v, %v", hold, err)
			}
			if _, err := s.Confirm(ctx, store.Transition{Org: "e2e", ID: hold.Hold.ID, By: audit.Actor{Principal: "svc:test"}}); err != nil {
				t.Fatalf("Confirm: %v", err)
			}

			// Next Tuesday by the store's clock, so the calendar feed (today
			// plus 14 days) holds the plan.
			phx, _ := alongside.LoadZone("America/Phoenix")
			local := now.In(phx)
			tue := local.AddDate(0, 0, (int(time.Tuesday)-int(local.Weekday())+7)%7+7)
			hearing := time.Date(tue.Year(), tue.Month(), tue.Day(), 9, 0, 0, 0, phx)
			date := alongside.DateOf(hearing).String()
			for _, a := range []*alongsidev1.Appointment{
				{CaseId: caseID, Kind: alongsidev1.AppointmentKind_APPOINTMENT_KIND_COURT_HEARING, Place: "Mohave County Juvenile Court, Kingman",
					Location: &alongsidev1.LatLng{Lat: 35.1894, Lng: -114.0530}, TimeZone: "America/Phoenix",
					FixedStart: timestamppb.New(hearing), Duration: durationpb.New(time.Hour), Status: alongsidev1.AppointmentStatus_APPOINTMENT_STATUS_SCHEDULED},
				{CaseId: caseID, Kind: alongsidev1.AppointmentKind_APPOINTMENT_KIND_HOME_VISIT,
					Location: &alongsidev1.LatLng{Lat: 35.21, Lng: -114.01}, TimeZone: "America/Phoenix",
					Windows:  []*alongsidev1.TimeWindow{{Start: timestamppb.New(hearing.Add(4 * time.Hour)), End: timestamppb.New(hearing.Add(8 * time.Hour))}},
					Duration: durationpb.New(time.Hour), Status: alongsidev1.AppointmentStatus_APPOINTMENT_STATUS_SCHEDULED},
			} {
				if _, err := roster.CreateAppointment(ctx, &alongsidev1.CreateAppointmentRequest{Appointment: a}); err != nil {
					t.Fatalf("CreateAppointment: %v", err)
				}
			}

			plan, err := sched.PlanDay(ctx, &alongsidev1.PlanDayRequest{Date: date, TimeZone: "America/Phoenix", TimeLimit: durationpb.New(200 * time.Millisecond)})
			if err != nil {
				t.Fatalf("PlanDay: %v", err)
			}
			if len(plan.GetUnserved()) != 0 || len(plan.GetItineraries()) != 1 || !plan.GetSaved() || plan.GetTotals().GetStopsServed() != 2 {
				t.Fatalf("PlanDay = %d itineraries, unserved %v, saved %v; want both stops planned for Ana and saved",
					len(plan.GetItineraries()), plan.GetUnserved(), plan.GetSaved())
			}
			got, err := sched.GetItinerary(ctx, &alongsidev1.GetItineraryRequest{PartnerId: partnerID, Date: date})
			if err != nil {
				t.Fatalf("GetItinerary: %v", err)
			}
			stops := got.GetItinerary().GetStops()
			if len(stops) != 2 || stops[0].GetKind() != alongsidev1.AppointmentKind_APPOINTMENT_KIND_COURT_HEARING || !stops[0].GetStart().AsTime().Equal(hearing) {
				t.Errorf("itinerary stops = %v; want the 09:00 hearing first", stops)
			}

			// The same day as a calendar feed, read by an iCalendar library.
			resp, err := http.Get(hs.URL + "/feeds/partners/" + partnerID + ".ics")
			if err != nil {
				t.Fatalf("GET feed: %v", err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			cal, perr := ics.ParseCalendar(bytes.NewReader(body))
			if resp.StatusCode != http.StatusOK || perr != nil || resp.Header.Get("Content-Type") != "text/calendar; charset=utf-8" {
				t.Fatalf("feed = %d %q, parse %v; want a calendar", resp.StatusCode, resp.Header.Get("Content-Type"), perr)
			}
			if evs := cal.Events(); len(evs) != 2 {
				t.Errorf("feed has %d events; want the 2 planned stops", len(evs))
			} else if start, err := evs[0].GetStartAt(); err != nil || !start.Equal(hearing) {
				t.Errorf("first event starts %v, %v; want the hearing at %v", start, err, hearing)
			}
			if resp, err := http.Get(hs.URL + "/feeds/partners/p_nobody.ics"); err != nil || resp.StatusCode != http.StatusNotFound {
				t.Errorf("feed of unknown partner = %v, %v; want 404", resp.StatusCode, err)
			}

			_, err = sched.GetItinerary(ctx, &alongsidev1.GetItineraryRequest{PartnerId: "p_other", Date: date})
			wantCode(t, "GetItinerary(other partner)", err, connect.CodeNotFound)
			_, err = sched.PlanDay(ctx, &alongsidev1.PlanDayRequest{Date: "2026-02-30", TimeZone: "America/Phoenix"})
			wantField(t, "PlanDay(bad date)", err, "date")
			_, err = sched.PlanDay(ctx, &alongsidev1.PlanDayRequest{Date: date, TimeZone: "Local"})
			wantField(t, "PlanDay(Local zone)", err, "time_zone")
			_, err = sched.PlanDay(ctx, &alongsidev1.PlanDayRequest{Date: date, TimeZone: "America/Phoenix", TimeLimit: durationpb.New(time.Hour)})
			wantField(t, "PlanDay(hour-long time limit)", err, "time_limit")
		})
	}
}
