package alongside

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// FieldError reports one invalid field of an input. Field is a path in the
// API's field names (snake_case, dots for nesting, brackets for indexes),
// e.g. "home.lat" or "availability[2].end", so a client can point at the
// exact input. Reason is a short sentence for a person.
type FieldError struct {
	Field  string
	Reason string
}

// Error implements error.
func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

// FieldErrors returns every *FieldError in err's tree (following both
// Unwrap() error and Unwrap() []error), in order. It returns nil when err
// holds none.
func FieldErrors(err error) []*FieldError {
	var out []*FieldError
	var walk func(error)
	walk = func(e error) {
		switch x := e.(type) {
		case nil:
		case *FieldError:
			out = append(out, x)
		case interface{ Unwrap() []error }:
			for _, inner := range x.Unwrap() {
				walk(inner)
			}
		case interface{ Unwrap() error }:
			walk(x.Unwrap())
		}
	}
	walk(err)
	return out
}

// problems collects field errors during validation. Its zero value is ready.
type problems struct {
	errs []error
}

// add records a problem with field unless reason is empty.
func (p *problems) add(field, reason string) {
	if reason != "" {
		p.errs = append(p.errs, &FieldError{Field: field, Reason: reason})
	}
}

// addf records a formatted problem with field.
func (p *problems) addf(field, format string, args ...any) {
	p.add(field, fmt.Sprintf(format, args...))
}

// err returns the collected problems joined, or nil.
func (p *problems) err() error { return errors.Join(p.errs...) }

// JoinField joins a field path to a prefix: "partner" + "home.lat" is
// "partner.home.lat", "languages" + "[2]" is "languages[2]", and an empty
// field is the prefix itself.
func JoinField(prefix, field string) string {
	switch {
	case prefix == "":
		return field
	case field == "" || strings.HasPrefix(field, "["):
		return prefix + field
	}
	return prefix + "." + field
}

// IndexField returns the path of element i of a repeated field: "x[2]".
func IndexField(field string, i int) string { return field + "[" + strconv.Itoa(i) + "]" }
