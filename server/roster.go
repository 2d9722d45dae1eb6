package server

import (
	"context"
	"errors"
	"fmt"

	"github.com/alongside/alongside"
	alongsidev1 "github.com/alongside/alongside/api/gen/alongside/v1"
	"github.com/alongside/alongside/api/gen/alongside/v1/alongsidev1connect"
	"github.com/alongside/alongside/store"
)

// rosterService implements RosterService over the store.
type rosterService struct {
	s *Server
}

var _ alongsidev1connect.RosterServiceHandler = (*rosterService)(nil)

// checkID returns a FieldError on field when id is not an identifier.
func checkID(field, id string) error {
	if reason := alongside.CheckID(id); reason != "" {
		return &alongside.FieldError{Field: field, Reason: reason}
	}
	return nil
}

// page runs one list call: it decodes token against the list's binding
// (organization, list name, filters), sets the cursor, lists, and returns
// the items and the next token.
func page[T any](ctx context.Context, r *rosterService, list, filters, token string, cursor *store.Cursor,
	fetch func(context.Context, alongside.OrgID) (store.Page[T], error)) ([]T, string, error) {
	org := r.s.org(ctx)
	binding := scope(org, list, filters)
	after, err := decodePageToken(binding, token)
	if err != nil {
		return nil, "", err
	}
	cursor.After = after
	p, err := fetch(ctx, org)
	if err != nil {
		return nil, "", err
	}
	return p.Items, encodePageToken(binding, p.Next), nil
}

// Partners.

func (r *rosterService) CreatePartner(ctx context.Context, req *alongsidev1.CreatePartnerRequest) (*alongsidev1.CreatePartnerResponse, error) {
	p, err := newPartner(req.GetPartner())
	if err != nil {
		return nil, err
	}
	p.Org, p.ID = r.s.org(ctx), alongside.PartnerID(alongside.NewID("p"))
	if err := r.s.cfg.Store.CreatePartner(ctx, r.s.actor(ctx), p); err != nil {
		return nil, err
	}
	return &alongsidev1.CreatePartnerResponse{Partner: r.partnerWithLoad(ctx, p)}, nil
}

func (r *rosterService) GetPartner(ctx context.Context, req *alongsidev1.GetPartnerRequest) (*alongsidev1.GetPartnerResponse, error) {
	if err := checkID("partner_id", req.GetPartnerId()); err != nil {
		return nil, err
	}
	p, err := r.s.cfg.Store.GetPartner(ctx, r.s.org(ctx), alongside.PartnerID(req.GetPartnerId()))
	if err != nil {
		return nil, err
	}
	return &alongsidev1.GetPartnerResponse{Partner: r.partnerWithLoad(ctx, p)}, nil
}

func (r *rosterService) UpdatePartner(ctx context.Context, req *alongsidev1.UpdatePartnerRequest) (*alongsidev1.UpdatePartnerResponse, error) {
	if err := checkID("partner.id", req.GetPartner().GetId()); err != nil {
		return nil, err
	}
	cur, err := r.s.cfg.Store.GetPartner(ctx, r.s.org(ctx), alongside.PartnerID(req.GetPartner().GetId()))
	if err != nil {
		return nil, err
	}
	p, err := updatedPartner(cur, req)
	if err != nil {
		return nil, err
	}
	if err := r.s.cfg.Store.UpdatePartner(ctx, r.s.actor(ctx), p); err != nil {
		return nil, err
	}
	return &alongsidev1.UpdatePartnerResponse{Partner: r.partnerWithLoad(ctx, p)}, nil
}

func (r *rosterService) ListPartners(ctx context.Context, req *alongsidev1.ListPartnersRequest) (*alongsidev1.ListPartnersResponse, error) {
	q, err := partnerQuery(req)
	if err != nil {
		return nil, err
	}
	filters := fmt.Sprintf("%s|%s|%s", q.Status, q.County, q.Program)
	items, next, err := page(ctx, r, "partners", filters, req.GetPageToken(), &q.Cursor,
		func(ctx context.Context, org alongside.OrgID) (store.Page[*alongside.Partner], error) {
			return r.s.cfg.Store.ListPartners(ctx, org, q)
		})
	if err != nil {
		return nil, err
	}
	resp := &alongsidev1.ListPartnersResponse{NextPageToken: next}
	for _, p := range items {
		resp.Partners = append(resp.Partners, partnerToProto(p))
	}
	return resp, nil
}

// partnerWithLoad returns p as an API message with its current load. The
// load is informative: a failure to read it leaves the field unset.
func (r *rosterService) partnerWithLoad(ctx context.Context, p *alongside.Partner) *alongsidev1.Partner {
	m := partnerToProto(p)
	if l, err := r.s.cfg.Store.Load(ctx, p.Org, p.ID); err == nil {
		m.CurrentLoad = partnerLoadToProto(l)
	}
	return m
}

// Cases.

func (r *rosterService) CreateCase(ctx context.Context, req *alongsidev1.CreateCaseRequest) (*alongsidev1.CreateCaseResponse, error) {
	c, err := newCase(req.GetCase())
	if err != nil {
		return nil, err
	}
	c.Org, c.ID = r.s.org(ctx), alongside.CaseID(alongside.NewID("c"))
	if err := r.s.cfg.Store.CreateCase(ctx, r.s.actor(ctx), c); err != nil {
		return nil, err
	}
	return &alongsidev1.CreateCaseResponse{Case: caseToProto(c, nil)}, nil
}

func (r *rosterService) GetCase(ctx context.Context, req *alongsidev1.GetCaseRequest) (*alongsidev1.GetCaseResponse, error) {
	if err := checkID("case_id", req.GetCaseId()); err != nil {
		return nil, err
	}
	c, err := r.s.cfg.Store.GetCase(ctx, r.s.org(ctx), alongside.CaseID(req.GetCaseId()))
	if err != nil {
		return nil, err
	}
	cur, err := r.s.engine.Current(ctx, c.Org, c.ID)
	if err != nil {
		return nil, err
	}
	return &alongsidev1.GetCaseResponse{Case: caseToProto(c, cur)}, nil
}

func (r *rosterService) UpdateCase(ctx context.Context, req *alongsidev1.UpdateCaseRequest) (*alongsidev1.UpdateCaseResponse, error) {
	if err := checkID("case.id", req.GetCase().GetId()); err != nil {
		return nil, err
	}
	cur, err := r.s.cfg.Store.GetCase(ctx, r.s.org(ctx), alongside.CaseID(req.GetCase().GetId()))
	if err != nil {
		return nil, err
	}
	c, err := updatedCase(cur, req)
	if err != nil {
		return nil, err
	}
	if err := r.s.cfg.Store.UpdateCase(ctx, r.s.actor(ctx), c); err != nil {
		return nil, err
	}
	asg, err := r.s.engine.Current(ctx, c.Org, c.ID)
	if err != nil {
		return nil, err
	}
	return &alongsidev1.UpdateCaseResponse{Case: caseToProto(c, asg)}, nil
}

func (r *rosterService) ListCases(ctx context.Context, req *alongsidev1.ListCasesRequest) (*alongsidev1.ListCasesResponse, error) {
	q, err := caseQuery(req)
	if err != nil {
		return nil, err
	}
	filters := fmt.Sprintf("%s|%s|%s|%d|%d", q.Status, q.County, q.Program, q.OpenedAfter.UnixNano(), q.OpenedBefore.UnixNano())
	items, next, err := page(ctx, r, "cases", filters, req.GetPageToken(), &q.Cursor,
		func(ctx context.Context, org alongside.OrgID) (store.Page[*alongside.Case], error) {
			return r.s.cfg.Store.ListCases(ctx, org, q)
		})
	if err != nil {
		return nil, err
	}
	resp := &alongsidev1.ListCasesResponse{NextPageToken: next}
	for _, c := range items {
		resp.Cases = append(resp.Cases, caseToProto(c, nil))
	}
	return resp, nil
}

// Appointments.

func (r *rosterService) CreateAppointment(ctx context.Context, req *alongsidev1.CreateAppointmentRequest) (*alongsidev1.CreateAppointmentResponse, error) {
	a, err := newAppointment(req.GetAppointment())
	if err != nil {
		return nil, err
	}
	a.Org, a.ID = r.s.org(ctx), alongside.AppointmentID(alongside.NewID("a"))
	if _, err := r.s.cfg.Store.GetCase(ctx, a.Org, a.Case); err != nil {
		return nil, caseRef("appointment.case_id", err)
	}
	if err := r.s.cfg.Store.CreateAppointment(ctx, r.s.actor(ctx), a); err != nil {
		return nil, err
	}
	return &alongsidev1.CreateAppointmentResponse{Appointment: appointmentToProto(a)}, nil
}

func (r *rosterService) GetAppointment(ctx context.Context, req *alongsidev1.GetAppointmentRequest) (*alongsidev1.GetAppointmentResponse, error) {
	if err := checkID("appointment_id", req.GetAppointmentId()); err != nil {
		return nil, err
	}
	a, err := r.s.cfg.Store.GetAppointment(ctx, r.s.org(ctx), alongside.AppointmentID(req.GetAppointmentId()))
	if err != nil {
		return nil, err
	}
	return &alongsidev1.GetAppointmentResponse{Appointment: appointmentToProto(a)}, nil
}

func (r *rosterService) UpdateAppointment(ctx context.Context, req *alongsidev1.UpdateAppointmentRequest) (*alongsidev1.UpdateAppointmentResponse, error) {
	if err := checkID("appointment.id", req.GetAppointment().GetId()); err != nil {
		return nil, err
	}
	cur, err := r.s.cfg.Store.GetAppointment(ctx, r.s.org(ctx), alongside.AppointmentID(req.GetAppointment().GetId()))
	if err != nil {
		return nil, err
	}
	a, err := updatedAppointment(cur, req)
	if err != nil {
		return nil, err
	}
	if a.Case != cur.Case {
		if _, err := r.s.cfg.Store.GetCase(ctx, a.Org, a.Case); err != nil {
			return nil, caseRef("appointment.case_id", err)
		}
	}
	if err := r.s.cfg.Store.UpdateAppointment(ctx, r.s.actor(ctx), a); err != nil {
		return nil, err
	}
	return &alongsidev1.UpdateAppointmentResponse{Appointment: appointmentToProto(a)}, nil
}

func (r *rosterService) ListAppointments(ctx context.Context, req *alongsidev1.ListAppointmentsRequest) (*alongsidev1.ListAppointmentsResponse, error) {
	q, err := appointmentQuery(req)
	if err != nil {
		return nil, err
	}
	filters := fmt.Sprintf("%s|%s|%d|%d", q.Case, q.Status, q.From.UnixNano(), q.To.UnixNano())
	items, next, err := page(ctx, r, "appointments", filters, req.GetPageToken(), &q.Cursor,
		func(ctx context.Context, org alongside.OrgID) (store.Page[*alongside.Appointment], error) {
			return r.s.cfg.Store.ListAppointments(ctx, org, q)
		})
	if err != nil {
		return nil, err
	}
	resp := &alongsidev1.ListAppointmentsResponse{NextPageToken: next}
	for _, a := range items {
		resp.Appointments = append(resp.Appointments, appointmentToProto(a))
	}
	return resp, nil
}

// caseRef turns "no such case" while writing an appointment into a field
// error on field; other errors pass through.
func caseRef(field string, err error) error {
	if errors.Is(err, store.ErrNotFound) {
		return &alongside.FieldError{Field: field, Reason: "names no case of this organization"}
	}
	return err
}
