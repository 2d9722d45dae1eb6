package server

import (
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/alongside/alongside"
	alongsidev1 "github.com/alongside/alongside/api/gen/alongside/v1"
	"github.com/alongside/alongside/geo/county"
	"github.com/alongside/alongside/store"
)

// Conversions between the API's messages and the domain's records.
//
// xToProto never fails: domain records are valid. xFromProto decodes
// faithfully, output-only fields included, and never panics: a value that
// cannot be decoded (a bad date or time of day, an undefined enum number,
// an out-of-range timestamp, a missing location) decodes as its zero and is
// reported as an *alongside.FieldError with its proto path relative to the
// message. Instants are shown in the record's time_zone.
//
// Handlers call the request-level functions: newPartner, newCase and
// newAppointment for creates; updatedPartner, updatedCase and
// updatedAppointment for updates; partnerQuery, caseQuery and
// appointmentQuery for lists. Their errors hold *alongside.FieldError
// values with full request paths ("partner.home.lat", "update_mask").

// partnerToProto returns p as an API message. CurrentLoad is left unset.
func partnerToProto(p *alongside.Partner) *alongsidev1.Partner {
	return &alongsidev1.Partner{
		Id:              string(p.ID),
		OrgId:           string(p.Org),
		Version:         p.Version,
		DisplayName:     p.DisplayName,
		Languages:       strs[string](p.Languages),
		Identity:        identityToProto(p.Identity),
		Gender:          enumToProto[alongsidev1.Gender](p.Gender),
		Father:          p.Father,
		LivedExperience: strs[string](p.LivedExperience),
		OwnCaseClosed:   p.OwnCaseClosed.String(),
		RecoverySince:   p.RecoverySince.String(),
		Trainings:       mapSlice(p.Trainings, credentialToProto),
		Certifications:  mapSlice(p.Certifications, credentialToProto),
		Programs:        strs[string](p.Programs),
		Home:            latLngProto(p.Home),
		TimeZone:        p.TimeZone,
		CountiesServed:  strs[string](p.CountiesServed),
		MaxTravel:       durationProto(p.MaxTravel),
		HasCar:          p.HasCar,
		Capacity:        int32(p.Capacity),
		Availability:    mapSlice(p.Availability, weeklyWindowToProto),
		Exclusions:      exclusionsToProto(p.Exclusions),
		Status:          enumToProto[alongsidev1.PartnerStatus](p.Status),
		CreatedAt:       timestampProto(p.CreatedAt),
		UpdatedAt:       timestampProto(p.UpdatedAt),
	}
}

// partnerFromProto decodes m (see the file comment). It returns the
// partner decoded as far as possible together with the decoding problems.
func partnerFromProto(m *alongsidev1.Partner) (*alongside.Partner, error) {
	var d decoder
	loc := recordZone(m.GetTimeZone())
	p := &alongside.Partner{
		Org:             alongside.OrgID(m.GetOrgId()),
		ID:              alongside.PartnerID(m.GetId()),
		Version:         m.GetVersion(),
		DisplayName:     m.GetDisplayName(),
		Languages:       strs[string](m.GetLanguages()),
		Identity:        identityFromProto(m.GetIdentity()),
		Gender:          enumFromProto[alongside.Gender](&d, "gender", m.GetGender()),
		Father:          m.GetFather(),
		LivedExperience: strs[alongside.Tag](m.GetLivedExperience()),
		OwnCaseClosed:   d.date("own_case_closed", m.GetOwnCaseClosed()),
		RecoverySince:   d.date("recovery_since", m.GetRecoverySince()),
		Trainings:       decodeEach(&d, "trainings", m.GetTrainings(), credentialFromProto),
		Certifications:  decodeEach(&d, "certifications", m.GetCertifications(), credentialFromProto),
		Programs:        strs[string](m.GetPrograms()),
		Home:            d.point("home", m.GetHome()),
		TimeZone:        m.GetTimeZone(),
		CountiesServed:  strs[string](m.GetCountiesServed()),
		MaxTravel:       d.durationProto("max_travel", m.GetMaxTravel()),
		HasCar:          m.GetHasCar(),
		Capacity:        alongside.LoadUnits(m.GetCapacity()),
		Availability:    decodeEach(&d, "availability", m.GetAvailability(), weeklyWindowFromProto),
		Exclusions: alongside.Exclusions{
			Needs:    strs[alongside.Tag](m.GetExclusions().GetNeeds()),
			CaseRefs: strs[string](m.GetExclusions().GetCaseRefs()),
		},
		Status:    enumFromProto[alongside.PartnerStatus](&d, "status", m.GetStatus()),
		CreatedAt: d.instant("created_at", m.GetCreatedAt(), loc),
		UpdatedAt: d.instant("updated_at", m.GetUpdatedAt(), loc),
	}
	return p, d.err()
}

// partnerLoadToProto returns a partner's load for Partner.current_load.
func partnerLoadToProto(l store.Load) *alongsidev1.PartnerLoad {
	return &alongsidev1.PartnerLoad{
		Capacity:  int32(l.Capacity),
		Committed: int32(l.Committed),
		Held:      int32(l.Held),
		Free:      int32(l.Free()),
	}
}

// caseToProto returns c as an API message with its deadline, and with
// current (the case's live hold or confirmed assignment, nil for none) as
// its current assignment.
func caseToProto(c *alongside.Case, current *alongside.Assignment) *alongsidev1.Case {
	m := &alongsidev1.Case{
		Id:                 string(c.ID),
		OrgId:              string(c.Org),
		Version:            c.Version,
		ExternalRef:        c.ExternalRef,
		OpenedAt:           timestampProto(c.OpenedAt),
		County:             c.County,
		Court:              c.Court,
		TimeZone:           c.TimeZone,
		HomeArea:           latLngProto(c.HomeArea),
		ParentRole:         enumToProto[alongsidev1.ParentRole](c.ParentRole),
		Languages:          strs[string](c.Languages),
		InterpreterOk:      c.InterpreterOK,
		Identity:           identityToProto(c.Identity),
		Icwa:               c.ICWA,
		Needs:              strs[string](c.Needs),
		Program:            c.Program,
		MedicaidEligible:   c.MedicaidEligible,
		Referral:           enumToProto[alongsidev1.ReferralSource](c.Referral),
		Preferences:        preferencesToProto(c.Preferences),
		ConflictPartnerIds: strs[string](c.KnownConflicts),
		PriorPartnerIds:    strs[string](c.PriorPartners),
		Load:               int32(c.Load),
		Status:             enumToProto[alongsidev1.CaseStatus](c.Status),
		CreatedAt:          timestampProto(c.CreatedAt),
		UpdatedAt:          timestampProto(c.UpdatedAt),
	}
	if !c.OpenedAt.IsZero() {
		m.Deadline = timestampProto(c.Deadline())
	}
	if current != nil {
		m.CurrentAssignment = assignmentSummaryToProto(current)
	}
	if c.Escalation != nil {
		m.Escalation = escalationToProto(c.Escalation)
	}
	return m
}

// caseFromProto decodes m (see the file comment); deadline and
// current_assignment are derived, so they are not read.
func caseFromProto(m *alongsidev1.Case) (*alongside.Case, error) {
	var d decoder
	loc := recordZone(m.GetTimeZone())
	pref := m.GetPreferences()
	c := &alongside.Case{
		Org:              alongside.OrgID(m.GetOrgId()),
		ID:               alongside.CaseID(m.GetId()),
		Version:          m.GetVersion(),
		ExternalRef:      m.GetExternalRef(),
		OpenedAt:         d.instant("opened_at", m.GetOpenedAt(), loc),
		County:           m.GetCounty(),
		Court:            m.GetCourt(),
		TimeZone:         m.GetTimeZone(),
		HomeArea:         d.point("home_area", m.GetHomeArea()),
		ParentRole:       enumFromProto[alongside.ParentRole](&d, "parent_role", m.GetParentRole()),
		Languages:        strs[string](m.GetLanguages()),
		InterpreterOK:    m.GetInterpreterOk(),
		Identity:         identityFromProto(m.GetIdentity()),
		ICWA:             m.GetIcwa(),
		Needs:            strs[alongside.Tag](m.GetNeeds()),
		Program:          m.GetProgram(),
		MedicaidEligible: m.GetMedicaidEligible(),
		Referral:         enumFromProto[alongside.ReferralSource](&d, "referral", m.GetReferral()),
		Preferences: alongside.Preferences{
			PartnerGender: enumFromProto[alongside.Gender](&d, "preferences.partner_gender", pref.GetPartnerGender()),
			Evenings:      pref.GetEvenings(),
			Weekends:      pref.GetWeekends(),
		},
		KnownConflicts: strs[alongside.PartnerID](m.GetConflictPartnerIds()),
		PriorPartners:  strs[alongside.PartnerID](m.GetPriorPartnerIds()),
		Load:           alongside.LoadUnits(m.GetLoad()),
		Status:         enumFromProto[alongside.CaseStatus](&d, "status", m.GetStatus()),
		CreatedAt:      d.instant("created_at", m.GetCreatedAt(), loc),
		UpdatedAt:      d.instant("updated_at", m.GetUpdatedAt(), loc),
	}
	return c, d.err()
}

// appointmentToProto returns a as an API message.
func appointmentToProto(a *alongside.Appointment) *alongsidev1.Appointment {
	return &alongsidev1.Appointment{
		Id:              string(a.ID),
		OrgId:           string(a.Org),
		Version:         a.Version,
		CaseId:          string(a.Case),
		Kind:            enumToProto[alongsidev1.AppointmentKind](a.Kind),
		Place:           a.Place,
		Location:        latLngProto(a.Location),
		County:          a.County,
		TimeZone:        a.TimeZone,
		FixedStart:      timestampProto(a.FixedStart),
		Windows:         mapSlice(a.Windows, timeWindowToProto),
		Duration:        durationProto(a.Duration),
		Priority:        int32(a.Priority),
		CoverPartnerIds: strs[string](a.CoverPartners),
		Status:          enumToProto[alongsidev1.AppointmentStatus](a.Status),
		CreatedAt:       timestampProto(a.CreatedAt),
		UpdatedAt:       timestampProto(a.UpdatedAt),
	}
}

// appointmentFromProto decodes m (see the file comment).
func appointmentFromProto(m *alongsidev1.Appointment) (*alongside.Appointment, error) {
	var d decoder
	loc := recordZone(m.GetTimeZone())
	a := &alongside.Appointment{
		Org:        alongside.OrgID(m.GetOrgId()),
		ID:         alongside.AppointmentID(m.GetId()),
		Version:    m.GetVersion(),
		Case:       alongside.CaseID(m.GetCaseId()),
		Kind:       enumFromProto[alongside.AppointmentKind](&d, "kind", m.GetKind()),
		Place:      m.GetPlace(),
		Location:   d.point("location", m.GetLocation()),
		County:     m.GetCounty(),
		TimeZone:   m.GetTimeZone(),
		FixedStart: d.instant("fixed_start", m.GetFixedStart(), loc),
		Windows: decodeEach(&d, "windows", m.GetWindows(), func(d *decoder, f string, w *alongsidev1.TimeWindow) alongside.TimeWindow {
			return timeWindowFromProto(d, f, w, loc)
		}),
		Duration:      d.durationProto("duration", m.GetDuration()),
		Priority:      int(m.GetPriority()),
		CoverPartners: strs[alongside.PartnerID](m.GetCoverPartnerIds()),
		Status:        enumFromProto[alongside.AppointmentStatus](&d, "status", m.GetStatus()),
		CreatedAt:     d.instant("created_at", m.GetCreatedAt(), loc),
		UpdatedAt:     d.instant("updated_at", m.GetUpdatedAt(), loc),
	}
	return a, d.err()
}

// assignmentToProto returns a as an API message.
func assignmentToProto(a *alongside.Assignment) *alongsidev1.Assignment {
	return &alongsidev1.Assignment{
		Id:          string(a.ID),
		OrgId:       string(a.Org),
		CaseId:      string(a.Case),
		PartnerId:   string(a.Partner),
		Units:       int32(a.Units),
		State:       enumToProto[alongsidev1.AssignmentState](a.State),
		Score:       a.Score,
		Factors:     mapSlice(a.Factors, factorToProto),
		HeldAt:      timestampProto(a.HeldAt),
		ExpiresAt:   timestampProto(a.ExpiresAt),
		DecidedAt:   timestampProto(a.DecidedAt),
		HeldBy:      a.HeldBy,
		DecidedBy:   a.DecidedBy,
		Reason:      a.Reason,
		ConfirmedAt: timestampProto(a.ConfirmedAt),
	}
}

// assignmentFromProto decodes m (see the file comment); an assignment has
// no zone of its own, so its instants are shown in UTC.
func assignmentFromProto(m *alongsidev1.Assignment) (*alongside.Assignment, error) {
	var d decoder
	a := &alongside.Assignment{
		Org:     alongside.OrgID(m.GetOrgId()),
		ID:      alongside.AssignmentID(m.GetId()),
		Case:    alongside.CaseID(m.GetCaseId()),
		Partner: alongside.PartnerID(m.GetPartnerId()),
		Units:   alongside.LoadUnits(m.GetUnits()),
		State:   enumFromProto[alongside.AssignmentState](&d, "state", m.GetState()),
		Score:   m.GetScore(),
		Factors: mapSlice(m.GetFactors(), func(f *alongsidev1.Factor) alongside.Factor {
			return alongside.Factor{Name: f.GetName(), Value: f.GetValue(), Weight: f.GetWeight(), Reason: f.GetReason()}
		}),
		HeldAt:      d.instant("held_at", m.GetHeldAt(), nil),
		ExpiresAt:   d.instant("expires_at", m.GetExpiresAt(), nil),
		DecidedAt:   d.instant("decided_at", m.GetDecidedAt(), nil),
		ConfirmedAt: d.instant("confirmed_at", m.GetConfirmedAt(), nil),
		HeldBy:      m.GetHeldBy(),
		DecidedBy:   m.GetDecidedBy(),
		Reason:      m.GetReason(),
	}
	return a, d.err()
}

// assignmentSummaryToProto returns the short form of a for
// Case.current_assignment.
func assignmentSummaryToProto(a *alongside.Assignment) *alongsidev1.AssignmentSummary {
	return &alongsidev1.AssignmentSummary{
		AssignmentId: string(a.ID),
		PartnerId:    string(a.Partner),
		State:        enumToProto[alongsidev1.AssignmentState](a.State),
		Score:        a.Score,
		ExpiresAt:    timestampProto(a.ExpiresAt),
		DecidedAt:    timestampProto(a.DecidedAt),
	}
}

func factorToProto(f alongside.Factor) *alongsidev1.Factor {
	return &alongsidev1.Factor{Name: f.Name, Value: f.Value, Weight: f.Weight, Reason: f.Reason}
}

// itineraryToProto returns it as an API message.
func itineraryToProto(it *alongside.Itinerary) *alongsidev1.Itinerary {
	return &alongsidev1.Itinerary{
		OrgId:     string(it.Org),
		PartnerId: string(it.Partner),
		Date:      it.Date.String(),
		TimeZone:  it.TimeZone,
		Stops: mapSlice(it.Stops, func(s alongside.Stop) *alongsidev1.Stop {
			return &alongsidev1.Stop{
				AppointmentId: string(s.Appointment),
				CaseId:        string(s.Case),
				Kind:          enumToProto[alongsidev1.AppointmentKind](s.Kind),
				Place:         s.Place,
				Location:      latLngProto(s.Location),
				Arrival:       timestampProto(s.Arrival),
				Start:         timestampProto(s.Start),
				End:           timestampProto(s.End),
				TravelTime:    durationProto(s.TravelTime),
				TravelMiles:   s.TravelMiles,
				Slack:         durationProto(s.Slack),
			}
		}),
		Breaks:     mapSlice(it.Breaks, timeWindowToProto),
		Start:      timestampProto(it.Start),
		End:        timestampProto(it.End),
		DriveTime:  durationProto(it.DriveTime),
		DriveMiles: it.DriveMiles,
		PlannedAt:  timestampProto(it.PlannedAt),
	}
}

// itineraryFromProto decodes m (see the file comment).
func itineraryFromProto(m *alongsidev1.Itinerary) (*alongside.Itinerary, error) {
	var d decoder
	loc := recordZone(m.GetTimeZone())
	it := &alongside.Itinerary{
		Org:      alongside.OrgID(m.GetOrgId()),
		Partner:  alongside.PartnerID(m.GetPartnerId()),
		Date:     d.date("date", m.GetDate()),
		TimeZone: m.GetTimeZone(),
		Stops: decodeEach(&d, "stops", m.GetStops(), func(d *decoder, f string, s *alongsidev1.Stop) alongside.Stop {
			return alongside.Stop{
				Appointment: alongside.AppointmentID(s.GetAppointmentId()),
				Case:        alongside.CaseID(s.GetCaseId()),
				Kind:        enumFromProto[alongside.AppointmentKind](d, f+".kind", s.GetKind()),
				Place:       s.GetPlace(),
				Location:    d.point(f+".location", s.GetLocation()),
				Arrival:     d.instant(f+".arrival", s.GetArrival(), loc),
				Start:       d.instant(f+".start", s.GetStart(), loc),
				End:         d.instant(f+".end", s.GetEnd(), loc),
				TravelTime:  d.durationProto(f+".travel_time", s.GetTravelTime()),
				TravelMiles: s.GetTravelMiles(),
				Slack:       d.durationProto(f+".slack", s.GetSlack()),
			}
		}),
		Breaks: decodeEach(&d, "breaks", m.GetBreaks(), func(d *decoder, f string, w *alongsidev1.TimeWindow) alongside.TimeWindow {
			return timeWindowFromProto(d, f, w, loc)
		}),
		Start:      d.instant("start", m.GetStart(), loc),
		End:        d.instant("end", m.GetEnd(), loc),
		DriveTime:  d.durationProto("drive_time", m.GetDriveTime()),
		DriveMiles: m.GetDriveMiles(),
		PlannedAt:  d.instant("planned_at", m.GetPlannedAt(), loc),
	}
	return it, d.err()
}

func identityToProto(id alongside.Identity) *alongsidev1.Identity {
	if id.Empty() {
		return nil
	}
	return &alongsidev1.Identity{
		Races:              strs[string](id.Races),
		Ethnicities:        strs[string](id.Ethnicities),
		Cultures:           strs[string](id.Cultures),
		TribalAffiliations: strs[string](id.TribalAffiliations),
	}
}

func identityFromProto(m *alongsidev1.Identity) alongside.Identity {
	return alongside.Identity{
		Races:              strs[string](m.GetRaces()),
		Ethnicities:        strs[string](m.GetEthnicities()),
		Cultures:           strs[string](m.GetCultures()),
		TribalAffiliations: strs[string](m.GetTribalAffiliations()),
	}
}

func exclusionsToProto(e alongside.Exclusions) *alongsidev1.Exclusions {
	if len(e.Needs)+len(e.CaseRefs) == 0 {
		return nil
	}
	return &alongsidev1.Exclusions{Needs: strs[string](e.Needs), CaseRefs: strs[string](e.CaseRefs)}
}

func preferencesToProto(p alongside.Preferences) *alongsidev1.Preferences {
	if p == (alongside.Preferences{}) {
		return nil
	}
	return &alongsidev1.Preferences{
		PartnerGender: enumToProto[alongsidev1.Gender](p.PartnerGender),
		Evenings:      p.Evenings,
		Weekends:      p.Weekends,
	}
}

func credentialToProto(c alongside.Credential) *alongsidev1.Credential {
	return &alongsidev1.Credential{Kind: c.Kind, Completed: c.Completed.String(), Expires: c.Expires.String()}
}

func credentialFromProto(d *decoder, field string, m *alongsidev1.Credential) alongside.Credential {
	return alongside.Credential{
		Kind:      m.GetKind(),
		Completed: d.date(field+".completed", m.GetCompleted()),
		Expires:   d.date(field+".expires", m.GetExpires()),
	}
}

func weeklyWindowToProto(w alongside.WeeklyWindow) *alongsidev1.WeeklyWindow {
	return &alongsidev1.WeeklyWindow{Day: weekdayToProto(w.Day), Start: w.Start.String(), End: w.End.String()}
}

func weeklyWindowFromProto(d *decoder, field string, m *alongsidev1.WeeklyWindow) alongside.WeeklyWindow {
	return alongside.WeeklyWindow{
		Day:   d.weekday(field+".day", m.GetDay()),
		Start: d.timeOfDay(field+".start", m.GetStart()),
		End:   d.timeOfDay(field+".end", m.GetEnd()),
	}
}

func timeWindowToProto(w alongside.TimeWindow) *alongsidev1.TimeWindow {
	return &alongsidev1.TimeWindow{Start: timestampProto(w.Start), End: timestampProto(w.End)}
}

func timeWindowFromProto(d *decoder, field string, m *alongsidev1.TimeWindow, loc *time.Location) alongside.TimeWindow {
	return alongside.TimeWindow{
		Start: d.instant(field+".start", m.GetStart(), loc),
		End:   d.instant(field+".end", m.GetEnd(), loc),
	}
}

// Create and update requests.

// newPartner decodes the partner of a CreatePartnerRequest: output-only
// fields are dropped (the handler sets Org and ID), the rest is normalized
// and validated. Errors are *alongside.FieldError under "partner".
func newPartner(m *alongsidev1.Partner) (*alongside.Partner, error) {
	return decodeNew("partner", m, partnerFromProto)
}

// newCase decodes the case of a CreateCaseRequest like newPartner.
func newCase(m *alongsidev1.Case) (*alongside.Case, error) {
	return decodeNew("case", m, caseFromProto)
}

// newAppointment decodes the appointment of a CreateAppointmentRequest like
// newPartner.
func newAppointment(m *alongsidev1.Appointment) (*alongside.Appointment, error) {
	return decodeNew("appointment", m, appointmentFromProto)
}

// updatedPartner returns the stored partner cur changed by req: the fields
// named by req.update_mask taken from req.partner, normalized and
// validated. Org, ID and CreatedAt stay cur's; Version is req.version when
// set (the store then checks it), else cur's. The handler reads cur by
// req.partner.id. Errors are *alongside.FieldError on "partner…",
// "update_mask" or "version".
func updatedPartner(cur *alongside.Partner, req *alongsidev1.UpdatePartnerRequest) (*alongside.Partner, error) {
	return decodeUpdate("partner", partnerToProto(cur), req.GetPartner(), req.GetUpdateMask(), req.GetVersion(), partnerFromProto)
}

// updatedCase returns the stored case cur changed by req like
// updatedPartner.
// The case's escalation is the service's, so it is kept.
func updatedCase(cur *alongside.Case, req *alongsidev1.UpdateCaseRequest) (*alongside.Case, error) {
	c, err := decodeUpdate("case", caseToProto(cur, nil), req.GetCase(), req.GetUpdateMask(), req.GetVersion(), caseFromProto)
	if c != nil {
		c.Escalation = cur.Escalation
	}
	return c, err
}

// updatedAppointment returns the stored appointment cur changed by req like
// updatedPartner.
func updatedAppointment(cur *alongside.Appointment, req *alongsidev1.UpdateAppointmentRequest) (*alongside.Appointment, error) {
	return decodeUpdate("appointment", appointmentToProto(cur), req.GetAppointment(), req.GetUpdateMask(), req.GetVersion(), appointmentFromProto)
}

func decodeNew[M proto.Message, R domainRecord](field string, m M, from func(M) (R, error)) (R, error) {
	var zero R
	if !m.ProtoReflect().IsValid() {
		return zero, &alongside.FieldError{Field: field, Reason: "must be set"}
	}
	m = proto.CloneOf(m)
	clearOutputOnly(m.ProtoReflect())
	r, err := from(m)
	if err := checkRecord(field, r, err); err != nil {
		return zero, err
	}
	return r, nil
}

func decodeUpdate[M proto.Message, R domainRecord](field string, cur, src M, mask *fieldmaskpb.FieldMask, version int64, from func(M) (R, error)) (R, error) {
	var zero R
	switch {
	case !src.ProtoReflect().IsValid():
		return zero, &alongside.FieldError{Field: field, Reason: "must be set"}
	case version < 0:
		return zero, &alongside.FieldError{Field: "version", Reason: "must not be negative"}
	}
	if err := applyMask(cur, src, mask); err != nil {
		return zero, err
	}
	if version != 0 {
		cur.ProtoReflect().Set(cur.ProtoReflect().Descriptor().Fields().ByName("version"), protoreflect.ValueOfInt64(version))
	}
	r, err := from(cur)
	if err := checkRecord(field, r, err); err != nil {
		return zero, err
	}
	return r, nil
}

// List filters.

// partnerQuery returns the store query of a ListPartnersRequest's filters
// and page size; the handler sets Cursor.After from the decoded page_token.
// Errors are *alongside.FieldError on the request's fields.
func partnerQuery(req *alongsidev1.ListPartnersRequest) (store.PartnerQuery, error) {
	var d decoder
	q := store.PartnerQuery{
		Cursor:  d.cursor(req.GetPageSize()),
		Status:  enumFromProto[alongside.PartnerStatus](&d, "status", req.GetStatus()),
		County:  d.county("county_fips", req.GetCountyFips()),
		Program: d.key("program", req.GetProgram()),
	}
	return q, d.err()
}

// caseQuery returns the store query of a ListCasesRequest like
// partnerQuery.
func caseQuery(req *alongsidev1.ListCasesRequest) (store.CaseQuery, error) {
	var d decoder
	q := store.CaseQuery{
		Cursor:  d.cursor(req.GetPageSize()),
		Status:  enumFromProto[alongside.CaseStatus](&d, "status", req.GetStatus()),
		County:  d.county("county_fips", req.GetCountyFips()),
		Program: d.key("program", req.GetProgram()),
	}
	q.OpenedAfter, q.OpenedBefore = d.interval("opened_after", req.GetOpenedAfter(), "opened_before", req.GetOpenedBefore())
	return q, d.err()
}

// appointmentQuery returns the store query of a ListAppointmentsRequest
// like partnerQuery.
func appointmentQuery(req *alongsidev1.ListAppointmentsRequest) (store.AppointmentQuery, error) {
	var d decoder
	q := store.AppointmentQuery{
		Cursor: d.cursor(req.GetPageSize()),
		Case:   alongside.CaseID(d.id("case_id", req.GetCaseId())),
		Status: enumFromProto[alongside.AppointmentStatus](&d, "status", req.GetStatus()),
	}
	q.From, q.To = d.interval("from_time", req.GetFromTime(), "to_time", req.GetToTime())
	return q, d.err()
}

// cursor decodes the page size: negative is an error, 0 means the
// store's default and sizes above store.MaxPageSize are clamped by the
// store. The page token is the handler's to decode (decodePageToken), as it
// is bound to the request's filters.
func (d *decoder) cursor(size int32) store.Cursor {
	if size < 0 {
		d.fail("page_size", "must not be negative")
	}
	return store.Cursor{PageSize: int(max(size, 0))}
}

// county decodes an optional county FIPS filter.
func (d *decoder) county(field, fips string) string {
	if fips != "" {
		if _, ok := county.Lookup(fips); !ok {
			d.fail(field, "is not a known county FIPS code")
		}
	}
	return fips
}

// key decodes an optional key filter (a program): at most 64 characters.
func (d *decoder) key(field, k string) string {
	if len(k) > 64 {
		d.fail(field, "must be at most 64 characters")
	}
	return k
}

// id decodes an optional identifier filter.
func (d *decoder) id(field, id string) string {
	if id != "" {
		if reason := alongside.CheckID(id); reason != "" {
			d.fail(field, reason)
		}
	}
	return id
}

// interval decodes an optional range of instants [from, to).
func (d *decoder) interval(fromField string, from *timestamppb.Timestamp, toField string, to *timestamppb.Timestamp) (time.Time, time.Time) {
	f, t := d.instant(fromField, from, nil), d.instant(toField, to, nil)
	if !f.IsZero() && !t.IsZero() && !t.After(f) {
		d.fail(toField, "must be after "+fromField)
	}
	return f, t
}
