package demo

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/alongside/alongside"
)

// member is a person's community: a group and, for Native people, a tribe.
type member struct {
	group groupID
	tribe *tribe
}

// member draws a community by the county's shares. Among cases, Native and
// Black families are weighted up by overrep, as they are over-represented
// in dependency cases.
func (g *gen) member(rg *region, overrep float64) member {
	m := member{group: pick(g.r, []weighted[groupID]{
		{hispanic, rg.hispanic},
		{native, rg.native * overrep},
		{black, rg.black * overrep},
		{asian, rg.asian},
		{multiracial, 0.03},
		{white, max(0, 1-rg.hispanic-rg.native-rg.black-rg.asian-0.03)},
	})}
	if m.group == native {
		m.tribe = tribeOf(pick(g.r, rg.tribes))
	}
	return m
}

// home returns the town a member of rg lives around: a Navajo Nation town
// for most Navajo Nation members in the counties that hold part of it,
// else the county seat.
func (g *gen) home(rg *region, m member) anchor {
	if m.tribe != nil && m.tribe.name == "Navajo Nation" && len(rg.navajoNation) > 0 && g.chance(pNavajoNationHome) {
		return oneOf(g.r, rg.navajoNation)
	}
	return rg.seat
}

// identity returns a self-identified identity; one in ten people outside
// a tribe chose not to say.
func (g *gen) identity(m member) alongside.Identity {
	gr := &groups[m.group]
	id := alongside.Identity{Races: slices.Clone(pick(g.r, gr.races))}
	if gr.ethnicity != "" {
		id.Ethnicities = []string{gr.ethnicity}
	}
	if gr.cultures != nil {
		if c := pick(g.r, gr.cultures); c != "" {
			id.Cultures = []string{c}
		}
	}
	if m.tribe != nil {
		id.TribalAffiliations = []string{m.tribe.name}
		if g.chance(0.7) {
			id.Cultures = []string{m.tribe.culture}
		}
		return id
	}
	if g.chance(0.1) {
		return alongside.Identity{}
	}
	return id
}

func (g *gen) languages(m member) []string {
	ls := groups[m.group].langs
	if m.tribe != nil && m.tribe.langs != nil {
		ls = m.tribe.langs
	}
	return slices.Clone(pick(g.r, ls))
}

func (g *gen) name(m member, gender alongside.Gender) string {
	gr := &groups[m.group]
	surnames := gr.surnames
	if m.tribe != nil {
		surnames = m.tribe.surnames
	}
	for {
		firsts := neutralNames
		switch gender {
		case alongside.GenderWoman:
			firsts = generalWomen
			if gr.women != nil && g.chance(gr.mix) {
				firsts = gr.women
			}
		case alongside.GenderMan:
			firsts = generalMen
			if gr.men != nil && g.chance(gr.mix) {
				firsts = gr.men
			}
		}
		if n := oneOf(g.r, firsts) + " " + oneOf(g.r, surnames); !slices.Contains(famous, n) {
			return n
		}
	}
}

// tags draws p's tags by the rules, in order.
func (g *gen) tags(p *person) []alongside.Tag {
	for _, rule := range tagRules {
		if g.chance(rule.p(p)) {
			p.tags = append(p.tags, rule.tag)
		}
	}
	if p.has(alongside.TagSubstanceUse) && !slices.ContainsFunc(p.tags, func(t alongside.Tag) bool {
		return t != alongside.TagSubstanceUse && t.Part2()
	}) {
		p.tags = append(p.tags, alongside.TagMethamphetamine)
	}
	return slices.Clone(p.tags)
}

func (g *gen) program(rg *region) *program {
	ws := make([]weighted[*program], len(rg.prog))
	for i, p := range rg.prog {
		ws[i] = weighted[*program]{p, p.share}
	}
	return pick(g.r, ws)
}

func (g *gen) byPopulation() []weighted[*region] {
	ws := make([]weighted[*region], len(g.regions))
	for i, rg := range g.regions {
		ws[i] = weighted[*region]{rg, float64(rg.Population)}
	}
	return ws
}

// partners generates n partners: one in every county when n allows, the
// rest in counties drawn by population.
func (g *gen) partners(n int) {
	homes := make([]*region, 0, n)
	if n >= len(g.regions) {
		homes = append(homes, g.regions...)
	}
	byPop := g.byPopulation()
	for len(homes) < n {
		homes = append(homes, pick(g.r, byPop))
	}
	g.r.Shuffle(n, func(i, j int) { homes[i], homes[j] = homes[j], homes[i] })
	for i, rg := range homes {
		g.ds.Partners = append(g.ds.Partners, g.partner(i, n, rg))
	}
	for i, p := range g.ds.Partners {
		for _, rg := range g.regions {
			if p.Serves(rg.FIPS) {
				rg.serving = append(rg.serving, i)
			}
		}
	}
}

func (g *gen) partner(i, n int, rg *region) *alongside.Partner {
	m := g.member(rg, 1)
	home := g.home(rg, m)
	p := &alongside.Partner{Org: g.org, ID: alongside.PartnerID(id("p", i, n)),
		Home: g.near(home, home.km), TimeZone: home.tz, CountiesServed: []string{rg.FIPS}}
	switch u := g.r.Float64(); {
	case u < 0.20:
		p.Gender, p.Father = alongside.GenderMan, true
	case u < 0.22:
		p.Gender = alongside.GenderNonbinary
	case u < 0.23: // not disclosed
	default:
		p.Gender = alongside.GenderWoman
	}
	p.DisplayName = g.name(m, p.Gender)
	// Partners work in English-speaking courts; some are ASL signers.
	p.Languages = g.languages(m)
	if !slices.Contains(p.Languages, "en") {
		p.Languages = append(p.Languages, "en")
	}
	if g.chance(0.03) {
		p.Languages = append(p.Languages, "ase")
	}
	p.Identity = g.identity(m)
	pc := &partnerCtx{person: person{partner: true, father: p.Father, mother: p.Gender == alongside.GenderWoman,
		rural: rg.rural, hispanic: m.group == hispanic, tribal: m.tribe != nil}}
	p.LivedExperience = g.tags(&pc.person)
	for _, t := range triggers {
		if pc.has(t.v) && g.chance(t.w) {
			p.Exclusions.Needs = append(p.Exclusions.Needs, t.v)
		}
	}

	prog := g.program(rg)
	p.Programs = []string{prog.key}
	if len(rg.prog) > 1 && g.chance(0.1) {
		p.Programs = append(p.Programs, g.program(rg).key) // duplicates are removed by Normalize
	}
	pc.psn = slices.Contains(p.Programs, programPSN)
	var near []string
	for _, name := range rg.neighbours {
		nb := g.regionNamed(name)
		if slices.ContainsFunc(nb.prog, func(q *program) bool { return slices.Contains(p.Programs, q.key) }) {
			near = append(near, nb.FIPS)
		}
	}
	if len(near) > 0 && g.chance(either(rg.rural, 0.5, 0.25)) {
		p.CountiesServed = append(p.CountiesServed, oneOf(g.r, near))
	}

	g.readiness(p, pc)

	partTime := g.chance(0.2)
	var opts []weighted[shift]
	for _, s := range shifts {
		if s.v.partTime == partTime {
			opts = append(opts, s)
		}
	}
	sh := pick(g.r, opts)
	for _, d := range sh.days {
		p.Availability = append(p.Availability, alongside.WeeklyWindow{Day: d, Start: sh.from, End: sh.to})
	}
	if !partTime && g.chance(0.3) { // two evenings a week
		for _, j := range g.r.Perm(len(p.Availability))[:2] {
			p.Availability[j].End = max(p.Availability[j].End, 20*60)
		}
	}
	if !slices.Contains(sh.days, time.Saturday) && g.chance(0.15) {
		p.Availability = append(p.Availability, alongside.WeeklyWindow{Day: time.Saturday, Start: 9 * 60, End: 13 * 60})
	}
	p.Capacity = alongside.LoadUnits(g.between(10, 28))
	if partTime {
		p.Capacity = alongside.LoadUnits(g.between(4, 9))
	}
	if rg.rural {
		p.MaxTravel = time.Duration(g.between(6, 10)) * 15 * time.Minute
	} else {
		p.MaxTravel = time.Duration(g.between(4, 8)) * 15 * time.Minute
	}
	p.HasCar = g.chance(either(rg.rural, 0.98, 0.88))
	return p
}

// readiness sets p's status, own case closure, recovery and credentials.
// Active, on-leave and inactive partners meet the readiness rule (core
// trainings, a year since their case closed, a year of recovery);
// onboarding partners closed their case under a year ago and may lack
// core trainings.
func (g *gen) readiness(p *alongside.Partner, pc *partnerCtx) {
	switch u := g.r.Float64(); {
	case u < 0.08:
		p.Status = alongside.PartnerStatusOnboarding
	case u < 0.12:
		p.Status = alongside.PartnerStatusOnLeave
	case u < 0.15:
		p.Status = alongside.PartnerStatusInactive
	default:
		p.Status = alongside.PartnerStatusActive
	}
	onboarding := p.Status == alongside.PartnerStatusOnboarding
	yesterday := g.daysAgo(1)
	var hired alongside.Date
	if onboarding {
		p.OwnCaseClosed = g.daysAgo(g.between(120, 330))
		hired = g.daysAgo(g.between(7, 90))
	} else {
		p.OwnCaseClosed = g.daysAgo(g.between(400, 3650))
		hired = g.dateIn(addDays(p.OwnCaseClosed, 395), g.daysAgo(60))
	}
	if pc.has(alongside.TagSubstanceUse) {
		p.RecoverySince = addDays(p.OwnCaseClosed, -g.between(0, 730))
	}
	core := alongside.CoreTrainings()
	done := len(core)
	if onboarding {
		g.r.Shuffle(len(core), func(i, j int) { core[i], core[j] = core[j], core[i] })
		done = g.r.IntN(len(core) + 1)
	}
	firstWeeks := addDays(hired, 45)
	if yesterday.Before(firstWeeks) {
		firstWeeks = yesterday
	}
	for _, kind := range core[:done] {
		p.Trainings = append(p.Trainings, alongside.Credential{Kind: kind, Completed: g.dateIn(hired, firstWeeks)})
	}
	for _, rule := range trainingRules {
		if g.chance(rule.p(pc) * either(onboarding, 0.5, 1)) {
			p.Trainings = append(p.Trainings, alongside.Credential{Kind: rule.kind, Completed: g.dateIn(hired, yesterday)})
		}
	}
	certFrom := addDays(hired, -365)
	if certFrom.Before(p.OwnCaseClosed) {
		certFrom = p.OwnCaseClosed
	}
	for _, rule := range certificationRules {
		if g.chance(rule.p(pc)) {
			c := alongside.Credential{Kind: rule.kind, Completed: g.dateIn(certFrom, yesterday)}
			if rule.expires > 0 {
				c.Expires = c.Completed.AddYears(rule.expires)
			}
			p.Certifications = append(p.Certifications, c)
		}
	}
	byKind := func(a, b alongside.Credential) int { return cmp.Compare(a.Kind, b.Kind) }
	slices.SortFunc(p.Trainings, byKind)
	slices.SortFunc(p.Certifications, byKind)
}

// cases generates n cases in counties drawn by population.
func (g *gen) cases(n int) {
	byPop := g.byPopulation()
	for i := range n {
		rg := pick(g.r, byPop)
		g.ds.Cases = append(g.ds.Cases, g.kase(i, n, rg))
		rg.cases = append(rg.cases, i)
	}
}

func (g *gen) kase(i, n int, rg *region) *alongside.Case {
	m := g.member(rg, 1.5)
	home := g.home(rg, m)
	c := &alongside.Case{Org: g.org, ID: alongside.CaseID(id("c", i, n)),
		County: rg.FIPS, Court: rg.Court(), TimeZone: home.tz, HomeArea: g.near(home, home.km).Round(2)}
	g.caseRg = append(g.caseRg, rg)
	g.caseAt = append(g.caseAt, home)
	// Most cases opened in the last three days and wait for a match; the
	// rest are older and in post-closure support or closed.
	ago := time.Duration(g.r.Int64N(int64(72 * time.Hour)))
	switch u := g.r.Float64(); {
	case u < 0.85:
		c.Status = alongside.CaseStatusOpen
	case u < 0.90:
		c.Status = alongside.CaseStatusPostClosure
		ago += time.Duration(g.between(200, 540)) * 24 * time.Hour
	default:
		c.Status = alongside.CaseStatusClosed
		ago += time.Duration(g.between(60, 720)) * 24 * time.Hour
	}
	c.OpenedAt = g.now.Add(-ago).Truncate(time.Minute).In(g.loc(c.TimeZone))
	c.ExternalRef = fmt.Sprintf("DCS-%d-%05d", c.OpenedAt.Year(), 10000+7*i+g.r.IntN(7))

	switch u := g.r.Float64(); {
	case u < 0.27:
		c.ParentRole = alongside.ParentRoleFather
	case u < 0.30:
		c.ParentRole = alongside.ParentRoleOther
	default:
		c.ParentRole = alongside.ParentRoleMother
	}
	father := c.ParentRole == alongside.ParentRoleFather
	c.Languages = g.languages(m)
	if g.chance(0.015) {
		c.Languages = []string{"ase", "en"} // a Deaf parent
	}
	if c.Languages[0] != "en" {
		c.InterpreterOK = g.chance(either(slices.Contains(c.Languages, "en"), 0.3, 0.6))
	}
	c.Identity = g.identity(m)
	c.ICWA = len(c.Identity.TribalAffiliations) > 0
	c.Needs = g.tags(&person{father: father, mother: c.ParentRole == alongside.ParentRoleMother,
		rural: rg.rural, hispanic: m.group == hispanic, tribal: m.tribe != nil})

	prog := g.program(rg)
	c.Program = prog.key
	c.MedicaidEligible = g.chance(either(prog.medicaid, 0.95, 0.85))
	c.Referral = pick(g.r, prog.referrals)
	if father {
		c.Preferences.Evenings = g.chance(0.45)
		if g.chance(0.35) {
			c.Preferences.PartnerGender = alongside.GenderMan
		}
	} else {
		c.Preferences.Evenings = g.chance(0.2)
		if g.chance(0.15) {
			c.Preferences.PartnerGender = alongside.GenderWoman
		}
	}
	c.Preferences.Weekends = g.chance(0.1)
	return c
}

// links adds the records' references to one another: partners a case
// must not be offered or had before, and families a partner knows.
func (g *gen) links() {
	for ci, c := range g.ds.Cases {
		serving := g.caseRg[ci].serving
		if len(serving) == 0 {
			continue
		}
		if g.chance(0.03) {
			c.KnownConflicts = []alongside.PartnerID{g.ds.Partners[oneOf(g.r, serving)].ID}
		}
		if c.Status == alongside.CaseStatusOpen && g.chance(0.04) {
			if prior := g.ds.Partners[oneOf(g.r, serving)].ID; !slices.Contains(c.KnownConflicts, prior) {
				c.PriorPartners = []alongside.PartnerID{prior}
			}
		}
	}
	for _, p := range g.ds.Partners {
		if cases := g.regionFIPS(p.CountiesServed[0]).cases; len(cases) > 0 && g.chance(0.03) {
			p.Exclusions.CaseRefs = []string{g.ds.Cases[oneOf(g.r, cases)].ExternalRef}
		}
	}
}

func (g *gen) regionNamed(name string) *region {
	for _, rg := range g.regions {
		if rg.Name == name {
			return rg
		}
	}
	panic("demo: unknown county " + name) // regions checks every name in the tables
}

func (g *gen) regionFIPS(fips string) *region {
	for _, rg := range g.regions {
		if rg.FIPS == fips {
			return rg
		}
	}
	panic("demo: unknown county " + fips)
}

func addDays(d alongside.Date, n int) alongside.Date {
	return alongside.DateOf(d.In(time.UTC).AddDate(0, 0, n))
}
