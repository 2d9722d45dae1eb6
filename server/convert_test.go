package server

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/alongside/alongside"
	alongsidev1 "github.com/alongside/alongside/api/gen/alongside/v1"
	"github.com/alongside/alongside/geo"
	"github.com/alongside/alongside/store"
)

func mustZone(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

func date(y int, m time.Month, d int) alongside.Date {
	return alongside.Date{Year: y, Month: m, Day: d}
}

// testPartner returns a valid, normalized partner that sets every field.
func testPartner(tb testing.TB) *alongside.Partner {
	phx := mustZone(tb, "America/Phoenix")
	core := func(kind string) alongside.Credential {
		return alongside.Credential{Kind: kind, Completed: date(2023, 1, 10)}
	}
	return &alongside.Partner{
		Org: "org-1", ID: "p_rosa", Version: 3,
		DisplayName:     "Rosa M.",
		Languages:       []string{"es", "en"},
		Identity:        alongside.Identity{Races: []string{"White"}, Ethnicities: []string{"Hispanic"}, Cultures: []string{"Mexican American"}},
		Gender:          alongside.GenderWoman,
		LivedExperience: []alongside.Tag{alongside.TagDomesticViolence, alongside.TagSubstanceUse},
		OwnCaseClosed:   date(2019, 5, 14),
		RecoverySince:   date(2018, 1, 2),
		Trainings: []alongside.Credential{
			core(alongside.TrainingMandatoryReporting), core(alongside.TrainingBoundaries),
			core(alongside.TrainingSafety), core(alongside.TrainingConfidentiality),
		},
		Certifications: []alongside.Credential{{Kind: alongside.CertificationPeerSupport, Completed: date(2023, 3, 1), Expires: date(2026, 3, 1)}},
		Programs:       []string{"parent_support_now"},
		Home:           geo.Point{Lat: 35.1894, Lng: -114.053},
		TimeZone:       "America/Phoenix",
		CountiesServed: []string{"04015", "04027"},
		MaxTravel:      90 * time.Minute,
		HasCar:         true,
		Capacity:       28,
		Availability: []alongside.WeeklyWindow{
			{Day: time.Monday, Start: 9 * 60, End: 17 * 60},
			{Day: time.Sunday, Start: 18 * 60, End: 24 * 60},
		},
		Exclusions: alongside.Exclusions{Needs: []alongside.Tag{alongside.TagRelinquishment}, CaseRefs: []string{"JD-2020-0007"}},
		Status:     alongside.PartnerStatusActive,
		CreatedAt:  time.Date(2024, 1, 2, 8, 0, 0, 0, phx),
		UpdatedAt:  time.Date(2024, 2, 3, 9, 30, 0, 5, phx),
	}
}

func testCase(tb testing.TB) *alongside.Case {
	phx := mustZone(tb, "America/Phoenix")
	return &alongside.Case{
		Org: "org-1", ID: "c_42", Version: 2,
		ExternalRef:      "JD-2024-0042",
		OpenedAt:         time.Date(2024, 3, 9, 22, 15, 0, 0, phx),
		County:           "04015",
		Court:            "Mohave County Juvenile Court, Kingman",
		TimeZone:         "America/Phoenix",
		HomeArea:         geo.Point{Lat: 35.19, Lng: -114.05},
		ParentRole:       alongside.ParentRoleFather,
		Languages:        []string{"es"},
		InterpreterOK:    true,
		Identity:         alongside.Identity{TribalAffiliations: []string{"Hualapai"}},
		ICWA:             true,
		Needs:            []alongside.Tag{alongside.TagHousingInstability, alongside.TagSubstanceUse},
		Program:          "parent_support_now",
		MedicaidEligible: true,
		Referral:         alongside.ReferralCourt,
		Preferences:      alongside.Preferences{PartnerGender: alongside.GenderMan, Evenings: true},
		KnownConflicts:   []alongside.PartnerID{"p_9"},
		PriorPartners:    []alongside.PartnerID{"p_rosa"},
		Load:             2,
		Status:           alongside.CaseStatusOpen,
		CreatedAt:        time.Date(2024, 3, 9, 22, 20, 0, 0, phx),
		UpdatedAt:        time.Date(2024, 3, 9, 22, 20, 0, 0, phx),
	}
}

// testAppointment returns a flexible home visit on the Navajo Nation,
// which keeps daylight saving time.
func testAppointment(tb testing.TB) *alongside.Appointment {
	den := mustZone(tb, "America/Denver")
	return &alongside.Appointment{
		Org: "org-1", ID: "a_7", Version: 1,
		Case:     "c_42",
		Kind:     alongside.KindHomeVisit,
		Place:    "Window Rock",
		Location: geo.Point{Lat: 35.68, Lng: -109.05},
		County:   "04001",
		TimeZone: "America/Denver",
		Windows: []alongside.TimeWindow{
			{Start: time.Date(2024, 3, 11, 9, 0, 0, 0, den), End: time.Date(2024, 3, 11, 11, 0, 0, 0, den)},
			{Start: time.Date(2024, 3, 11, 14, 0, 0, 0, den), End: time.Date(2024, 3, 11, 16, 0, 0, 0, den)},
		},
		Duration:      75 * time.Minute,
		Priority:      55,
		CoverPartners: []alongside.PartnerID{"p_2", "p_3"},
		Status:        alongside.AppointmentScheduled,
		CreatedAt:     time.Date(2024, 3, 10, 8, 0, 0, 0, den),
		UpdatedAt:     time.Date(2024, 3, 10, 8, 0, 0, 0, den),
	}
}

func testHearing(tb testing.TB) *alongside.Appointment {
	a := testAppointment(tb)
	phx := mustZone(tb, "America/Phoenix")
	a.Kind, a.Place, a.County, a.TimeZone = alongside.KindCourtHearing, "Mohave County Superior Court", "04015", "America/Phoenix"
	a.Location = geo.Point{Lat: 35.19, Lng: -114.05}
	a.FixedStart, a.Windows, a.CoverPartners, a.Priority = time.Date(2024, 3, 11, 8, 30, 0, 0, phx), nil, nil, 0
	a.CreatedAt, a.UpdatedAt = a.CreatedAt.In(phx), a.UpdatedAt.In(phx)
	return a
}

func testAssignment() *alongside.Assignment {
	held := time.Date(2024, 3, 10, 5, 20, 0, 0, time.UTC)
	return &alongside.Assignment{
		Org: "org-1", ID: "h_1", Case: "c_42", Partner: "p_rosa", Units: 2,
		State: alongside.StateConfirmed, Score: 87.5,
		Factors: []alongside.Factor{
			{Name: "language", Value: 1, Weight: 3, Reason: "speaks Spanish, the parent's first language"},
			{Name: "travel", Value: 0.4, Weight: 1, Reason: "55 minutes from the parent's area"},
		},
		HeldAt: held, ExpiresAt: held.Add(4 * time.Hour), DecidedAt: held.Add(time.Hour), ConfirmedAt: held.Add(time.Hour),
		HeldBy: "intake@example.org", DecidedBy: "rosa@example.org",
	}
}

func testItinerary(tb testing.TB) *alongside.Itinerary {
	phx := mustZone(tb, "America/Phoenix")
	at := func(h, m int) time.Time { return time.Date(2024, 3, 11, h, m, 0, 0, phx) }
	return &alongside.Itinerary{
		Org: "org-1", Partner: "p_rosa", Date: date(2024, 3, 11), TimeZone: "America/Phoenix",
		Stops: []alongside.Stop{{
			Appointment: "a_8", Case: "c_42", Kind: alongside.KindCourtHearing,
			Arrival: at(8, 10), Start: at(8, 30), End: at(9, 30),
			TravelTime: 25 * time.Minute, TravelMiles: 14.2, Slack: 0,
		}},
		Start: at(7, 45), End: at(10, 0), DriveTime: 50 * time.Minute, DriveMiles: 28.4,
		PlannedAt: at(6, 0),
	}
}

// roundTrip checks that in survives conversion to its message, the JSON
// wire and back.
func roundTrip[R any, M proto.Message](tb testing.TB, in R, to func(R) M, from func(M) (R, error)) {
	tb.Helper()
	b, err := protojson.Marshal(to(in))
	if err != nil {
		tb.Fatalf("protojson.Marshal: %v", err)
	}
	var zero M
	m := zero.ProtoReflect().Type().New().Interface().(M)
	if err := protojson.Unmarshal(b, m); err != nil {
		tb.Fatalf("protojson.Unmarshal(%s): %v", b, err)
	}
	got, err := from(m)
	if err != nil {
		tb.Fatalf("decode %s: %v", b, err)
	}
	if diff := cmp.Diff(in, got); diff != "" {
		tb.Errorf("round trip through %s (-want +got):\n%s", b, diff)
	}
}

func caseWithoutAssignment(c *alongside.Case) *alongsidev1.Case { return caseToProto(c, nil) }

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	// Each record's fixture is valid, so it is also what a create would
	// store.
	for _, r := range []domainRecord{testPartner(t), testCase(t), testAppointment(t), testHearing(t)} {
		if err := r.Validate(); err != nil {
			t.Fatalf("fixture %T: Validate() = %v", r, err)
		}
	}
	t.Run("partner", func(t *testing.T) { roundTrip(t, testPartner(t), partnerToProto, partnerFromProto) })
	t.Run("case", func(t *testing.T) { roundTrip(t, testCase(t), caseWithoutAssignment, caseFromProto) })
	t.Run("flexible appointment", func(t *testing.T) { roundTrip(t, testAppointment(t), appointmentToProto, appointmentFromProto) })
	t.Run("hearing", func(t *testing.T) { roundTrip(t, testHearing(t), appointmentToProto, appointmentFromProto) })
	t.Run("assignment", func(t *testing.T) { roundTrip(t, testAssignment(), assignmentToProto, assignmentFromProto) })
	t.Run("itinerary", func(t *testing.T) { roundTrip(t, testItinerary(t), itineraryToProto, itineraryFromProto) })
	t.Run("empty partner", func(t *testing.T) {
		roundTrip(t, &alongside.Partner{}, partnerToProto, partnerFromProto)
	})
}

func TestCaseToProtoDerivedFields(t *testing.T) {
	t.Parallel()
	c, a := testCase(t), testAssignment()
	m := caseToProto(c, a)
	if got, want := m.GetDeadline().AsTime(), c.OpenedAt.Add(48*time.Hour); !got.Equal(want) {
		t.Errorf("deadline = %v; want %v", got, want)
	}
	want := &alongsidev1.AssignmentSummary{
		AssignmentId: "h_1", PartnerId: "p_rosa", State: alongsidev1.AssignmentState_ASSIGNMENT_STATE_CONFIRMED,
		Score: 87.5, ExpiresAt: timestamppb.New(a.ExpiresAt), DecidedAt: timestamppb.New(a.DecidedAt),
	}
	if !proto.Equal(m.GetCurrentAssignment(), want) {
		t.Errorf("current_assignment = %v; want %v", m.GetCurrentAssignment(), want)
	}
}

// TestDecodeShowsRecordZone checks that instants come back in the record's
// zone, whatever zone the client wrote them in.
func TestDecodeShowsRecordZone(t *testing.T) {
	t.Parallel()
	c, err := newCase(caseWithoutAssignment(testCase(t)))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.OpenedAt.Location().String(); got != "America/Phoenix" {
		t.Errorf("case opened_at zone = %s; want America/Phoenix", got)
	}
	a, err := newAppointment(appointmentToProto(testAppointment(t)))
	if err != nil {
		t.Fatal(err)
	}
	// 9:00 MDT on the Navajo Nation is 16:00 UTC (Arizona itself stays on MST).
	if got := a.Windows[0].Start; got.Location().String() != "America/Denver" || got.Hour() != 9 || got.UTC().Hour() != 15 {
		t.Errorf("window start = %v (UTC %v); want 09:00 America/Denver, 15:00 UTC", got, got.UTC())
	}
	it, err := itineraryFromProto(itineraryToProto(testItinerary(t)))
	if err != nil {
		t.Fatal(err)
	}
	if got := it.Stops[0].Start.Location().String(); got != "America/Phoenix" {
		t.Errorf("stop start zone = %s; want America/Phoenix", got)
	}
}

// checkEnum checks that every domain constant of an enum maps to a
// distinct proto value and back, and that every proto value maps to one of
// the constants ("" for the zero value).
func checkEnum[E protoEnum, S ~string](t *testing.T, constants ...S) {
	t.Helper()
	var d decoder
	seen := make(map[E]bool)
	for _, s := range constants {
		e := enumToProto[E](s)
		if e == 0 || seen[e] {
			t.Errorf("enumToProto(%q) = %v; want a distinct non-zero value", s, e)
		}
		seen[e] = true
		if back := enumFromProto[S](&d, "f", e); back != s {
			t.Errorf("enumFromProto(%v) = %q; want %q", e, back, s)
		}
	}
	values := E(0).Descriptor().Values()
	for i := range values.Len() {
		e := E(values.Get(i).Number())
		if s := enumFromProto[S](&d, "f", e); s != "" && !slices.Contains(constants, s) {
			t.Errorf("enumFromProto(%v) = %q, not a domain constant", e, s)
		}
	}
	if len(constants) != values.Len()-1 {
		t.Errorf("%d domain constants for %d proto values besides the zero value", len(constants), values.Len()-1)
	}
	if err := d.err(); err != nil {
		t.Error(err)
	}
}

func TestEnumMapping(t *testing.T) {
	t.Parallel()
	t.Run("gender", func(t *testing.T) {
		checkEnum[alongsidev1.Gender](t, alongside.GenderWoman, alongside.GenderMan, alongside.GenderNonbinary)
	})
	t.Run("partner status", func(t *testing.T) {
		checkEnum[alongsidev1.PartnerStatus](t, alongside.PartnerStatusOnboarding, alongside.PartnerStatusActive,
			alongside.PartnerStatusOnLeave, alongside.PartnerStatusInactive)
	})
	t.Run("parent role", func(t *testing.T) {
		checkEnum[alongsidev1.ParentRole](t, alongside.ParentRoleMother, alongside.ParentRoleFather, alongside.ParentRoleOther)
	})
	t.Run("referral", func(t *testing.T) {
		checkEnum[alongsidev1.ReferralSource](t, alongside.ReferralCourt, alongside.ReferralAgency,
			alongside.ReferralAttorney, alongside.ReferralSelf)
	})
	t.Run("case status", func(t *testing.T) {
		checkEnum[alongsidev1.CaseStatus](t, alongside.CaseStatusOpen, alongside.CaseStatusPostClosure, alongside.CaseStatusClosed)
	})
	t.Run("appointment kind", func(t *testing.T) {
		checkEnum[alongsidev1.AppointmentKind](t, alongside.KindCourtHearing, alongside.KindTeamMeeting,
			alongside.KindSupervisedVisit, alongside.KindClinic, alongside.KindSchoolMeeting, alongside.KindClass,
			alongside.KindSupportGroup, alongside.KindHomeVisit, alongside.KindServiceIntake, alongside.KindOther)
	})
	t.Run("appointment status", func(t *testing.T) {
		checkEnum[alongsidev1.AppointmentStatus](t, alongside.AppointmentScheduled, alongside.AppointmentInProgress,
			alongside.AppointmentDone, alongside.AppointmentCancelled)
	})
	t.Run("assignment state", func(t *testing.T) {
		checkEnum[alongsidev1.AssignmentState](t, alongside.StateHeld, alongside.StateConfirmed,
			alongside.StateDeclined, alongside.StateExpired, alongside.StateReleased)
	})
	t.Run("weekday", func(t *testing.T) {
		for w := time.Sunday; w <= time.Saturday; w++ {
			var d decoder
			if got := d.weekday("day", weekdayToProto(w)); got != w || d.err() != nil {
				t.Errorf("weekday(weekdayToProto(%v)) = %v, %v", w, got, d.err())
			}
		}
	})
}

// decodeRequest decodes req the way its handler does; updates apply to
// the fixtures as the stored records.
func decodeRequest(tb testing.TB, req proto.Message) (any, error) {
	switch r := req.(type) {
	case *alongsidev1.CreatePartnerRequest:
		return newPartner(r.GetPartner())
	case *alongsidev1.CreateCaseRequest:
		return newCase(r.GetCase())
	case *alongsidev1.CreateAppointmentRequest:
		return newAppointment(r.GetAppointment())
	case *alongsidev1.UpdatePartnerRequest:
		return updatedPartner(testPartner(tb), r)
	case *alongsidev1.UpdateCaseRequest:
		return updatedCase(testCase(tb), r)
	case *alongsidev1.UpdateAppointmentRequest:
		return updatedAppointment(testAppointment(tb), r)
	case *alongsidev1.ListPartnersRequest:
		return partnerQuery(r)
	case *alongsidev1.ListCasesRequest:
		return caseQuery(r)
	case *alongsidev1.ListAppointmentsRequest:
		return appointmentQuery(r)
	case *alongsidev1.MatchCaseRequest:
		return matchCaseRequest(r)
	case *alongsidev1.DeclineAssignmentRequest:
		return transitionRequest(r.GetAssignmentId(), r.GetReason())
	case *alongsidev1.ListPendingHoldsRequest:
		return pendingHoldsQuery(r)
	case *alongsidev1.ExplainMatchRequest:
		return nil, explainRequest(r)
	case *alongsidev1.RebalanceRequest:
		return rebalanceRequest(r)
	case *alongsidev1.GetEquityReportRequest:
		return equityRequest(r)
	}
	tb.Fatalf("no decoder for %T", req)
	return nil, nil
}

// fieldErrors returns err's field errors as field → reason, failing on an
// error that is not a *alongside.FieldError or on a field named twice.
func fieldErrors(tb testing.TB, err error) map[string]string {
	tb.Helper()
	out := make(map[string]string)
	var walk func(error)
	walk = func(e error) {
		switch x := e.(type) {
		case nil:
		case interface{ Unwrap() []error }:
			for _, inner := range x.Unwrap() {
				walk(inner)
			}
		case *alongside.FieldError:
			if prev, dup := out[x.Field]; dup {
				tb.Errorf("field %s reported twice: %q and %q", x.Field, prev, x.Reason)
			}
			out[x.Field] = x.Reason
		default:
			tb.Errorf("error %v (%T) is not a *alongside.FieldError", e, e)
		}
	}
	walk(err)
	return out
}

// edited returns m after edit, for bad-input rows built from a fixture.
func edited[M proto.Message](m M, edit func(M)) M {
	edit(m)
	return m
}

func paths(p ...string) *fieldmaskpb.FieldMask { return &fieldmaskpb.FieldMask{Paths: p} }

// TestDecodeRequest runs create, update and list requests through their
// decoders: what a valid request yields, and every field a bad one names
// with a part of its reason.
func TestDecodeRequest(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		req  func(testing.TB) proto.Message
		want func(testing.TB) any // the decoded value when valid
		errs map[string]string    // field → part of the reason, when invalid
	}{{
		name: "create partner ignores output-only fields",
		req: func(tb testing.TB) proto.Message {
			return &alongsidev1.CreatePartnerRequest{Partner: edited(partnerToProto(testPartner(tb)), func(m *alongsidev1.Partner) {
				m.CurrentLoad = &alongsidev1.PartnerLoad{Capacity: 1}
			})}
		},
		want: func(tb testing.TB) any {
			p := testPartner(tb)
			p.Org, p.ID, p.Version, p.CreatedAt, p.UpdatedAt = "", "", 0, time.Time{}, time.Time{}
			return p
		},
	}, {
		name: "create partner normalizes",
		req: func(tb testing.TB) proto.Message {
			return &alongsidev1.CreatePartnerRequest{Partner: edited(partnerToProto(testPartner(tb)), func(m *alongsidev1.Partner) {
				m.Languages = []string{"ES", "en", "es"}
				m.CountiesServed = []string{"04027", "04015", "04027"}
			})}
		},
		want: func(tb testing.TB) any {
			p := testPartner(tb)
			p.Org, p.ID, p.Version, p.CreatedAt, p.UpdatedAt = "", "", 0, time.Time{}, time.Time{}
			return p
		},
	}, {
		name: "create partner without partner",
		req:  func(testing.TB) proto.Message { return &alongsidev1.CreatePartnerRequest{} },
		errs: map[string]string{"partner": "must be set"},
	}, {
		name: "create partner with undecodable values",
		req: func(tb testing.TB) proto.Message {
			return &alongsidev1.CreatePartnerRequest{Partner: edited(partnerToProto(testPartner(tb)), func(m *alongsidev1.Partner) {
				m.OwnCaseClosed = "2019-02-30"
				m.Trainings[1].Completed = "yesterday"
				m.Availability[0].Start = "9:00"
				m.Availability[1].Day = alongsidev1.Weekday_WEEKDAY_UNSPECIFIED
				m.Status = 99
				m.Gender = -1
				m.Home = nil
				m.MaxTravel = &durationpb.Duration{Seconds: 1, Nanos: -1}
				m.Languages = nil
			})}
		},
		errs: map[string]string{
			"partner.own_case_closed":        "must be a date YYYY-MM-DD",
			"partner.trainings[1].completed": "must be a date YYYY-MM-DD",
			"partner.availability[0].start":  "must be a time HH:MM",
			"partner.availability[1].day":    "must be one of WEEKDAY_MONDAY, WEEKDAY_TUESDAY",
			"partner.status":                 "must be one of PARTNER_STATUS_UNSPECIFIED, PARTNER_STATUS_ONBOARDING",
			"partner.gender":                 "must be one of GENDER_UNSPECIFIED",
			"partner.home":                   "must be set",
			"partner.max_travel":             "must be a duration",
			"partner.languages":              "must list at least one language",
		},
	}, {
		name: "create partner with invalid values",
		req: func(tb testing.TB) proto.Message {
			return &alongsidev1.CreatePartnerRequest{Partner: edited(partnerToProto(testPartner(tb)), func(m *alongsidev1.Partner) {
				m.Home.Lat = 91
				m.Capacity = -1
				m.LivedExperience = []string{"bad tag"}
				m.TimeZone = "Mars/Olympus"
			})}
		},
		errs: map[string]string{
			"partner.home.lat":            "outside [-90, 90]",
			"partner.capacity":            "must be between 0 and 1000",
			"partner.lived_experience[0]": "not a known tag",
			"partner.time_zone":           "not an IANA time zone",
		},
	}, {
		name: "create case with bad values",
		req: func(tb testing.TB) proto.Message {
			return &alongsidev1.CreateCaseRequest{Case: edited(caseToProto(testCase(tb), nil), func(m *alongsidev1.Case) {
				m.OpenedAt = &timestamppb.Timestamp{Seconds: 1, Nanos: -5}
				m.ConflictPartnerIds = []string{"no spaces please"}
				m.Preferences.PartnerGender = 7
				m.ParentRole = alongsidev1.ParentRole_PARENT_ROLE_UNSPECIFIED
			})}
		},
		errs: map[string]string{
			"case.opened_at":                  "must be a timestamp",
			"case.conflict_partner_ids[0]":    "letters, digits",
			"case.preferences.partner_gender": "must be one of GENDER_UNSPECIFIED",
			"case.parent_role":                "must be mother, father or other",
		},
	}, {
		name: "create appointment with bad values",
		req: func(tb testing.TB) proto.Message {
			return &alongsidev1.CreateAppointmentRequest{Appointment: edited(appointmentToProto(testAppointment(tb)), func(m *alongsidev1.Appointment) {
				m.CaseId = ""
				m.CoverPartnerIds = []string{"p_2", "-bad"}
				m.Windows[0].End = timestamppb.New(m.Windows[0].Start.AsTime().Add(-time.Minute))
				m.Kind = 42
			})}
		},
		errs: map[string]string{
			"appointment.case_id":              "must not be empty",
			"appointment.cover_partner_ids[0]": "starting with a letter or digit", // sorted: "-bad" first
			"appointment.windows[0].end":       "must not be before start",
			"appointment.kind":                 "must be one of APPOINTMENT_KIND_UNSPECIFIED",
		},
	}, {
		name: "update partner status only",
		req: func(tb testing.TB) proto.Message {
			return &alongsidev1.UpdatePartnerRequest{
				Partner:    &alongsidev1.Partner{Id: "p_rosa", Status: alongsidev1.PartnerStatus_PARTNER_STATUS_ON_LEAVE, DisplayName: "ignored"},
				UpdateMask: paths("status"),
			}
		},
		want: func(tb testing.TB) any {
			p := testPartner(tb)
			p.Status = alongside.PartnerStatusOnLeave
			return p
		},
	}, {
		name: "update nested field and clear a list, with a version",
		req: func(tb testing.TB) proto.Message {
			return &alongsidev1.UpdatePartnerRequest{
				Partner:    &alongsidev1.Partner{Home: &alongsidev1.LatLng{Lat: 34.5, Lng: 1}},
				UpdateMask: paths("home.lat", "certifications"),
				Version:    7,
			}
		},
		want: func(tb testing.TB) any {
			p := testPartner(tb)
			p.Home.Lat, p.Certifications, p.Version = 34.5, nil, 7
			return p
		},
	}, {
		name: "update with empty mask replaces every mutable field",
		req: func(tb testing.TB) proto.Message {
			return &alongsidev1.UpdateCaseRequest{Case: edited(caseToProto(testCase(tb), nil), func(m *alongsidev1.Case) {
				m.Status, m.Needs, m.Court = alongsidev1.CaseStatus_CASE_STATUS_POST_CLOSURE, nil, ""
				m.Id, m.OrgId, m.Version, m.CreatedAt = "c_other", "org-2", 99, timestamppb.Now() // output only: ignored
				m.CurrentAssignment = &alongsidev1.AssignmentSummary{AssignmentId: "h_9"}
			})}
		},
		want: func(tb testing.TB) any {
			c := testCase(tb)
			c.Status, c.Needs, c.Court = alongside.CaseStatusPostClosure, nil, ""
			return c
		},
	}, {
		name: "update with bad mask paths",
		req: func(tb testing.TB) proto.Message {
			return &alongsidev1.UpdateAppointmentRequest{
				Appointment: appointmentToProto(testAppointment(tb)),
				UpdateMask:  paths("nickname", "version", "windows.start", "duration.seconds", "location.alt"),
			}
		},
		errs: map[string]string{"update_mask": `path "nickname": "nickname" is not a field of Appointment; ` +
			`path "version": "version" is output only and cannot be updated; ` +
			`path "windows.start": "windows" has no fields to name; name the whole field; ` +
			`path "duration.seconds": "duration" has no fields to name; name the whole field; ` +
			`path "location.alt": "alt" is not a field of LatLng`},
	}, {
		name: "update producing an invalid record",
		req: func(tb testing.TB) proto.Message {
			return &alongsidev1.UpdateAppointmentRequest{
				Appointment: &alongsidev1.Appointment{FixedStart: timestamppb.New(time.Date(2024, 3, 11, 15, 0, 0, 0, time.UTC))},
				UpdateMask:  paths("fixed_start"),
			}
		},
		errs: map[string]string{"appointment.windows": "must be empty when fixed_start is set"},
	}, {
		name: "update with a negative version",
		req: func(tb testing.TB) proto.Message {
			return &alongsidev1.UpdateCaseRequest{Case: edited(caseToProto(testCase(tb), nil), func(*alongsidev1.Case) {}), Version: -1}
		},
		errs: map[string]string{"version": "must not be negative"},
	}, {
		name: "update without the record",
		req: func(tb testing.TB) proto.Message {
			return &alongsidev1.UpdatePartnerRequest{UpdateMask: paths("status")}
		},
		errs: map[string]string{"partner": "must be set"},
	}, {
		name: "list partners",
		req: func(testing.TB) proto.Message {
			return &alongsidev1.ListPartnersRequest{PageSize: 900, PageToken: "opaque", Status: alongsidev1.PartnerStatus_PARTNER_STATUS_ACTIVE, CountyFips: "04027", Program: "parent_support_now"}
		},
		want: func(testing.TB) any {
			return store.PartnerQuery{Cursor: store.Cursor{PageSize: 900}, Status: alongside.PartnerStatusActive, County: "04027", Program: "parent_support_now"}
		},
	}, {
		name: "list cases",
		req: func(testing.TB) proto.Message {
			return &alongsidev1.ListCasesRequest{
				Status: alongsidev1.CaseStatus_CASE_STATUS_OPEN, CountyFips: "04015",
				OpenedAfter: timestamppb.New(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)), OpenedBefore: timestamppb.New(time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)),
			}
		},
		want: func(testing.TB) any {
			return store.CaseQuery{Status: alongside.CaseStatusOpen, County: "04015",
				OpenedAfter: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), OpenedBefore: time.Date(2024, 4, 1, 0, 0, 0, 0, time.UTC)}
		},
	}, {
		name: "list appointments",
		req: func(testing.TB) proto.Message {
			return &alongsidev1.ListAppointmentsRequest{PageSize: 10, CaseId: "c_42", Status: alongsidev1.AppointmentStatus_APPOINTMENT_STATUS_DONE}
		},
		want: func(testing.TB) any {
			return store.AppointmentQuery{Cursor: store.Cursor{PageSize: 10}, Case: "c_42", Status: alongside.AppointmentDone}
		},
	}, {
		name: "list with bad filters",
		req: func(testing.TB) proto.Message {
			return &alongsidev1.ListAppointmentsRequest{
				PageSize: -1, CaseId: "c 42", Status: 12,
				FromTime: timestamppb.New(time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC)), ToTime: timestamppb.New(time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)),
			}
		},
		errs: map[string]string{
			"page_size": "must not be negative",
			"case_id":   "must be letters",
			"status":    "must be one of APPOINTMENT_STATUS_UNSPECIFIED",
			"to_time":   "must be after from_time",
		},
	}, {
		name: "list partners with an unknown county",
		req:  func(testing.TB) proto.Message { return &alongsidev1.ListPartnersRequest{CountyFips: "06037"} },
		errs: map[string]string{"county_fips": "not a known county"},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := decodeRequest(t, tt.req(t))
			gotErrs := fieldErrors(t, err)
			if tt.errs == nil {
				if err != nil {
					t.Fatalf("decode = %v; want no error", err)
				}
				if diff := cmp.Diff(tt.want(t), got); diff != "" {
					t.Errorf("decode (-want +got):\n%s", diff)
				}
				return
			}
			for field, part := range tt.errs {
				if reason, ok := gotErrs[field]; !ok || !strings.Contains(reason, part) {
					t.Errorf("error on %s = %q; want one containing %q", field, reason, part)
				}
			}
			if extra := slices.DeleteFunc(slices.Sorted(maps.Keys(gotErrs)), func(f string) bool { _, ok := tt.errs[f]; return ok }); len(extra) > 0 {
				t.Errorf("unexpected errors on %v: %v", extra, err)
			}
		})
	}
}
