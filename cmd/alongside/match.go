package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"math"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/matcher"
)

// Flag names of alongside match (and, where shared, alongside plan); each
// also reads ALONGSIDE_<NAME> from the environment when the flag is not
// given.
const (
	flagPartners = "partners"
	flagCases    = "cases"
	flagPolicy   = "policy"
	flagNow      = "now"
	flagTime     = "time"
	flagSeed     = "seed"
	flagFormat   = "format"
)

// Output formats.
const (
	formatText = "text"
	formatJSON = "json"
)

type matchConfig struct {
	partners  string
	cases     string
	policy    string
	now       string
	timeLimit time.Duration
	seed      uint64
	format    string
}

func (c *matchConfig) bind(fs *flag.FlagSet) {
	fs.StringVar(&c.partners, flagPartners, "", "`file` of partners: a JSON array of partner records (required)")
	fs.StringVar(&c.cases, flagCases, "", "`file` of cases: a JSON array of case records (required); open ones are matched")
	fs.StringVar(&c.policy, flagPolicy, "", "matching policy `file` (YAML); empty: the built-in policy")
	fs.StringVar(&c.now, flagNow, "", "the `instant` to match at, RFC 3339; empty: the latest case's opened_at, so runs are reproducible")
	fs.DurationVar(&c.timeLimit, flagTime, 10*time.Second, "solver time `limit`; 0: no limit (the solver's own effort budget, reproducible)")
	fs.Uint64Var(&c.seed, flagSeed, 1, "solver `seed`")
	fs.StringVar(&c.format, flagFormat, formatText, "output `format`: text or json")
}

func (c *matchConfig) validate() error {
	var errs []error
	if c.partners == "" {
		errs = append(errs, fmt.Errorf("-%s: must be set", flagPartners))
	}
	if c.cases == "" {
		errs = append(errs, fmt.Errorf("-%s: must be set", flagCases))
	}
	if c.now != "" {
		if _, err := time.Parse(time.RFC3339, c.now); err != nil {
			errs = append(errs, fmt.Errorf("-%s: must be an RFC 3339 instant such as 2026-03-07T10:00:00-07:00", flagNow))
		}
	}
	if c.timeLimit < 0 {
		errs = append(errs, fmt.Errorf("-%s: must not be negative", flagTime))
	}
	errs = append(errs, checkFormat(c.format))
	return errors.Join(errs...)
}

func checkFormat(f string) error {
	if f != formatText && f != formatJSON {
		return fmt.Errorf("-%s: must be %s or %s", flagFormat, formatText, formatJSON)
	}
	return nil
}

func runMatch(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg matchConfig
	if err := parseConfig(&cfg, "match", "-partners FILE -cases FILE [flags]",
		"Matches the open cases to partners in one batch, without a server, and prints a partner per case.", args, stderr); err != nil {
		return err
	}

	partners, err := readPartners(cfg.partners)
	if err != nil {
		return err
	}
	cases, err := readCases(cfg.cases)
	if err != nil {
		return err
	}
	policies, err := readPolicy(cfg.policy)
	if err != nil {
		return err
	}
	now := latestOpened(cases)
	if cfg.now != "" {
		now, _ = time.Parse(time.RFC3339, cfg.now)
	}
	var open []*alongside.Case
	for _, c := range cases {
		if c.Status == alongside.CaseStatusOpen {
			open = append(open, c)
		}
	}

	plan, err := matcher.Rebalance(ctx, matcher.RebalanceInput{
		Cases: open, Partners: partners, Policies: policies, Now: now,
	}, matcher.RebalanceOptions{TimeLimit: cfg.timeLimit, Seed: cfg.seed})
	if err != nil {
		return fmt.Errorf("match: %w", err)
	}
	res := newMatchResult(plan, now, len(cases))
	if cfg.format == formatJSON {
		return writeJSON(stdout, res)
	}
	return res.writeText(stdout)
}

// latestOpened returns the latest OpenedAt of cases (zero when none).
func latestOpened(cases []*alongside.Case) time.Time {
	var t time.Time
	for _, c := range cases {
		if c.OpenedAt.After(t) {
			t = c.OpenedAt
		}
	}
	return t
}

// matchResult is the output of alongside match; its JSON form is the
// -format json output.
type matchResult struct {
	Now     time.Time  `json:"now"`
	Cases   []matchRow `json:"cases"`
	Summary struct {
		Cases      int     `json:"cases"`   // open cases matched
		Skipped    int     `json:"skipped"` // cases not open
		Matched    int     `json:"matched"`
		TotalScore float64 `json:"total_score"` // Σ scores, 0–100 each
		Value      float64 `json:"value"`       // Σ urgency × score
		Bound      float64 `json:"bound"`       // upper bound on value
		Gap        float64 `json:"gap"`
		Status     string  `json:"status"`
	} `json:"summary"`
}

type matchRow struct {
	Case       alongside.CaseID    `json:"case"`
	Partner    alongside.PartnerID `json:"partner,omitempty"`
	Score      float64             `json:"score"`
	Urgency    float64             `json:"urgency"`
	Eligible   int                 `json:"eligible"`
	TopFactors []alongside.Factor  `json:"top_factors,omitempty"`
	Reason     string              `json:"reason,omitempty"`
}

// topFactors is how many factors a row shows: those adding most to the score.
const topFactors = 3

func newMatchResult(plan *matcher.RebalancePlan, now time.Time, all int) *matchResult {
	res := &matchResult{Now: now}
	for _, cp := range plan.Cases {
		row := matchRow{Case: cp.Case, Partner: cp.Partner, Score: round2(cp.Score), Urgency: round2(cp.Urgency),
			Eligible: cp.Eligible, Reason: cp.Reason}
		if cp.Explanation != nil {
			fs := slices.Clone(cp.Explanation.Factors)
			fs = slices.DeleteFunc(fs, func(f alongside.Factor) bool { return f.Weight == 0 || f.Value == 0 })
			slices.SortStableFunc(fs, func(a, b alongside.Factor) int {
				return cmp.Compare(b.Weight*b.Value, a.Weight*a.Value)
			})
			for _, f := range fs[:min(topFactors, len(fs))] {
				f.Value = round2(f.Value)
				row.TopFactors = append(row.TopFactors, f)
			}
		}
		res.Cases = append(res.Cases, row)
	}
	s := &res.Summary
	s.Cases, s.Skipped, s.Matched = len(plan.Cases), all-len(plan.Cases), plan.Matched
	s.TotalScore, s.Value, s.Bound = round2(plan.TotalScore), round2(plan.Value), round2(plan.Bound)
	s.Gap = math.Round(plan.Gap*1e6) / 1e6
	s.Status = plan.Status.String()
	return res
}

// round2 rounds to two decimals, so output does not depend on the last
// bits of floating-point arithmetic (which differ across CPUs).
func round2(x float64) float64 { return math.Round(x*100) / 100 }

func (res *matchResult) writeText(w io.Writer) error {
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "case\tpartner\tscore\ttop factors")
	for _, r := range res.Cases {
		if r.Partner == "" {
			fmt.Fprintf(tw, "%s\t-\t-\t%s\n", r.Case, r.Reason)
			continue
		}
		parts := make([]string, len(r.TopFactors))
		for i, f := range r.TopFactors {
			parts[i] = fmt.Sprintf("%s %.2f", f.Name, f.Value)
		}
		fmt.Fprintf(tw, "%s\t%s\t%.1f\t%s\n", r.Case, r.Partner, r.Score, strings.Join(parts, ", "))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	s := res.Summary
	fmt.Fprintf(&b, "\nmatched %d/%d open cases at %s", s.Matched, s.Cases, res.Now.Format(time.RFC3339))
	if s.Skipped > 0 {
		fmt.Fprintf(&b, " (%d not open, skipped)", s.Skipped)
	}
	fmt.Fprintf(&b, "\ntotal score %.1f; urgency-weighted %.1f, bound %.1f, gap %.2f%%; status %s\n",
		s.TotalScore, s.Value, s.Bound, 100*s.Gap, s.Status)
	_, err := w.Write(b.Bytes())
	return err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// readPartners reads a JSON array of partners, normalizes and validates
// every record. Errors name the file and each bad field as
// partners[i].field (*alongside.FieldError values, joined).
func readPartners(file string) ([]*alongside.Partner, error) {
	return readValid(file, flagPartners, "partner", func(p *alongside.Partner) string { return string(p.ID) })
}

// readCases reads a JSON array of cases like readPartners.
func readCases(file string) ([]*alongside.Case, error) {
	return readValid(file, flagCases, "case", func(c *alongside.Case) string { return string(c.ID) })
}

// record is a domain record as the batch commands read it.
type record[T any] interface {
	*T
	Normalize()
	Validate() error
}

// readValid reads the JSON array of records in file (the -name flag),
// normalizes and validates each, and checks that IDs (id of a record) are
// identifiers listed once; noun names a record in messages.
func readValid[T any, P record[T]](file, name, noun string, id func(*T) string) ([]*T, error) {
	rs, err := readRecords[T](file, name)
	if err != nil {
		return nil, err
	}
	var errs []error
	seen := map[string]bool{}
	for i, r := range rs {
		P(r).Normalize()
		f := alongside.IndexField(name, i)
		errs = append(errs, prefixed(f, P(r).Validate()))
		if reason := alongside.CheckID(id(r)); reason != "" {
			errs = append(errs, &alongside.FieldError{Field: f + ".id", Reason: reason})
		} else if seen[id(r)] {
			errs = append(errs, &alongside.FieldError{Field: f + ".id", Reason: fmt.Sprintf("%s %s is listed twice", noun, id(r))})
		}
		seen[id(r)] = true
	}
	if err := errors.Join(errs...); err != nil {
		return nil, fmt.Errorf("-%s %s: %w", name, file, err)
	}
	return rs, nil
}

// maxRecordsFile bounds an input file (256 MiB): far above any roster.
const maxRecordsFile = 256 << 20

// readRecords decodes file, a JSON array, into one T per element. Unknown
// fields are errors, so a misspelt field does not pass silently; a record
// that does not decode is reported as name[i] (with the JSON field when
// known).
func readRecords[T any](file, name string) ([]*T, error) {
	if st, err := os.Stat(file); err != nil {
		return nil, fmt.Errorf("read -%s: %w", name, err)
	} else if st.Size() > maxRecordsFile {
		return nil, fmt.Errorf("-%s %s: larger than %d MiB", name, file, maxRecordsFile>>20)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read -%s: %w", name, err)
	}
	out, err := decodeRecords[T](data, name)
	if err != nil {
		return nil, fmt.Errorf("-%s %s: %w", name, file, err)
	}
	return out, nil
}

// decodeRecords decodes data, a JSON array, into one T per element; see
// readRecords.
func decodeRecords[T any](data []byte, name string) ([]*T, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, &alongside.FieldError{Field: name, Reason: "must be a JSON array of records: " + err.Error()}
	}
	out := make([]*T, len(raw))
	var errs []error
	for i, r := range raw {
		dec := json.NewDecoder(bytes.NewReader(r))
		dec.DisallowUnknownFields()
		v := new(T)
		if err := dec.Decode(v); err != nil {
			errs = append(errs, decodeError(alongside.IndexField(name, i), err, badKey[T](r)))
			continue
		}
		out[i] = v
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// badKey returns the first top-level key of the JSON object rec whose
// value alone does not decode into a T, or "" (the decoder does not name
// the field when a value's UnmarshalText fails).
func badKey[T any](rec json.RawMessage) string {
	var obj map[string]json.RawMessage
	if json.Unmarshal(rec, &obj) != nil {
		return ""
	}
	keys := slices.Sorted(maps.Keys(obj))
	for _, k := range keys {
		one, _ := json.Marshal(map[string]json.RawMessage{k: obj[k]})
		if json.Unmarshal(one, new(T)) != nil {
			return k
		}
	}
	return ""
}

// decodeError turns a JSON decoding error of record field into a
// *alongside.FieldError naming the JSON field when the decoder knows it,
// or else key (the field found by [badKey]) when set.
func decodeError(field string, err error, key string) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field != "" {
			field = alongside.JoinField(field, te.Field)
		}
		return &alongside.FieldError{Field: field, Reason: fmt.Sprintf("must be a JSON %s, not %s", jsonKind(te.Type.Kind().String()), te.Value)}
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return &alongside.FieldError{Field: alongside.JoinField(field, strings.Trim(name, `"`)), Reason: "is not a known field"}
	}
	field = alongside.JoinField(field, key)
	var fe *alongside.FieldError
	if errors.As(err, &fe) { // a value's own UnmarshalText, e.g. a date
		return &alongside.FieldError{Field: alongside.JoinField(field, fe.Field), Reason: fe.Reason}
	}
	return &alongside.FieldError{Field: field, Reason: err.Error()}
}

func jsonKind(goKind string) string {
	switch goKind {
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float32", "float64":
		return "number"
	case "slice", "array":
		return "array"
	case "struct", "map":
		return "object"
	case "bool":
		return "boolean"
	}
	return goKind
}

// prefixed returns err's field errors with prefix joined to their fields.
func prefixed(prefix string, err error) error {
	if err == nil {
		return nil
	}
	var out []error
	for _, fe := range alongside.FieldErrors(err) {
		out = append(out, &alongside.FieldError{Field: alongside.JoinField(prefix, fe.Field), Reason: fe.Reason})
	}
	if len(out) == 0 {
		return err
	}
	return errors.Join(out...)
}
