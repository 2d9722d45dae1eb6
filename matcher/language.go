package matcher

import (
	"sync"
	"sync/atomic"

	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Language matching compares BCP 47 tags with x/text's
// language.Comprehends: can a speaker of the parent's language follow the
// partner's? "es-MX" ↔ "es" and "en-US" ↔ "en-GB" are High, equal tags
// Exact, "zh-Hant" ↔ "zh" Low, "es" ↔ "en" No. High or Exact is a shared
// language for the hard rule.

// langValue is the soft value of a confidence.
func langValue(c language.Confidence) float64 {
	switch c {
	case language.Exact:
		return 1
	case language.High:
		return 0.9
	case language.Low:
		return 0.3
	}
	return 0
}

// Position discounts: a parent's second language is worth less than the
// first; a partner's later language (weaker, by the roster's convention)
// a little less than their strongest.
const (
	parentLaterLanguage  = 0.7
	partnerLaterLanguage = 0.9
)

type langPair struct{ parent, partner string }

// comprehendCache memoizes Comprehends, which builds a matcher per call.
// Rosters use a handful of languages; the cache stops growing at
// maxLangPairs entries to bound memory on hostile input.
var (
	comprehendCache sync.Map // langPair → language.Confidence
	comprehendSize  atomic.Int64
)

const maxLangPairs = 10_000

func comprehends(parent, partner string) language.Confidence {
	key := langPair{parent, partner}
	if c, ok := comprehendCache.Load(key); ok {
		return c.(language.Confidence)
	}
	c := language.No
	a, errA := language.Parse(parent)
	b, errB := language.Parse(partner)
	if errA == nil && errB == nil {
		c = language.Comprehends(a, b)
	}
	if comprehendSize.Load() < maxLangPairs {
		if _, loaded := comprehendCache.LoadOrStore(key, c); !loaded {
			comprehendSize.Add(1)
		}
	}
	return c
}

// langEntry holds, for one partner language, its confidence against each
// of the case's languages.
type langEntry struct {
	tag  string
	conf []language.Confidence
}

// langMatch is the best language pair of a partner and a parent.
type langMatch struct {
	value   float64
	shared  bool // some pair is High or Exact
	parent  int  // index into the case's languages of the best pair; -1: none
	partner int  // index into the partner's languages
	conf    language.Confidence
}

// languageName returns a tag's English name ("Mexican Spanish",
// "American Sign Language"), or the tag itself when x/text has none.
func languageName(tag string) string {
	t, err := language.Parse(tag)
	if err != nil {
		return tag
	}
	if n := display.English.Tags().Name(t); n != "" {
		return n
	}
	return tag
}

// baseLanguageName returns the English name of a tag's base language
// ("Spanish" for "es-MX").
func baseLanguageName(tag string) string {
	t, err := language.Parse(tag)
	if err != nil {
		return tag
	}
	b, _ := t.Base()
	if n := display.English.Languages().Name(b); n != "" {
		return n
	}
	return tag
}
