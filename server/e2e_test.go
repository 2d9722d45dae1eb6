package server_test

import (
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connecthttp"
	"connectrpc.com/grpchealth"
	"connectrpc.com/grpcreflect/v2"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/testing/protocmp"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/alongside/alongside"
	alongsidev1 "github.com/alongside/alongside/api/gen/alongside/v1"
	"github.com/alongside/alongside/api/gen/alongside/v1/alongsidev1connect"
	"github.com/alongside/alongside/internal/redistest"
	"github.com/alongside/alongside/server"
	"github.com/alongside/alongside/store"
	"github.com/alongside/alongside/store/boltstore"
	"github.com/alongside/alongside/store/redisstore"
)

var redisServer *redistest.Server

func TestMain(m *testing.M) {
	srv, stop := redistest.StartMain()
	redisServer = srv
	code := m.Run()
	stop()
	os.Exit(code)
}

// stores opens each store implementation, empty, for one test.
var stores = []struct {
	name string
	open func(t *testing.T) store.Store
}{
	{"embedded", func(t *testing.T) store.Store {
		st, err := boltstore.Open(filepath.Join(t.TempDir(), "alongside.db"), boltstore.Options{})
		if err != nil {
			t.Fatalf("boltstore.Open: %v", err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}},
	{"redis", func(t *testing.T) store.Store {
		prefix := fmt.Sprintf("e2e%d", time.Now().UnixNano())
		st, err := redisstore.Open(t.Context(), redisServer.URL(), redisstore.Options{Prefix: prefix})
		if err != nil {
			t.Fatalf("redisstore.Open: %v", err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}},
}

// protocols are the wire protocols the clients speak.
var protocols = []struct {
	name string
	opts []connecthttp.Option
}{
	{"connect-json-http1", []connecthttp.Option{connecthttp.WithProtoJSON()}},
	{"grpc-h2c", []connecthttp.Option{connecthttp.WithGRPC()}},
}

// startServer runs the real server on a loopback port over st.
func startServer(t *testing.T, st store.Store) *httptest.Server {
	t.Helper()
	srv, err := server.New(server.Config{Store: st, Org: "e2e"})
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	hs := httptest.NewUnstartedServer(srv.Handler())
	hs.Config.Protocols = new(http.Protocols)
	hs.Config.Protocols.SetHTTP1(true)
	hs.Config.Protocols.SetUnencryptedHTTP2(true)
	hs.Start()
	t.Cleanup(hs.Close)
	return hs
}

// newHTTPClient speaks HTTP/1.1 for Connect and h2c for gRPC.
func newHTTPClient(grpc bool) *http.Client {
	p := new(http.Protocols)
	if grpc {
		p.SetUnencryptedHTTP2(true)
	} else {
		p.SetHTTP1(true)
	}
	return &http.Client{Transport: &http.Transport{Protocols: p}, Timeout: 30 * time.Second}
}

func newRosterClient(t *testing.T, url string, grpc bool, opts ...connecthttp.Option) alongsidev1connect.RosterServiceClient {
	t.Helper()
	return alongsidev1connect.NewRosterServiceClient(connect.NewClient(connecthttp.NewTransport(newHTTPClient(grpc), url, opts...)))
}

func validPartner(name string) *alongsidev1.Partner {
	return &alongsidev1.Partner{
		DisplayName:    name,
		Languages:      []string{"es-MX", "en"},
		Gender:         alongsidev1.Gender_GENDER_MAN,
		Father:         true,
		OwnCaseClosed:  "2021-03-15",
		Trainings:      []*alongsidev1.Credential{{Kind: alongside.TrainingBoundaries, Completed: "2022-01-10"}, {Kind: alongside.TrainingFatherhood, Completed: "2022-02-01"}},
		Programs:       []string{"parent_support_now"},
		Home:           &alongsidev1.LatLng{Lat: 35.19, Lng: -114.05},
		TimeZone:       "America/Phoenix",
		CountiesServed: []string{"04015"},
		MaxTravel:      durationpb.New(90 * time.Minute),
		HasCar:         true,
		Capacity:       12,
		Availability:   []*alongsidev1.WeeklyWindow{{Day: alongsidev1.Weekday_WEEKDAY_TUESDAY, Start: "17:00", End: "21:00"}},
		Status:         alongsidev1.PartnerStatus_PARTNER_STATUS_ACTIVE,
	}
}

func validCase(ref string) *alongsidev1.Case {
	return &alongsidev1.Case{
		ExternalRef: ref,
		OpenedAt:    timestamppb.New(time.Date(2026, 5, 4, 16, 0, 0, 0, time.UTC)),
		County:      "04015",
		TimeZone:    "America/Phoenix",
		HomeArea:    &alongsidev1.LatLng{Lat: 35.2012, Lng: -114.0377},
		ParentRole:  alongsidev1.ParentRole_PARENT_ROLE_FATHER,
		Languages:   []string{"es"},
		Needs:       []string{"homelessness"},
		Program:     "parent_support_now",
		Status:      alongsidev1.CaseStatus_CASE_STATUS_OPEN,
	}
}

func TestRosterE2E(t *testing.T) {
	t.Parallel()
	for _, st := range stores {
		for _, proto := range protocols {
			t.Run(st.name+"/"+proto.name, func(t *testing.T) {
				t.Parallel()
				s := st.open(t)
				hs := startServer(t, s)
				client := newRosterClient(t, hs.URL, proto.name == "grpc-h2c", proto.opts...)
				testPartners(t, client)
				testCasesAndAppointments(t, client)
				testInvalidInput(t, client, s)
			})
		}
	}
}

func testPartners(t *testing.T, c alongsidev1connect.RosterServiceClient) {
	ctx := t.Context()
	created, err := c.CreatePartner(ctx, &alongsidev1.CreatePartnerRequest{Partner: validPartner("Ana Ruiz")})
	if err != nil {
		t.Fatalf("CreatePartner: %v", err)
	}
	p := created.GetPartner()
	if p.GetId() == "" || p.GetOrgId() != "e2e" || p.GetVersion() != 1 || p.GetCreatedAt() == nil {
		t.Fatalf("CreatePartner = id %q org %q version %d; want a new id, org e2e, version 1", p.GetId(), p.GetOrgId(), p.GetVersion())
	}
	if got, want := p.GetLanguages(), []string{"es-MX", "en"}; !slices.Equal(got, want) {
		t.Errorf("languages = %v; want %v", got, want)
	}
	if l := p.GetCurrentLoad(); l.GetCapacity() != 12 || l.GetCommitted() != 0 {
		t.Errorf("current_load = %v; want capacity 12, nothing committed", l)
	}

	got, err := c.GetPartner(ctx, &alongsidev1.GetPartnerRequest{PartnerId: p.GetId()})
	if err != nil {
		t.Fatalf("GetPartner: %v", err)
	}
	if diff := cmp.Diff(p, got.GetPartner(), protocmp.Transform()); diff != "" {
		t.Errorf("GetPartner differs from CreatePartner (-create +get):\n%s", diff)
	}

	// Update: capacity only, based on version 1.
	upd := &alongsidev1.Partner{Id: p.GetId(), Capacity: 20}
	updated, err := c.UpdatePartner(ctx, &alongsidev1.UpdatePartnerRequest{Partner: upd, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"capacity"}}, Version: 1})
	if err != nil {
		t.Fatalf("UpdatePartner: %v", err)
	}
	if u := updated.GetPartner(); u.GetCapacity() != 20 || u.GetVersion() != 2 || u.GetDisplayName() != "Ana Ruiz" {
		t.Errorf("UpdatePartner = capacity %d version %d name %q; want 20, 2, unchanged name", u.GetCapacity(), u.GetVersion(), u.GetDisplayName())
	}
	_, err = c.UpdatePartner(ctx, &alongsidev1.UpdatePartnerRequest{Partner: upd, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"capacity"}}, Version: 1})
	wantCode(t, "UpdatePartner(stale version)", err, connect.CodeAborted)

	_, err = c.GetPartner(ctx, &alongsidev1.GetPartnerRequest{PartnerId: "p_doesnotexist"})
	wantCode(t, "GetPartner(unknown)", err, connect.CodeNotFound)

	// Pagination: 24 partners in 3 pages of 10, each exactly once, in ID order.
	ids := []string{p.GetId()}
	for i := range 23 {
		np := validPartner(fmt.Sprintf("Partner %d", i))
		if i%2 == 1 {
			np.CountiesServed = []string{"04027"}
		}
		r, err := c.CreatePartner(ctx, &alongsidev1.CreatePartnerRequest{Partner: np})
		if err != nil {
			t.Fatalf("CreatePartner %d: %v", i, err)
		}
		ids = append(ids, r.GetPartner().GetId())
	}
	slices.Sort(ids)
	listed, pages := listAll(t, func(token string) ([]string, string, error) {
		r, err := c.ListPartners(ctx, &alongsidev1.ListPartnersRequest{PageSize: 10, PageToken: token})
		return partnerIDs(r.GetPartners()), r.GetNextPageToken(), err
	})
	if !slices.Equal(listed, ids) || pages != 3 {
		t.Errorf("ListPartners paged = %d ids in %d pages; want %d in 3, in order", len(listed), pages, len(ids))
	}
	yuma, _ := listAll(t, func(token string) ([]string, string, error) {
		r, err := c.ListPartners(ctx, &alongsidev1.ListPartnersRequest{PageSize: 5, PageToken: token, CountyFips: "04027"})
		return partnerIDs(r.GetPartners()), r.GetNextPageToken(), err
	})
	if len(yuma) != 11 {
		t.Errorf("ListPartners(county 04027) = %d partners; want 11", len(yuma))
	}
	// A token is bound to its filters.
	r, err := c.ListPartners(ctx, &alongsidev1.ListPartnersRequest{PageSize: 5, CountyFips: "04027"})
	if err != nil {
		t.Fatalf("ListPartners: %v", err)
	}
	_, err = c.ListPartners(ctx, &alongsidev1.ListPartnersRequest{PageSize: 5, PageToken: r.GetNextPageToken(), CountyFips: "04015"})
	wantField(t, "ListPartners(token of other filters)", err, "page_token")
}

func testCasesAndAppointments(t *testing.T, c alongsidev1connect.RosterServiceClient) {
	ctx := t.Context()
	created, err := c.CreateCase(ctx, &alongsidev1.CreateCaseRequest{Case: validCase("DCS-2026-0001")})
	if err != nil {
		t.Fatalf("CreateCase: %v", err)
	}
	cs := created.GetCase()
	// 2026-05-04T16:00Z is 09:00 in Phoenix; the deadline is 48 hours later.
	if got, want := cs.GetDeadline().AsTime(), time.Date(2026, 5, 6, 16, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("deadline = %v; want %v", got, want)
	}
	if got := cs.GetHomeArea(); got.GetLat() != 35.2 || got.GetLng() != -114.04 {
		t.Errorf("home_area = %v; want coarsened to 35.2,-114.04", got)
	}
	_, err = c.CreateCase(ctx, &alongsidev1.CreateCaseRequest{Case: validCase("DCS-2026-0001")})
	wantCode(t, "CreateCase(duplicate external_ref)", err, connect.CodeAlreadyExists)

	got, err := c.GetCase(ctx, &alongsidev1.GetCaseRequest{CaseId: cs.GetId()})
	if err != nil {
		t.Fatalf("GetCase: %v", err)
	}
	if diff := cmp.Diff(cs, got.GetCase(), protocmp.Transform()); diff != "" {
		t.Errorf("GetCase differs from CreateCase (-create +get):\n%s", diff)
	}
	closed, err := c.UpdateCase(ctx, &alongsidev1.UpdateCaseRequest{
		Case:       &alongsidev1.Case{Id: cs.GetId(), Status: alongsidev1.CaseStatus_CASE_STATUS_CLOSED},
		UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"status"}},
	})
	if err != nil || closed.GetCase().GetStatus() != alongsidev1.CaseStatus_CASE_STATUS_CLOSED {
		t.Fatalf("UpdateCase(status closed) = %v, %v; want closed", closed.GetCase().GetStatus(), err)
	}
	listed, err := c.ListCases(ctx, &alongsidev1.ListCasesRequest{Status: alongsidev1.CaseStatus_CASE_STATUS_CLOSED})
	if err != nil || len(listed.GetCases()) != 1 {
		t.Fatalf("ListCases(closed) = %d cases, %v; want 1", len(listed.GetCases()), err)
	}

	hearing := time.Date(2026, 5, 5, 9, 0, 0, 0, time.FixedZone("MST", -7*3600))
	appt := &alongsidev1.Appointment{
		CaseId:     cs.GetId(),
		Kind:       alongsidev1.AppointmentKind_APPOINTMENT_KIND_COURT_HEARING,
		Place:      "Mohave County Juvenile Court, Kingman",
		Location:   &alongsidev1.LatLng{Lat: 35.1894, Lng: -114.0530},
		County:     "04015",
		TimeZone:   "America/Phoenix",
		FixedStart: timestamppb.New(hearing),
		Duration:   durationpb.New(time.Hour),
		Status:     alongsidev1.AppointmentStatus_APPOINTMENT_STATUS_SCHEDULED,
	}
	ar, err := c.CreateAppointment(ctx, &alongsidev1.CreateAppointmentRequest{Appointment: appt})
	if err != nil {
		t.Fatalf("CreateAppointment: %v", err)
	}
	day, err := c.ListAppointments(ctx, &alongsidev1.ListAppointmentsRequest{
		FromTime: timestamppb.New(hearing.Add(-9 * time.Hour)), ToTime: timestamppb.New(hearing.Add(15 * time.Hour)),
	})
	if err != nil || len(day.GetAppointments()) != 1 || day.GetAppointments()[0].GetId() != ar.GetAppointment().GetId() {
		t.Fatalf("ListAppointments(that day) = %v, %v; want the hearing", day.GetAppointments(), err)
	}
	orphan := proto.CloneOf(appt)
	orphan.CaseId = "c_nosuchcase"
	_, err = c.CreateAppointment(ctx, &alongsidev1.CreateAppointmentRequest{Appointment: orphan})
	wantField(t, "CreateAppointment(unknown case)", err, "appointment.case_id")
}

// testInvalidInput sends one bad request per row and checks the exact field
// named and that nothing stored changed.
func testInvalidInput(t *testing.T, c alongsidev1connect.RosterServiceClient, st store.Store) {
	ctx := t.Context()
	before := snapshot(t, st)
	some, err := st.ListPartners(ctx, "e2e", store.PartnerQuery{Cursor: store.Cursor{PageSize: 1}})
	if err != nil || len(some.Items) == 0 {
		t.Fatalf("ListPartners = %v; want a partner to update", err)
	}
	existing := string(some.Items[0].ID)
	partner := func(mut func(p *alongsidev1.Partner)) error {
		p := validPartner("Bad Input")
		mut(p)
		_, err := c.CreatePartner(ctx, &alongsidev1.CreatePartnerRequest{Partner: p})
		return err
	}
	kase := func(mut func(c *alongsidev1.Case)) error {
		k := validCase("DCS-BAD-1")
		mut(k)
		_, err := c.CreateCase(ctx, &alongsidev1.CreateCaseRequest{Case: k})
		return err
	}
	tests := []struct {
		name  string
		call  func() error
		field string
	}{
		{"latitude above 90", func() error { return partner(func(p *alongsidev1.Partner) { p.Home.Lat = 90.0001 }) }, "partner.home.lat"},
		{"longitude beyond 180", func() error { return partner(func(p *alongsidev1.Partner) { p.Home.Lng = 180.0001 }) }, "partner.home.lng"},
		{"bad language tag", func() error { return partner(func(p *alongsidev1.Partner) { p.Languages = []string{"en", "xx-"} }) }, "partner.languages[1]"},
		{"unknown time zone", func() error { return partner(func(p *alongsidev1.Partner) { p.TimeZone = "America/Phenix" }) }, "partner.time_zone"},
		{"Local time zone", func() error { return partner(func(p *alongsidev1.Partner) { p.TimeZone = "Local" }) }, "partner.time_zone"},
		{"negative capacity", func() error { return partner(func(p *alongsidev1.Partner) { p.Capacity = -1 }) }, "partner.capacity"},
		{"unknown county", func() error { return partner(func(p *alongsidev1.Partner) { p.CountiesServed = []string{"04999"} }) }, "partner.counties_served[0]"},
		{"window ends before it starts", func() error {
			return partner(func(p *alongsidev1.Partner) { p.Availability[0].End = "16:00" })
		}, "partner.availability[0].end"},
		{"bad date", func() error { return partner(func(p *alongsidev1.Partner) { p.OwnCaseClosed = "2021-02-30" }) }, "partner.own_case_closed"},
		{"control character in name", func() error { return partner(func(p *alongsidev1.Partner) { p.DisplayName = "Ana\u202eRuiz" }) }, "partner.display_name"},
		{"missing partner", func() error { _, err := c.CreatePartner(ctx, &alongsidev1.CreatePartnerRequest{}); return err }, "partner"},
		{"case without opened_at", func() error { return kase(func(k *alongsidev1.Case) { k.OpenedAt = nil }) }, "case.opened_at"},
		{"case with unknown county", func() error { return kase(func(k *alongsidev1.Case) { k.County = "04999" }) }, "case.county"},
		{"case latitude NaN", func() error { return kase(func(k *alongsidev1.Case) { k.HomeArea.Lat = nanValue() }) }, "case.home_area.lat"},
		{"malformed id", func() error {
			_, err := c.GetPartner(ctx, &alongsidev1.GetPartnerRequest{PartnerId: "../etc"})
			return err
		}, "partner_id"},
		{"page size too large is clamped, bad token is not", func() error {
			_, err := c.ListPartners(ctx, &alongsidev1.ListPartnersRequest{PageSize: 10_001, PageToken: "tampered"})
			return err
		}, "page_token"},
		{"update breaking validation", func() error {
			_, err := c.UpdatePartner(ctx, &alongsidev1.UpdatePartnerRequest{Partner: &alongsidev1.Partner{Id: existing, Capacity: 1_000_000_000}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"capacity"}}})
			return err
		}, "partner.capacity"},
		{"output-only field in mask", func() error {
			_, err := c.UpdatePartner(ctx, &alongsidev1.UpdatePartnerRequest{Partner: &alongsidev1.Partner{Id: existing, OrgId: "other"}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"org_id"}}})
			return err
		}, "update_mask"},
	}
	for _, tt := range tests {
		wantField(t, tt.name, tt.call(), tt.field)
	}
	if after := snapshot(t, st); !cmp.Equal(before, after) {
		t.Errorf("bad input changed the store:\n%s", cmp.Diff(before, after))
	}
}

func nanValue() float64 { return math.NaN() }

// snapshot returns every record and audit event of org e2e, for equality.
func snapshot(t *testing.T, st store.Store) []string {
	t.Helper()
	ctx := t.Context()
	var out []string
	ps, err := st.ListPartners(ctx, "e2e", store.PartnerQuery{Cursor: store.Cursor{PageSize: store.MaxPageSize}})
	if err != nil {
		t.Fatalf("ListPartners: %v", err)
	}
	for _, p := range ps.Items {
		out = append(out, fmt.Sprintf("partner %s v%d", p.ID, p.Version))
	}
	cs, err := st.ListCases(ctx, "e2e", store.CaseQuery{Cursor: store.Cursor{PageSize: store.MaxPageSize}})
	if err != nil {
		t.Fatalf("ListCases: %v", err)
	}
	for _, c := range cs.Items {
		out = append(out, fmt.Sprintf("case %s v%d", c.ID, c.Version))
	}
	events, err := st.ListAudit(ctx, "e2e", 0, 10_000)
	if err != nil {
		t.Fatalf("ListAudit: %v", err)
	}
	return append(out, fmt.Sprintf("%d audit events", len(events)))
}

func listAll(t *testing.T, next func(token string) ([]string, string, error)) (ids []string, pages int) {
	t.Helper()
	token := ""
	for pages < 100 {
		got, tok, err := next(token)
		if err != nil {
			t.Fatalf("list page %d: %v", pages+1, err)
		}
		pages++
		ids = append(ids, got...)
		if tok == "" {
			return ids, pages
		}
		token = tok
	}
	t.Fatal("list did not end within 100 pages")
	return nil, 0
}

func partnerIDs(ps []*alongsidev1.Partner) []string {
	ids := make([]string, len(ps))
	for i, p := range ps {
		ids[i] = p.GetId()
	}
	return ids
}

func wantCode(t *testing.T, call string, err error, want connect.Code) {
	t.Helper()
	if got := connect.CodeOf(err); got != want {
		t.Errorf("%s: code = %v (%v); want %v", call, got, err, want)
	}
}

// wantField checks that err is InvalidArgument with a BadRequest field
// violation naming field.
func wantField(t *testing.T, call string, err error, field string) {
	t.Helper()
	if got := connect.CodeOf(err); got != connect.CodeInvalidArgument {
		t.Errorf("%s: code = %v (%v); want invalid_argument", call, got, err)
		return
	}
	var ce *connect.Error
	if !errors.As(err, &ce) {
		t.Errorf("%s: %T is not a *connect.Error", call, err)
		return
	}
	var fields []string
	for _, d := range ce.Details() {
		br := new(errdetails.BadRequest)
		if proto.Unmarshal(d.Value, br) != nil || d.Type != string(br.ProtoReflect().Descriptor().FullName()) {
			continue
		}
		for _, v := range br.GetFieldViolations() {
			fields = append(fields, v.GetField())
		}
	}
	if !slices.Contains(fields, field) {
		t.Errorf("%s: field violations %v; want one on %q (message %q)", call, fields, field, ce.Message())
	}
	if !strings.Contains(ce.Message(), field) {
		t.Errorf("%s: message %q does not name %q", call, ce.Message(), field)
	}
}

func TestHealthAndReflection(t *testing.T) {
	t.Parallel()
	hs := startServer(t, stores[0].open(t))
	ctx := t.Context()

	// Health over Connect JSON, as a load balancer or curl would ask.
	body := strings.NewReader(`{"service":"` + alongsidev1connect.RosterServiceName + `"}`)
	resp, err := http.Post(hs.URL+"/"+grpchealth.HealthV1ServiceName+"/Check", "application/json", body)
	if err != nil {
		t.Fatalf("health Check: %v", err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK || !strings.Contains(string(got), "SERVING") {
		t.Fatalf("health Check = %d %q, %v; want 200 SERVING", resp.StatusCode, got, err)
	}

	rc := grpcreflect.NewClient(connect.NewClient(connecthttp.NewTransport(newHTTPClient(true), hs.URL, connecthttp.WithGRPC())))
	stream := rc.NewStream(ctx)
	defer stream.Close()
	names, err := stream.ListServices()
	if err != nil {
		t.Fatalf("reflection ListServices: %v", err)
	}
	var listed []string
	for _, n := range names {
		listed = append(listed, string(n))
	}
	for _, name := range []string{alongsidev1connect.RosterServiceName, alongsidev1connect.MatchServiceName, alongsidev1connect.ScheduleServiceName,
		grpchealth.HealthV1ServiceName, grpcreflect.ReflectV1ServiceName} {
		if !slices.Contains(listed, name) {
			t.Errorf("reflection lists %v; want %s", listed, name)
		}
	}
	// Each listed service is described, health included.
	for _, name := range listed {
		if _, err := stream.FileContainingSymbol(protoreflect.FullName(name)); err != nil {
			t.Errorf("reflection FileContainingSymbol(%s): %v", name, err)
		}
	}
	// Services without handlers yet are not registered: no stubs.
	if slices.Contains(listed, alongsidev1connect.CapacityServiceName) {
		t.Errorf("reflection lists %s, which has no handler yet", alongsidev1connect.CapacityServiceName)
	}
}

func TestMetrics(t *testing.T) {
	t.Parallel()
	hs := startServer(t, stores[0].open(t))
	c := newRosterClient(t, hs.URL, false, connecthttp.WithProtoJSON())
	if _, err := c.GetPartner(t.Context(), &alongsidev1.GetPartnerRequest{PartnerId: "p_none"}); connect.CodeOf(err) != connect.CodeNotFound {
		t.Fatalf("GetPartner = %v; want not_found", err)
	}
	resp, err := http.Get(hs.URL + "/metrics")
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read /metrics: %v", err)
	}
	want := `alongside_rpcs_total{code="not_found",procedure="/alongside.v1.RosterService/GetPartner"} 1`
	if !strings.Contains(string(body), want) {
		t.Errorf("/metrics lacks %q", want)
	}
}
