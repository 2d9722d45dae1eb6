package server

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/fieldmaskpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/alongside/alongside"
	alongsidev1 "github.com/alongside/alongside/api/gen/alongside/v1"
	"github.com/alongside/alongside/geo"
)

// This file holds the machinery shared by the conversions in convert.go:
// a decoder that collects field errors instead of failing on the first,
// enum mapping by name, field paths, record checking and update masks.

// decoder collects the *alongside.FieldError values of one decoding pass,
// with fields named by their proto paths relative to the decoded message.
// Its zero value is ready. Decoding never stops at a problem: the bad value
// decodes as its zero, so validation can still report the other fields.
type decoder struct {
	errs []error
}

func (d *decoder) fail(field, reason string) {
	d.errs = append(d.errs, &alongside.FieldError{Field: field, Reason: reason})
}

// add collects err, a FieldError (or several, joined), unless it is nil.
func (d *decoder) add(err error) {
	if err != nil {
		d.errs = append(d.errs, err)
	}
}

// err returns the collected problems joined, or nil.
func (d *decoder) err() error { return errors.Join(d.errs...) }

// date decodes a civil date "YYYY-MM-DD"; "" is the zero Date.
func (d *decoder) date(field, s string) alongside.Date {
	if s == "" {
		return alongside.Date{}
	}
	v, err := alongside.ParseDate(s)
	if err != nil {
		d.fail(field, "must be a date YYYY-MM-DD")
	}
	return v
}

// timeOfDay decodes "HH:MM".
func (d *decoder) timeOfDay(field, s string) alongside.TimeOfDay {
	v, err := alongside.ParseTimeOfDay(s)
	if fe, ok := errors.AsType[*alongside.FieldError](err); ok {
		d.fail(field, fe.Reason)
	}
	return v
}

// instant decodes an instant shown in loc (UTC when loc is nil); nil is the
// zero time.
func (d *decoder) instant(field string, ts *timestamppb.Timestamp, loc *time.Location) time.Time {
	if ts == nil {
		return time.Time{}
	}
	if ts.CheckValid() != nil {
		d.fail(field, "must be a timestamp between the years 0001 and 9999")
		return time.Time{}
	}
	t := ts.AsTime()
	if loc != nil {
		t = t.In(loc)
	}
	return t
}

// maxDurationSeconds bounds a google.protobuf.Duration that fits a
// time.Duration.
const maxDurationSeconds = math.MaxInt64/int64(time.Second) - 1

// duration decodes a duration; nil is zero.
func (d *decoder) durationProto(field string, pd *durationpb.Duration) time.Duration {
	if pd == nil {
		return 0
	}
	if pd.CheckValid() != nil || pd.GetSeconds() > maxDurationSeconds || pd.GetSeconds() < -maxDurationSeconds {
		d.fail(field, "must be a duration of at most 292 years")
		return 0
	}
	return pd.AsDuration()
}

// point decodes a required location: an unset LatLng is an error, so a
// forgotten location never becomes 0°N 0°E.
func (d *decoder) point(field string, ll *alongsidev1.LatLng) geo.Point {
	if ll == nil {
		d.fail(field, "must be set")
		return geo.Point{}
	}
	return geo.Point{Lat: ll.GetLat(), Lng: ll.GetLng()}
}

// weekday decodes an ISO weekday (Monday = 1 … Sunday = 7).
func (d *decoder) weekday(field string, w alongsidev1.Weekday) time.Weekday {
	if w < alongsidev1.Weekday_WEEKDAY_MONDAY || w > alongsidev1.Weekday_WEEKDAY_SUNDAY {
		d.fail(field, oneOf(w.Descriptor(), 1))
		return time.Sunday
	}
	return time.Weekday(w % 7)
}

func weekdayToProto(w time.Weekday) alongsidev1.Weekday {
	if w == time.Sunday {
		return alongsidev1.Weekday_WEEKDAY_SUNDAY
	}
	return alongsidev1.Weekday(w)
}

// each decodes the elements of a repeated field, naming each element's
// problems with its index ("trainings[1].completed"). It returns nil for an
// empty list.
func decodeEach[A, B any](d *decoder, field string, in []A, f func(d *decoder, field string, a A) B) []B {
	if len(in) == 0 {
		return nil
	}
	out := make([]B, len(in))
	for i, a := range in {
		out[i] = f(d, alongside.IndexField(field, i), a)
	}
	return out
}

// mapSlice converts every element; nil for an empty list, so round trips
// keep nil slices nil.
func mapSlice[A, B any](in []A, f func(A) B) []B {
	if len(in) == 0 {
		return nil
	}
	out := make([]B, len(in))
	for i, a := range in {
		out[i] = f(a)
	}
	return out
}

// strs copies a list of strings between named string types (IDs, tags).
func strs[B, A ~string](in []A) []B {
	return mapSlice(in, func(a A) B { return B(a) })
}

func timestampProto(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

func durationProto(d time.Duration) *durationpb.Duration {
	if d == 0 {
		return nil
	}
	return durationpb.New(d)
}

func latLngProto(p geo.Point) *alongsidev1.LatLng {
	return &alongsidev1.LatLng{Lat: p.Lat, Lng: p.Lng}
}

// zone returns the location named by an IANA zone, or nil when the name is
// not one the domain accepts (validation reports it).
func recordZone(name string) *time.Location {
	loc, err := alongside.LoadZone(name)
	if err != nil {
		return nil
	}
	return loc
}

// protoEnum is a generated enum type.
type protoEnum interface {
	~int32
	Descriptor() protoreflect.EnumDescriptor
}

// Enums map to the domain's string constants by name: the proto value
// PARTNER_STATUS_ON_LEAVE is the domain's "on_leave", and the zero
// *_UNSPECIFIED value is the domain's "". Tests check that every domain
// constant maps both ways.

func enumPrefix(ed protoreflect.EnumDescriptor) string {
	return strings.TrimSuffix(string(ed.Values().ByNumber(0).Name()), "UNSPECIFIED")
}

// enumToProto returns the value of E for the domain string s, or the zero
// value for "" (and for a string the schema lacks, which validated records
// never hold).
func enumToProto[E protoEnum, S ~string](s S) E {
	var zero E
	if s == "" {
		return zero
	}
	ed := zero.Descriptor()
	v := ed.Values().ByName(protoreflect.Name(enumPrefix(ed) + strings.ToUpper(string(s))))
	if v == nil {
		return zero
	}
	return E(v.Number())
}

// enumFromProto returns the domain string of e: "" for the zero value, and
// "" with a problem for a number the schema does not define.
func enumFromProto[S ~string, E protoEnum](d *decoder, field string, e E) S {
	ed := e.Descriptor()
	v := ed.Values().ByNumber(protoreflect.EnumNumber(e))
	switch {
	case v == nil:
		d.fail(field, oneOf(ed, 0))
		return ""
	case v.Number() == 0:
		return ""
	}
	return S(strings.ToLower(strings.TrimPrefix(string(v.Name()), enumPrefix(ed))))
}

// oneOf lists the enum's value names from number from on.
func oneOf(ed protoreflect.EnumDescriptor, from protoreflect.EnumNumber) string {
	var names []string
	for i := range ed.Values().Len() {
		if v := ed.Values().Get(i); v.Number() >= from {
			names = append(names, string(v.Name()))
		}
	}
	return "must be one of " + strings.Join(names, ", ")
}

// apiPath turns a domain validation path into the API's: the API names
// references with an _id suffix where the domain does not.
func apiPath(domainPath string) string {
	head, rest := domainPath, ""
	if i := strings.IndexAny(domainPath, ".["); i >= 0 {
		head, rest = domainPath[:i], domainPath[i:]
	}
	switch head {
	case "case":
		head = "case_id"
	case "cover_partners":
		head = "cover_partner_ids"
	case "known_conflicts":
		head = "conflict_partner_ids"
	case "prior_partners":
		head = "prior_partner_ids"
	}
	return head + rest
}

// domainRecord is a domain record the API writes: *alongside.Partner,
// *alongside.Case or *alongside.Appointment.
type domainRecord interface {
	Normalize()
	Validate() error
}

// checkRecord normalizes and validates r, which decoded with decodeErr,
// and returns every problem as an *alongside.FieldError under prefix in the
// API's field paths ("partner.trainings[1].completed"). A field that failed
// to decode is reported once, with the decoding problem.
func checkRecord(prefix string, r domainRecord, decodeErr error) error {
	r.Normalize()
	var errs []error
	seen := make(map[string]bool)
	add := func(field, reason string) {
		if !seen[field] {
			seen[field] = true
			errs = append(errs, &alongside.FieldError{Field: alongside.JoinField(prefix, field), Reason: reason})
		}
	}
	for _, fe := range alongside.FieldErrors(decodeErr) {
		add(fe.Field, fe.Reason)
	}
	for _, fe := range alongside.FieldErrors(r.Validate()) {
		add(apiPath(fe.Field), fe.Reason)
	}
	return errors.Join(errs...)
}

// outputOnly reports whether a field of a record message is set by the
// server: never taken from a create request, never named in an update
// mask.
func outputOnly(name protoreflect.Name) bool {
	switch name {
	case "id", "org_id", "version", "created_at", "updated_at", "deadline", "current_assignment", "current_load", "escalation":
		return true
	}
	return false
}

// clearOutputOnly clears the output-only fields of a record message.
func clearOutputOnly(m protoreflect.Message) {
	fields := m.Descriptor().Fields()
	for i := range fields.Len() {
		if fd := fields.Get(i); outputOnly(fd.Name()) {
			m.Clear(fd)
		}
	}
}

// applyMask copies the fields of src named by mask into dst, both messages
// of the same record type: a named field unset in src is cleared in dst,
// and a repeated field is replaced whole. Paths are proto field names,
// nested through singular record messages ("home.lat",
// "preferences.evenings"). An empty mask copies every field that is not
// output only. Unknown paths and output-only fields are reported in one
// *alongside.FieldError on "update_mask" naming every bad path; dst is then
// partly updated and must be discarded.
func applyMask(dst, src proto.Message, mask *fieldmaskpb.FieldMask) error {
	d, s := dst.ProtoReflect(), proto.Clone(src).ProtoReflect()
	if len(mask.GetPaths()) == 0 {
		fields := d.Descriptor().Fields()
		for i := range fields.Len() {
			if fd := fields.Get(i); !outputOnly(fd.Name()) {
				copyField(d, s, fd)
			}
		}
		return nil
	}
	var bad []string
	for _, path := range mask.GetPaths() {
		if reason := applyPath(d, s, path); reason != "" {
			bad = append(bad, reason)
		}
	}
	if len(bad) > 0 {
		return &alongside.FieldError{Field: "update_mask", Reason: strings.Join(bad, "; ")}
	}
	return nil
}

// applyPath copies one mask path from s to d, or returns why it cannot.
func applyPath(d, s protoreflect.Message, path string) string {
	names := strings.Split(path, ".")
	for i, name := range names {
		fd := d.Descriptor().Fields().ByName(protoreflect.Name(name))
		switch {
		case fd == nil:
			return fmt.Sprintf("path %q: %q is not a field of %s", path, name, d.Descriptor().Name())
		case i == 0 && outputOnly(fd.Name()):
			return fmt.Sprintf("path %q: %q is output only and cannot be updated", path, name)
		case i == len(names)-1:
			copyField(d, s, fd)
			return ""
		case fd.Message() == nil || fd.IsList() || fd.IsMap() || fd.Message().ParentFile().Package() != "alongside.v1":
			return fmt.Sprintf("path %q: %q has no fields to name; name the whole field", path, name)
		}
		d, s = d.Mutable(fd).Message(), s.Get(fd).Message()
	}
	return "" // unreachable: strings.Split returns at least one name
}

func copyField(d, s protoreflect.Message, fd protoreflect.FieldDescriptor) {
	if s.Has(fd) {
		d.Set(fd, s.Get(fd))
	} else {
		d.Clear(fd)
	}
}
