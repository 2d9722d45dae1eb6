package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"connectrpc.com/connect/v2"
	"connectrpc.com/connect/v2/connectproto"
	"google.golang.org/genproto/googleapis/rpc/errdetails"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/store"
)

// codeError maps an error from the domain, the store or the context to the
// Connect error a client sees. It is the one place that decides codes.
// Messages are written here on purpose: a store's or driver's text never
// reaches a client (connect v2 sends only *connect.Error messages).
func (s *Server) codeError(ctx context.Context, procedure string, err error) error {
	if err == nil {
		return nil
	}
	if ce, ok := errors.AsType[*connect.Error](err); ok {
		return ce
	}
	if fes := alongside.FieldErrors(err); len(fes) > 0 {
		return invalidArgument(fes)
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return connect.NewError(connect.CodeDeadlineExceeded, "deadline exceeded").WithCause(err)
	case errors.Is(err, context.Canceled):
		return connect.NewError(connect.CodeCanceled, "canceled").WithCause(err)
	case errors.Is(err, store.ErrNotFound):
		return connect.NewError(connect.CodeNotFound, "not found").WithCause(err)
	case errors.Is(err, store.ErrAlreadyExists):
		return connect.NewError(connect.CodeAlreadyExists, "already exists").WithCause(err)
	case errors.Is(err, store.ErrConflict):
		return connect.NewError(connect.CodeAborted, "version conflict: the record changed; read it again and retry").WithCause(err)
	case errors.Is(err, store.ErrHoldExpired):
		return connect.NewError(connect.CodeFailedPrecondition, "hold expired").WithCause(err)
	case errors.Is(err, store.ErrBadTransition):
		return connect.NewError(connect.CodeFailedPrecondition, "the assignment's state does not allow this change").WithCause(err)
	case errors.Is(err, store.ErrKeyReused):
		return connect.NewError(connect.CodeFailedPrecondition, "idempotency_key was already used with a different request").WithCause(err)
	case errors.Is(err, store.ErrUnavailable):
		return connect.NewError(connect.CodeUnavailable, "store unavailable").WithCause(err)
	}
	s.log.ErrorContext(ctx, "internal error", slog.String("procedure", procedure), slog.String("error_type", fmt.Sprintf("%T", err)))
	return connect.NewError(connect.CodeInternal, "internal error").WithCause(err)
}

// invalidArgument builds an InvalidArgument error whose message names every
// bad field and whose BadRequest detail lists them as field violations.
func invalidArgument(fes []*alongside.FieldError) *connect.Error {
	br := &errdetails.BadRequest{}
	msgs := make([]string, 0, len(fes))
	for _, fe := range fes {
		br.FieldViolations = append(br.FieldViolations, &errdetails.BadRequest_FieldViolation{Field: fe.Field, Description: fe.Reason})
		msgs = append(msgs, fe.Field+": "+fe.Reason)
	}
	ce := connect.NewError(connect.CodeInvalidArgument, "invalid "+strings.Join(msgs, "; "))
	if d, err := connectproto.NewErrorDetail(br); err == nil {
		ce = ce.WithDetail(d)
	}
	return ce
}
