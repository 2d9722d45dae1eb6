package alongside

import (
	"golang.org/x/text/language"
)

// maxTagLen bounds a language tag before it is parsed; real tags are short
// (the longest registered ones are under 40 characters).
const maxTagLen = 35

// CanonicalLanguage parses a BCP 47 language tag and returns its canonical
// form: "EN-us" and "en_US" become "en-US", "i-klingon" becomes "tlh".
// Sign languages are ordinary tags ("ase" is American Sign Language).
// It rejects empty, malformed and undetermined ("und") tags.
func CanonicalLanguage(tag string) (string, error) {
	if tag == "" {
		return "", &FieldError{Reason: "must not be empty"}
	}
	if len(tag) > maxTagLen {
		return "", &FieldError{Reason: "is too long for a language tag"}
	}
	t, err := language.Parse(tag)
	if err != nil {
		return "", &FieldError{Reason: "is not a BCP 47 language tag"}
	}
	// Base infers a likely language for "und" tags ("und-US" gives "en"
	// with conf High); only an explicit base language has conf Exact.
	if _, conf := t.Base(); conf != language.Exact {
		return "", &FieldError{Reason: "names no language"}
	}
	return t.String(), nil
}

// canonicalLanguages canonicalizes tags in place and removes duplicates,
// keeping the first occurrence (the first tag is the primary language).
// Invalid tags are left as they are for validation to report.
func canonicalLanguages(tags []string) []string {
	seen := make(map[string]bool, len(tags))
	out := tags[:0]
	for _, tag := range tags {
		if c, err := CanonicalLanguage(tag); err == nil {
			tag = c
		}
		if seen[tag] {
			continue
		}
		seen[tag] = true
		out = append(out, tag)
	}
	return out
}

func checkLanguages(p *problems, field string, tags []string, required bool) {
	if required && len(tags) == 0 {
		p.add(field, "must list at least one language")
	}
	if len(tags) > maxListLen {
		p.addf(field, "must list at most %d languages", maxListLen)
		return
	}
	for i, tag := range tags {
		c, err := CanonicalLanguage(tag)
		switch {
		case err != nil:
			p.add(IndexField(field, i), err.(*FieldError).Reason)
		case c != tag:
			p.addf(IndexField(field, i), "is not in canonical form (use %q)", c)
		}
	}
}
