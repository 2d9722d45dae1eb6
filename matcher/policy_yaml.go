package matcher

import (
	_ "embed"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/alongside/alongside"
	"github.com/goccy/go-yaml"
	"github.com/goccy/go-yaml/ast"
	"github.com/goccy/go-yaml/parser"
	"github.com/goccy/go-yaml/token"
)

//go:embed policy.yaml
var defaultPolicyYAML []byte

var defaultSet = sync.OnceValue(func() *PolicySet {
	ps, err := ParsePolicy(defaultPolicyYAML)
	if err != nil {
		// policy.yaml is embedded at build time; a test parses it.
		panic("matcher: embedded policy.yaml: " + err.Error())
	}
	return ps
})

// DefaultPolicyYAML returns the embedded policy.yaml: every field with its
// default and its documentation, and the Arizona programs of the brief
// (Parent Support Now needs a Medicaid-eligible child and a certified peer
// support specialist; Team-Based Parent Representation takes attorney
// referrals). It is a starting point for a program's own policy file.
func DefaultPolicyYAML() []byte { return slices.Clone(defaultPolicyYAML) }

// DefaultPolicy returns the policy set of the embedded policy.yaml
// ([DefaultPolicyYAML]): the documented defaults and the Arizona programs
// of the brief. Each call returns a fresh copy the caller may modify.
func DefaultPolicy() *PolicySet { return defaultSet().Clone() }

// maxPolicyBytes bounds a policy file: real ones are a few kilobytes.
const maxPolicyBytes = 1 << 20

// PolicyError locates one problem of a policy file. Err's Field is the
// YAML path of the bad value ("programs.parent_support_now.weights.father",
// "" for the document as a whole); Line and Column, 1-based, point at it
// in the file, or are 0 when the value is not in the file (a bad inherited
// default) or the parser gave no position.
type PolicyError struct {
	Line, Column int                   // 1-based position in the file; 0 when unknown
	Err          *alongside.FieldError // the YAML path and the reason
}

// Error formats e as "line 12, column 5: weights.father: must be …".
func (e *PolicyError) Error() string {
	msg := e.Err.Reason
	if e.Err.Field != "" {
		msg = e.Err.Field + ": " + msg
	}
	if e.Line > 0 {
		return fmt.Sprintf("line %d, column %d: %s", e.Line, e.Column, msg)
	}
	return msg
}

// Unwrap returns the *alongside.FieldError, so alongside.FieldErrors and
// errors.AsType find it.
func (e *PolicyError) Unwrap() error { return e.Err }

// ParsePolicy parses a policy file (YAML; see policy.yaml for every field
// and its default). The file's "default" section overrides the built-in
// defaults field by field, and each "programs.<key>" section overrides the
// file's default the same way: mappings (weights, rules, tag_weights and
// the grouped settings) merge key by key, lists replace. Empty input gives
// the built-in defaults and no programs.
//
// Errors are *PolicyError values (joined), one per problem: syntax errors,
// unknown keys, values of the wrong type, and every invalid value
// [Policy.Validate] finds. Anchors, aliases, tags and merge keys are
// rejected, and so is more than one YAML document.
func ParsePolicy(data []byte) (*PolicySet, error) {
	if len(data) > maxPolicyBytes {
		return nil, &PolicyError{Err: &alongside.FieldError{Reason: fmt.Sprintf("policy file is larger than %d bytes", maxPolicyBytes)}}
	}
	f, err := parseYAML(data)
	if err != nil {
		return nil, err
	}
	var body ast.Node
	for _, doc := range f.Docs {
		if doc == nil || doc.Body == nil {
			continue
		}
		if body != nil {
			return nil, nodeError(doc.Body, "", "must hold one YAML document")
		}
		body = doc.Body
	}
	d := &decoder{pos: map[string]token.Position{}}
	ps := d.document(body)
	// Values that failed to decode kept their defaults, so validating the
	// rest reports every other problem too.
	if err := errors.Join(errors.Join(d.errs...), d.validate(ps)); err != nil {
		return nil, err
	}
	return ps, nil
}

// parseYAML parses data into a syntax tree. The parser is third-party
// code: a panic on hostile input becomes an error rather than a crash of
// the service.
func parseYAML(data []byte) (f *ast.File, err error) {
	defer func() {
		if r := recover(); r != nil {
			f, err = nil, &PolicyError{Err: &alongside.FieldError{Reason: "invalid YAML"}}
		}
	}()
	f, err = parser.ParseBytes(data, 0)
	if err != nil {
		return nil, syntaxError(err)
	}
	return f, nil
}

func syntaxError(err error) error {
	if ye, ok := errors.AsType[yaml.Error](err); ok {
		pe := &PolicyError{Err: &alongside.FieldError{Reason: "invalid YAML: " + ye.GetMessage()}}
		if tk := ye.GetToken(); tk != nil && tk.Position != nil {
			pe.Line, pe.Column = tk.Position.Line, tk.Position.Column
		}
		return pe
	}
	return &PolicyError{Err: &alongside.FieldError{Reason: "invalid YAML"}}
}

func nodeError(n ast.Node, path, reason string) *PolicyError {
	pe := &PolicyError{Err: &alongside.FieldError{Field: path, Reason: reason}}
	if p := position(n); p != nil {
		pe.Line, pe.Column = p.Line, p.Column
	}
	return pe
}

func position(n ast.Node) *token.Position {
	if n == nil {
		return nil
	}
	if tk := n.GetToken(); tk != nil && tk.Position != nil {
		return tk.Position
	}
	return nil
}

// decoder walks the YAML syntax tree of a policy file. It records the
// position of every value by YAML path, so validation errors can point
// into the file.
type decoder struct {
	errs []error
	pos  map[string]token.Position
}

func (d *decoder) fail(n ast.Node, path, format string, args ...any) {
	d.errs = append(d.errs, nodeError(n, path, fmt.Sprintf(format, args...)))
}

func (d *decoder) document(body ast.Node) *PolicySet {
	ps := &PolicySet{Default: basePolicy()}
	var programs ast.Node
	d.fields(body, "", map[string]func(ast.Node, string){
		"default":  func(n ast.Node, path string) { d.policy(n, path, &ps.Default) },
		"programs": func(n ast.Node, path string) { programs = n },
	})
	if programs == nil {
		return ps
	}
	// Programs inherit the file's default, whatever order the sections
	// come in.
	d.mapping(programs, "programs", func(key string, n ast.Node, path string) {
		if ps.Programs == nil {
			ps.Programs = map[string]*Policy{}
		}
		p := ps.Default.Clone()
		d.policy(n, path, p)
		ps.Programs[key] = p
	})
	return ps
}

func (d *decoder) policy(n ast.Node, path string, p *Policy) {
	d.fields(n, path, map[string]func(ast.Node, string){
		"name": func(n ast.Node, path string) { d.str(n, path, &p.Name) },
		"weights": func(n ast.Node, path string) {
			ptrs := p.Weights.ptrs()
			fs := make(map[string]func(ast.Node, string), numFactors)
			for i, name := range factorNames {
				fs[name] = func(n ast.Node, path string) { d.number(n, path, ptrs[i]) }
			}
			d.fields(n, path, fs)
		},
		"rules": func(n ast.Node, path string) {
			d.pairs(n, path, func(key string, k, n ast.Node, path string) {
				r, ok := ruleNamed(key)
				if !ok {
					d.fail(k, path, "is not a hard rule a policy can switch (rules: %s)", switchableRules())
					return
				}
				var on bool
				if d.boolean(n, path, &on) {
					if on {
						p.Rules = p.Rules.With(r)
					} else {
						p.Rules = p.Rules.Without(r)
					}
				}
			})
		},
		"tag_weights": func(n ast.Node, path string) {
			p.TagWeights = maps.Clone(p.TagWeights)
			if p.TagWeights == nil {
				p.TagWeights = map[alongside.Tag]float64{}
			}
			d.mapping(n, path, func(key string, n ast.Node, path string) {
				var w float64
				if d.number(n, path, &w) {
					p.TagWeights[alongside.Tag(key)] = w
				}
			})
		},
		"core_trainings": func(n ast.Node, path string) { d.strings(n, path, &p.CoreTrainings) },
		"readiness": func(n ast.Node, path string) {
			d.fields(n, path, map[string]func(ast.Node, string){
				"case_closed_years": func(n ast.Node, path string) { d.integer(n, path, &p.CaseClosedYears) },
				"recovery_years":    func(n ast.Node, path string) { d.integer(n, path, &p.RecoveryYears) },
			})
		},
		"travel": func(n ast.Node, path string) {
			d.fields(n, path, map[string]func(ast.Node, string){
				"circuity":  func(n ast.Node, path string) { d.number(n, path, &p.Travel.Circuity) },
				"speed_mph": func(n ast.Node, path string) { d.number(n, path, &p.Travel.SpeedMPH) },
				"horizon":   func(n ast.Node, path string) { d.duration(n, path, &p.Travel.Horizon) },
				"max":       func(n ast.Node, path string) { d.duration(n, path, &p.Travel.Max) },
			})
		},
		"offer": func(n ast.Node, path string) {
			d.fields(n, path, map[string]func(ast.Node, string){
				"window":            func(n ast.Node, path string) { d.duration(n, path, &p.Offer.Window) },
				"escalation_margin": func(n ast.Node, path string) { d.duration(n, path, &p.Offer.EscalationMargin) },
				"top_k":             func(n ast.Node, path string) { d.integer(n, path, &p.Offer.TopK) },
			})
		},
		"eligibility": func(n ast.Node, path string) {
			d.fields(n, path, map[string]func(ast.Node, string){
				"medicaid_required": func(n ast.Node, path string) { d.boolean(n, path, &p.Eligibility.MedicaidRequired) },
				"referrals": func(n ast.Node, path string) {
					var rs []string
					if d.strings(n, path, &rs) {
						p.Eligibility.Referrals = nil
						for _, r := range rs {
							p.Eligibility.Referrals = append(p.Eligibility.Referrals, alongside.ReferralSource(r))
						}
					}
				},
			})
		},
		"certifications": func(n ast.Node, path string) { d.strings(n, path, &p.Certifications) },
	})
}

func switchableRules() string {
	var names []string
	for _, r := range Rules() {
		if r.switchable() {
			names = append(names, r.String())
		}
	}
	return strings.Join(names, ", ")
}

// plain unwraps nothing: it rejects the YAML features a policy file does
// not use (anchors, aliases, tags, merge keys) and returns n, or nil.
func (d *decoder) plain(n ast.Node, path string) ast.Node {
	switch n.(type) {
	case *ast.AnchorNode, *ast.AliasNode, *ast.TagNode, *ast.MergeKeyNode, *ast.MappingKeyNode, *ast.DirectiveNode:
		d.fail(n, path, "uses anchors, aliases, tags or complex keys, which a policy file does not support")
		return nil
	}
	return n
}

// mapping calls each for every key of the mapping n, in file order. A
// null value is an empty mapping.
func (d *decoder) mapping(n ast.Node, path string, each func(key string, v ast.Node, path string)) {
	d.pairs(n, path, func(key string, _, v ast.Node, path string) { each(key, v, path) })
}

// pairs is mapping that also passes each key's node.
func (d *decoder) pairs(n ast.Node, path string, each func(key string, k, v ast.Node, path string)) {
	if n == nil {
		return
	}
	if n = d.plain(n, path); n == nil {
		return
	}
	d.record(n, path)
	var pairs []*ast.MappingValueNode
	switch m := n.(type) {
	case *ast.NullNode:
		return
	case *ast.MappingNode:
		pairs = m.Values
	case *ast.MappingValueNode:
		pairs = []*ast.MappingValueNode{m}
	default:
		d.fail(n, path, "must be a mapping")
		return
	}
	seen := map[string]bool{}
	for _, kv := range pairs {
		if kv == nil || kv.Key == nil {
			continue
		}
		k := d.plain(kv.Key, path)
		if k == nil {
			continue
		}
		key, ok := scalarText(k)
		if !ok {
			d.fail(k, path, "has a key that is not a plain name")
			continue
		}
		sub := alongside.JoinField(path, key)
		if seen[key] {
			d.fail(k, sub, "is repeated")
			continue
		}
		seen[key] = true
		v := kv.Value
		if v == nil {
			v = k // "key:" with nothing after it; report at the key
		}
		each(key, k, v, sub)
	}
}

// fields is mapping with a fixed set of keys; others are errors.
func (d *decoder) fields(n ast.Node, path string, fs map[string]func(ast.Node, string)) {
	d.pairs(n, path, func(key string, k, v ast.Node, sub string) {
		f, ok := fs[key]
		if !ok {
			where := "here"
			if path != "" {
				where = "in " + path
			}
			d.fail(k, sub, "is not a known field %s (fields: %s)", where, strings.Join(slices.Sorted(maps.Keys(fs)), ", "))
			return
		}
		f(v, sub)
	})
}

func (d *decoder) record(n ast.Node, path string) {
	if p := position(n); p != nil {
		if _, ok := d.pos[path]; !ok {
			d.pos[path] = *p
		}
	}
}

// scalar returns n as a scalar node (not null), recording its position.
func (d *decoder) scalar(n ast.Node, path, want string) (ast.Node, bool) {
	if n = d.plain(n, path); n == nil {
		return nil, false
	}
	d.record(n, path)
	switch n.(type) {
	case *ast.MappingNode, *ast.MappingValueNode, *ast.SequenceNode, *ast.NullNode:
		d.fail(n, path, "must be %s", want)
		return nil, false
	}
	return n, true
}

func scalarText(n ast.Node) (string, bool) {
	switch s := n.(type) {
	case *ast.StringNode:
		return s.Value, true
	case *ast.IntegerNode, *ast.FloatNode, *ast.BoolNode, *ast.InfinityNode, *ast.NanNode:
		if tk := n.GetToken(); tk != nil {
			return tk.Value, true
		}
	}
	return "", false
}

func quoted(n ast.Node) bool {
	tk := n.GetToken()
	return tk != nil && (tk.Type == token.SingleQuoteType || tk.Type == token.DoubleQuoteType)
}

func (d *decoder) number(n ast.Node, path string, dst *float64) bool {
	const want = "a number"
	n, ok := d.scalar(n, path, want)
	if !ok {
		return false
	}
	switch v := n.(type) {
	case *ast.IntegerNode:
		switch x := v.Value.(type) {
		case int64:
			*dst = float64(x)
		case uint64:
			*dst = float64(x)
		default:
			d.fail(n, path, "must be %s", want)
			return false
		}
	case *ast.FloatNode:
		*dst = v.Value
	case *ast.InfinityNode:
		*dst = v.Value
	case *ast.NanNode:
		*dst = math.NaN()
	case *ast.StringNode:
		// The parser leaves some plain numbers ("1e3") as strings.
		x, err := strconv.ParseFloat(v.Value, 64)
		if quoted(n) || err != nil {
			d.fail(n, path, "must be %s", want)
			return false
		}
		*dst = x
	default:
		d.fail(n, path, "must be %s", want)
		return false
	}
	return true
}

func (d *decoder) integer(n ast.Node, path string, dst *int) bool {
	const want = "a whole number"
	n, ok := d.scalar(n, path, want)
	if !ok {
		return false
	}
	v, isInt := n.(*ast.IntegerNode)
	if !isInt {
		d.fail(n, path, "must be %s", want)
		return false
	}
	var x int64
	switch i := v.Value.(type) {
	case int64:
		x = i
	case uint64:
		x = int64(min(i, math.MaxInt64))
	}
	if x < math.MinInt32 || x > math.MaxInt32 {
		d.fail(n, path, "is out of range")
		return false
	}
	*dst = int(x)
	return true
}

func (d *decoder) boolean(n ast.Node, path string, dst *bool) bool {
	const want = "true or false"
	n, ok := d.scalar(n, path, want)
	if !ok {
		return false
	}
	v, isBool := n.(*ast.BoolNode)
	if !isBool {
		d.fail(n, path, "must be %s", want)
		return false
	}
	*dst = v.Value
	return true
}

func (d *decoder) str(n ast.Node, path string, dst *string) bool {
	const want = "a string"
	n, ok := d.scalar(n, path, want)
	if !ok {
		return false
	}
	s, isText := scalarText(n)
	if !isText {
		d.fail(n, path, "must be %s", want)
		return false
	}
	*dst = s
	return true
}

func (d *decoder) duration(n ast.Node, path string, dst *time.Duration) bool {
	const want = "a duration such as 90m or 4h"
	n, ok := d.scalar(n, path, want)
	if !ok {
		return false
	}
	s, isText := scalarText(n)
	x, err := time.ParseDuration(s)
	if !isText || err != nil {
		d.fail(n, path, "must be %s", want)
		return false
	}
	*dst = x
	return true
}

// strings decodes a list of strings; null is the empty list.
func (d *decoder) strings(n ast.Node, path string, dst *[]string) bool {
	if n = d.plain(n, path); n == nil {
		return false
	}
	d.record(n, path)
	var out []string
	switch s := n.(type) {
	case *ast.NullNode:
	case *ast.SequenceNode:
		ok := true
		for i, v := range s.Values {
			var x string
			if d.str(v, alongside.IndexField(path, i), &x) {
				out = append(out, x)
			} else {
				ok = false
			}
		}
		if !ok {
			return false
		}
	default:
		d.fail(n, path, "must be a list")
		return false
	}
	*dst = out
	return true
}

// validate runs PolicySet.Validate and places each error in the file. A
// program that inherits a bad default value repeats the default's error;
// those repeats are dropped.
func (d *decoder) validate(ps *PolicySet) error {
	fes := alongside.FieldErrors(ps.Validate())
	if len(fes) == 0 {
		return nil
	}
	defaults := map[string]bool{}
	for _, fe := range fes {
		if rel, ok := strings.CutPrefix(fe.Field, "default."); ok {
			defaults[rel+"\x00"+fe.Reason] = true
		} else if fe.Field == "default" {
			defaults["\x00"+fe.Reason] = true
		}
	}
	var errs []error
	for _, fe := range fes {
		if rest, ok := strings.CutPrefix(fe.Field, "programs."); ok {
			_, rel, _ := strings.Cut(rest, ".")
			if _, own := d.pos[fe.Field]; !own && defaults[rel+"\x00"+fe.Reason] {
				continue
			}
		}
		pe := &PolicyError{Err: fe}
		for path := fe.Field; ; {
			if p, ok := d.pos[path]; ok {
				pe.Line, pe.Column = p.Line, p.Column
				break
			}
			i := strings.LastIndexAny(path, ".[")
			if i < 0 {
				break
			}
			path = path[:i]
		}
		errs = append(errs, pe)
	}
	return errors.Join(errs...)
}

// YAML encodes s as a complete policy file: every field of the default and
// of each program written out, programs sorted by key. ParsePolicy of the
// result gives a set equal to s (for a valid s).
func (s *PolicySet) YAML() []byte {
	var b strings.Builder
	b.WriteString("# Alongside matching policy (generated; see matcher/policy.yaml for field docs).\n")
	b.WriteString("default:\n")
	writePolicy(&b, &s.Default, "  ")
	if len(s.Programs) > 0 {
		b.WriteString("programs:\n")
		for _, k := range slices.Sorted(maps.Keys(s.Programs)) {
			fmt.Fprintf(&b, "  %s:\n", strconv.Quote(k))
			if p := s.Programs[k]; p != nil {
				writePolicy(&b, p, "    ")
			}
		}
	}
	return []byte(b.String())
}

func writePolicy(b *strings.Builder, p *Policy, in string) {
	num := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	list := func(xs []string) string {
		q := make([]string, len(xs))
		for i, x := range xs {
			q[i] = strconv.Quote(x)
		}
		return "[" + strings.Join(q, ", ") + "]"
	}
	fmt.Fprintf(b, "%sname: %s\n", in, strconv.Quote(p.Name))
	fmt.Fprintf(b, "%sweights:\n", in)
	for i, w := range p.Weights.array() {
		fmt.Fprintf(b, "%s  %s: %s\n", in, factorNames[i], num(w))
	}
	fmt.Fprintf(b, "%srules:\n", in)
	for _, r := range Rules() {
		if r.switchable() {
			fmt.Fprintf(b, "%s  %s: %t\n", in, r, p.Rules.Has(r))
		}
	}
	if len(p.TagWeights) == 0 {
		fmt.Fprintf(b, "%stag_weights: {}\n", in)
	} else {
		fmt.Fprintf(b, "%stag_weights:\n", in)
		for _, t := range slices.Sorted(maps.Keys(p.TagWeights)) {
			fmt.Fprintf(b, "%s  %s: %s\n", in, strconv.Quote(string(t)), num(p.TagWeights[t]))
		}
	}
	fmt.Fprintf(b, "%score_trainings: %s\n", in, list(p.CoreTrainings))
	fmt.Fprintf(b, "%sreadiness:\n%s  case_closed_years: %d\n%s  recovery_years: %d\n",
		in, in, p.CaseClosedYears, in, p.RecoveryYears)
	fmt.Fprintf(b, "%stravel:\n%s  circuity: %s\n%s  speed_mph: %s\n%s  horizon: %s\n%s  max: %s\n",
		in, in, num(p.Travel.Circuity), in, num(p.Travel.SpeedMPH), in, p.Travel.Horizon, in, p.Travel.Max)
	fmt.Fprintf(b, "%soffer:\n%s  window: %s\n%s  escalation_margin: %s\n%s  top_k: %d\n",
		in, in, p.Offer.Window, in, p.Offer.EscalationMargin, in, p.Offer.TopK)
	refs := make([]string, len(p.Eligibility.Referrals))
	for i, r := range p.Eligibility.Referrals {
		refs[i] = string(r)
	}
	fmt.Fprintf(b, "%seligibility:\n%s  medicaid_required: %t\n%s  referrals: %s\n",
		in, in, p.Eligibility.MedicaidRequired, in, list(refs))
	fmt.Fprintf(b, "%scertifications: %s\n", in, list(p.Certifications))
}
