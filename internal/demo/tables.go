package demo

import (
	"slices"
	"time"

	"github.com/alongside/alongside"
	"github.com/alongside/alongside/geo"
)

// This file holds the sample's tables. They are read-only.

const (
	zonePhoenix = "America/Phoenix"
	zoneDenver  = "America/Denver" // the Navajo Nation keeps daylight saving time
)

// profile is what the sample assumes about a county: approximate 2020
// census shares of the communities it draws people from, the tribes of its
// Native families, how far homes spread around the seat, Navajo Nation
// towns (America/Denver) and adjacent counties.
type profile struct {
	name                           string
	hispanic, native, black, asian float64 // shares of the population
	tribes                         []weighted[string]
	km                             float64    // homes lie within km of the seat ...
	sector                         [2]float64 // ... at these bearings, to stay in Arizona ({0, 0}: all around)
	rural                          bool
	navajoNation                   []anchor // Navajo Nation towns, America/Denver
	neighbours                     []string
}

// Navajo Nation towns (town centres, approximate). A Navajo Nation member
// in Apache, Navajo or Coconino County lives in one of them with
// probability [pNavajoNationHome].
var (
	windowRock = anchor{name: "Window Rock", at: geo.Point{Lat: 35.6803, Lng: -109.0526}, km: 12, sector: [2]float64{180, 360}, tz: zoneDenver}
	chinle     = anchor{name: "Chinle", at: geo.Point{Lat: 36.1544, Lng: -109.5526}, km: 15, tz: zoneDenver}
	kayenta    = anchor{name: "Kayenta", at: geo.Point{Lat: 36.7278, Lng: -110.2546}, km: 15, tz: zoneDenver}
	tubaCity   = anchor{name: "Tuba City", at: geo.Point{Lat: 36.1350, Lng: -111.2399}, km: 15, tz: zoneDenver}
)

const pNavajoNationHome = 0.7

var profiles = []profile{
	{name: "Apache", hispanic: .07, native: .70, black: .01, asian: .005, km: 25, rural: true,
		tribes:       []weighted[string]{{"Navajo Nation", 85}, {"White Mountain Apache Tribe", 15}},
		navajoNation: []anchor{windowRock, chinle}, neighbours: []string{"Navajo", "Greenlee", "Graham"}},
	{name: "Cochise", hispanic: .35, native: .01, black: .04, asian: .02, km: 20, sector: [2]float64{-90, 90}, rural: true,
		tribes:     []weighted[string]{{"Tohono O'odham Nation", 1}, {"San Carlos Apache Tribe", 1}},
		neighbours: []string{"Pima", "Santa Cruz", "Graham", "Greenlee"}},
	{name: "Coconino", hispanic: .15, native: .26, black: .01, asian: .02, km: 20, rural: true,
		tribes:       []weighted[string]{{"Navajo Nation", 80}, {"Hopi Tribe", 15}, {"Havasupai Tribe", 5}},
		navajoNation: []anchor{tubaCity}, neighbours: []string{"Mohave", "Yavapai", "Navajo", "Gila"}},
	{name: "Gila", hispanic: .19, native: .16, black: .005, asian: .005, km: 15, rural: true,
		tribes:     []weighted[string]{{"San Carlos Apache Tribe", 70}, {"White Mountain Apache Tribe", 20}, {"Tonto Apache Tribe", 10}},
		neighbours: []string{"Maricopa", "Pinal", "Graham", "Navajo", "Coconino", "Yavapai"}},
	{name: "Graham", hispanic: .32, native: .13, black: .015, asian: .005, km: 12, rural: true,
		tribes:     []weighted[string]{{"San Carlos Apache Tribe", 1}},
		neighbours: []string{"Greenlee", "Cochise", "Gila", "Pinal"}},
	{name: "Greenlee", hispanic: .47, native: .02, black: .01, asian: .005, km: 10, rural: true,
		tribes:     []weighted[string]{{"San Carlos Apache Tribe", 1}},
		neighbours: []string{"Graham", "Apache", "Cochise"}},
	{name: "La Paz", hispanic: .25, native: .14, black: .01, asian: .005, km: 15, sector: [2]float64{60, 210}, rural: true,
		tribes:     []weighted[string]{{"Colorado River Indian Tribes", 1}},
		neighbours: []string{"Mohave", "Yavapai", "Maricopa", "Yuma"}},
	{name: "Maricopa", hispanic: .31, native: .02, black: .06, asian: .045, km: 30, sector: [2]float64{-135, 150},
		tribes:     []weighted[string]{{"Gila River Indian Community", 30}, {"Salt River Pima-Maricopa Indian Community", 25}, {"Navajo Nation", 30}, {"Tohono O'odham Nation", 10}, {"Fort McDowell Yavapai Nation", 5}},
		neighbours: []string{"Pinal", "Gila", "Yavapai", "La Paz", "Yuma", "Pima"}},
	{name: "Mohave", hispanic: .17, native: .02, black: .01, asian: .01, km: 20, rural: true,
		tribes:     []weighted[string]{{"Hualapai Tribe", 1}, {"Fort Mojave Indian Tribe", 1}},
		neighbours: []string{"La Paz", "Yavapai", "Coconino"}},
	{name: "Navajo", hispanic: .11, native: .43, black: .01, asian: .005, km: 20, rural: true,
		tribes:       []weighted[string]{{"Navajo Nation", 55}, {"Hopi Tribe", 20}, {"White Mountain Apache Tribe", 25}},
		navajoNation: []anchor{kayenta}, neighbours: []string{"Apache", "Coconino", "Gila"}},
	{name: "Pima", hispanic: .38, native: .03, black: .035, asian: .03, km: 20,
		tribes:     []weighted[string]{{"Tohono O'odham Nation", 55}, {"Pascua Yaqui Tribe", 45}},
		neighbours: []string{"Pinal", "Santa Cruz", "Cochise", "Maricopa", "Yuma"}},
	{name: "Pinal", hispanic: .30, native: .05, black: .05, asian: .02, km: 25,
		tribes:     []weighted[string]{{"Gila River Indian Community", 55}, {"Tohono O'odham Nation", 30}, {"Ak-Chin Indian Community", 15}},
		neighbours: []string{"Maricopa", "Pima", "Gila", "Graham"}},
	{name: "Santa Cruz", hispanic: .83, native: .005, black: .005, asian: .005, km: 12, sector: [2]float64{-60, 60}, rural: true,
		tribes:     []weighted[string]{{"Tohono O'odham Nation", 1}},
		neighbours: []string{"Pima", "Cochise"}},
	{name: "Yavapai", hispanic: .15, native: .02, black: .01, asian: .01, km: 20, rural: true,
		tribes:     []weighted[string]{{"Yavapai-Apache Nation", 60}, {"Yavapai-Prescott Indian Tribe", 40}},
		neighbours: []string{"Mohave", "Coconino", "Gila", "Maricopa", "La Paz"}},
	{name: "Yuma", hispanic: .64, native: .015, black: .02, asian: .01, km: 15, sector: [2]float64{80, 170},
		tribes:     []weighted[string]{{"Cocopah Indian Tribe", 1}, {"Quechan Indian Tribe", 1}},
		neighbours: []string{"La Paz", "Maricopa", "Pima"}},
}

func profileOf(name string) *profile {
	for i := range profiles {
		if profiles[i].name == name {
			return &profiles[i]
		}
	}
	return nil
}

// program is a parent partner program and the counties it runs in.
type program struct {
	key       string
	counties  []string
	share     float64 // relative share of cases where several programs run in a county
	medicaid  bool    // needs a Medicaid-eligible child
	referrals []weighted[alongside.ReferralSource]
}

func (p *program) runsIn(county string) bool { return slices.Contains(p.counties, county) }

// Program keys. Parent Support Now, Parents for Parents and Team-Based
// Parent Representation are Arizona programs; demo_pilot is fictional and
// covers the four counties none of them serves, so every county has cases.
const (
	programPSN   = "parent_support_now"
	programP4P   = "parents_for_parents"
	programTBPR  = "team_based_parent_representation"
	programPilot = "demo_pilot"
)

var programs = []program{
	{key: programPSN, share: 3, medicaid: true,
		counties: []string{"Cochise", "Graham", "Mohave", "Santa Cruz", "La Paz", "Maricopa", "Pima", "Pinal", "Yuma", // one provider
			"Yavapai", "Coconino"}, // another
		referrals: []weighted[alongside.ReferralSource]{{alongside.ReferralAgency, 5}, {alongside.ReferralCourt, 3}, {alongside.ReferralSelf, 2}}},
	{key: programP4P, share: 5, counties: []string{"Maricopa"},
		referrals: []weighted[alongside.ReferralSource]{{alongside.ReferralAgency, 6}, {alongside.ReferralCourt, 3}, {alongside.ReferralSelf, 1}}},
	{key: programTBPR, share: 2, counties: []string{"Maricopa"},
		referrals: []weighted[alongside.ReferralSource]{{alongside.ReferralAttorney, 1}}},
	{key: programPilot, share: 1, counties: []string{"Apache", "Gila", "Greenlee", "Navajo"},
		referrals: []weighted[alongside.ReferralSource]{{alongside.ReferralAgency, 6}, {alongside.ReferralCourt, 4}}},
}

// group is a community people are drawn from, with its self-identified
// identity words, languages (first language first) and names.
type group struct {
	races     []weighted[[]string]
	ethnicity string
	cultures  []weighted[string] // "" for none given
	langs     []weighted[[]string]
	women     []string // group-specific first names, mixed with the
	men       []string // general ones at rate mix
	mix       float64
	surnames  []string
}

type groupID int

const (
	white groupID = iota
	hispanic
	black
	asian
	multiracial
	native // a tribe (see tribes) adds affiliation, culture and surnames
)

var english = []weighted[[]string]{{[]string{"en"}, 1}}

var groups = [...]group{
	white: {races: []weighted[[]string]{{[]string{"White"}, 1}}, langs: english, surnames: generalSurnames},
	hispanic: {
		races:     []weighted[[]string]{{[]string{"White"}, 4}, {nil, 4}, {[]string{"Some other race"}, 2}},
		ethnicity: "Hispanic or Latino",
		cultures:  []weighted[string]{{"Mexican American", 50}, {"Mexican", 20}, {"Chicana/o", 8}, {"Latina/o", 7}, {"Guatemalan", 3}, {"Puerto Rican", 2}, {"", 10}},
		langs:     []weighted[[]string]{{[]string{"es"}, 3}, {[]string{"es", "en"}, 3}, {[]string{"en", "es"}, 2}, {[]string{"en"}, 2}},
		women:     []string{"María", "Guadalupe", "Rosa", "Yesenia", "Marisol", "Leticia", "Adriana", "Alejandra", "Verónica", "Araceli", "Claudia", "Gabriela", "Itzel", "Lorena"},
		men:       []string{"José", "Juan", "Luis", "Carlos", "Jesús", "Miguel", "Francisco", "Javier", "Alejandro", "Rubén", "Ricardo", "Eduardo", "Sergio", "Manuel"},
		mix:       0.6,
		surnames:  []string{"García", "Martínez", "Hernández", "López", "González", "Rodríguez", "Pérez", "Sánchez", "Ramírez", "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Morales", "Ortiz", "Castillo", "Romero", "Vásquez", "Ruiz", "Valenzuela", "Encinas", "Quintero", "Escalante"},
	},
	black: {
		races:    []weighted[[]string]{{[]string{"Black or African American"}, 1}},
		cultures: []weighted[string]{{"African American", 6}, {"", 4}},
		langs:    english,
		women:    []string{"Aaliyah", "Imani", "Keisha", "Monique", "Tanisha", "Jasmine"},
		men:      []string{"Andre", "Darnell", "Marcus", "Terrence", "Jamal", "Malik"},
		mix:      0.3,
		surnames: append(slices.Clip(generalSurnames), "Washington", "Jefferson", "Coleman", "Jenkins", "Robinson", "Banks"),
	},
	asian: {
		races:    []weighted[[]string]{{[]string{"Asian"}, 1}},
		cultures: []weighted[string]{{"Vietnamese American", 3}, {"Filipino American", 3}, {"Korean American", 1}, {"", 3}},
		langs:    []weighted[[]string]{{[]string{"en"}, 8}, {[]string{"vi", "en"}, 2}},
		women:    []string{"Linh", "Mai", "Jenny", "Grace"},
		men:      []string{"Minh", "Tuan", "Paolo", "Daniel"},
		mix:      0.4,
		surnames: []string{"Nguyen", "Tran", "Le", "Pham", "Kim", "Santos", "Reyes", "Bautista"},
	},
	multiracial: {
		races:    []weighted[[]string]{{[]string{"Black or African American", "White"}, 1}, {[]string{"American Indian or Alaska Native", "White"}, 1}, {[]string{"Asian", "White"}, 1}},
		langs:    english,
		surnames: generalSurnames,
	},
	native: {
		races: []weighted[[]string]{{[]string{"American Indian or Alaska Native"}, 1}},
		langs: english,
		women: []string{"Shandiin", "Nizhoni", "Winona", "Kaya"},
		men:   []string{"Kee", "Delbert", "Leonard", "Wilson"},
		mix:   0.2,
	},
}

// tribe is a tribal nation a Native family may self-identify with.
type tribe struct {
	name     string
	culture  string
	surnames []string
	langs    []weighted[[]string] // nil: the group's
}

var (
	navajoSurnames   = []string{"Begay", "Yazzie", "Benally", "Tsosie", "Nez", "Chee", "Tso", "Etsitty", "Bitsui", "Manygoats", "Yellowhair", "Begaye", "Sandoval", "Jim", "Joe", "Harvey"}
	hopiSurnames     = []string{"Honanie", "Lomayestewa", "Kewanyama", "Talayumptewa", "Polacca", "Sahmie"}
	southernSurnames = []string{"Antone", "Enos", "Manuel", "José", "Juan", "Lewis", "Francisco", "Norris", "Valenzuela", "Thomas"}
	apacheSurnames   = []string{"Kessay", "Nosie", "Goseyun", "Dosela", "Hinton", "Lupe", "Declay", "Altaha", "Burnette"}
	riverSurnames    = []string{"Fields", "Emerson", "Swick", "Lomas", "Scott", "Hayes"}
)

var tribes = []tribe{
	{name: "Navajo Nation", culture: "Diné", surnames: navajoSurnames,
		langs: []weighted[[]string]{{[]string{"en"}, 50}, {[]string{"en", "nv"}, 35}, {[]string{"nv", "en"}, 15}}},
	{name: "Hopi Tribe", culture: "Hopi", surnames: hopiSurnames},
	{name: "Havasupai Tribe", culture: "Havasupai", surnames: riverSurnames},
	{name: "Tohono O'odham Nation", culture: "O'odham", surnames: southernSurnames},
	{name: "Gila River Indian Community", culture: "Akimel O'odham", surnames: southernSurnames},
	{name: "Salt River Pima-Maricopa Indian Community", culture: "Akimel O'odham", surnames: southernSurnames},
	{name: "Ak-Chin Indian Community", culture: "O'odham", surnames: southernSurnames},
	{name: "Pascua Yaqui Tribe", culture: "Yoeme", surnames: southernSurnames,
		langs: []weighted[[]string]{{[]string{"en"}, 6}, {[]string{"en", "es"}, 4}}},
	{name: "San Carlos Apache Tribe", culture: "Apache", surnames: apacheSurnames},
	{name: "White Mountain Apache Tribe", culture: "Apache", surnames: apacheSurnames},
	{name: "Tonto Apache Tribe", culture: "Apache", surnames: apacheSurnames},
	{name: "Yavapai-Apache Nation", culture: "Yavapai", surnames: apacheSurnames},
	{name: "Yavapai-Prescott Indian Tribe", culture: "Yavapai", surnames: riverSurnames},
	{name: "Fort McDowell Yavapai Nation", culture: "Yavapai", surnames: riverSurnames},
	{name: "Colorado River Indian Tribes", culture: "Mohave", surnames: riverSurnames},
	{name: "Fort Mojave Indian Tribe", culture: "Mohave", surnames: riverSurnames},
	{name: "Hualapai Tribe", culture: "Hualapai", surnames: riverSurnames},
	{name: "Cocopah Indian Tribe", culture: "Cocopah", surnames: riverSurnames},
	{name: "Quechan Indian Tribe", culture: "Quechan", surnames: riverSurnames},
}

func tribeOf(name string) *tribe {
	for i := range tribes {
		if tribes[i].name == name {
			return &tribes[i]
		}
	}
	return nil
}

// Names are composed at random from common first and last names; none is
// meant to be a real person's. Combinations that name a well-known person
// are drawn again.
var (
	generalWomen    = []string{"Ashley", "Amanda", "Brittany", "Crystal", "Danielle", "Heather", "Jessica", "Kayla", "Melissa", "Nicole", "Samantha", "Stephanie", "Tiffany", "Amber", "Chelsea", "Brandy", "Andrea", "Rachel", "Megan", "Courtney"}
	generalMen      = []string{"Michael", "Christopher", "Joshua", "Matthew", "David", "Daniel", "James", "Robert", "Justin", "Brandon", "Anthony", "Ryan", "Kevin", "Jason", "Aaron", "Tyler", "Cody", "Derek", "Travis", "Shawn"}
	neutralNames    = []string{"Jordan", "Alex", "Casey", "Jamie", "Riley", "Avery", "Skyler", "Rowan"}
	generalSurnames = []string{"Miller", "Davis", "Wilson", "Anderson", "Moore", "Martin", "Clark", "Walker", "Hall", "Young", "Allen", "Wright", "Green", "Baker", "Nelson", "Hill", "Campbell", "Mitchell", "Carter", "Roberts", "Phillips", "Evans", "Turner", "Parker", "Collins", "Edwards", "Stewart", "Morris", "Murphy", "Cook", "Rogers", "Cooper", "Peterson", "Reed", "Bailey", "Bell", "Howard", "Ward", "Richardson", "Watson", "Brooks", "Bennett", "Gray", "Hughes", "Sanders", "Myers", "Foster", "Hayes"}
	famous          = []string{"Michael Moore", "Michael Collins", "Michael Scott", "James Cook", "James Stewart", "James Baker", "Anthony Davis", "Jason Collins", "Ryan Howard", "Rachel Green", "Luis González", "Juan González"}
)

// tagRule gives the probability that a person has tag, given what was
// drawn before (rules run in order).
type tagRule struct {
	tag alongside.Tag
	p   func(*person) float64
}

// person is what the tag rules condition on.
type person struct {
	partner, father, mother bool
	rural, hispanic, tribal bool
	tags                    []alongside.Tag
}

func (p *person) has(t alongside.Tag) bool { return slices.Contains(p.tags, t) }

// either is x if b, else y.
func either(b bool, x, y float64) float64 {
	if b {
		return x
	}
	return y
}

func always(x float64) func(*person) float64 { return func(*person) float64 { return x } }

// given is x when the person has t, else 0.
func given(t alongside.Tag, x float64) func(*person) float64 {
	return func(p *person) float64 {
		if p.has(t) {
			return x
		}
		return 0
	}
}

// plus is base, raised by extra when the person has t.
func plus(base float64, t alongside.Tag, extra float64) func(*person) float64 {
	return func(p *person) float64 {
		if p.has(t) {
			return base + extra
		}
		return base
	}
}

// fathers is x for fathers and y for everyone else.
func fathers(x, y float64) func(*person) float64 {
	return func(p *person) float64 { return either(p.father, x, y) }
}

func when(f func(*person) bool, x float64) func(*person) float64 {
	return func(p *person) float64 {
		if f(p) {
			return x
		}
		return 0
	}
}

// Experience and needs, drawn in order. Rates are plausible for parents
// in dependency cases (neglect and methamphetamine are the most common in
// Arizona), not measured ones.
var tagRules = []tagRule{
	{alongside.TagSubstanceUse, always(0.55)},
	{alongside.TagMethamphetamine, given(alongside.TagSubstanceUse, 0.55)},
	{alongside.TagOpioids, given(alongside.TagSubstanceUse, 0.35)},
	{alongside.TagAlcohol, given(alongside.TagSubstanceUse, 0.30)},
	{alongside.TagCannabis, given(alongside.TagSubstanceUse, 0.12)},
	{alongside.TagNeglect, always(0.6)},
	{alongside.TagDomesticViolence, fathers(0.2, 0.35)},
	{alongside.TagMentalHealth, plus(0.3, alongside.TagSubstanceUse, 0.1)},
	{alongside.TagHousingInstability, plus(0.2, alongside.TagSubstanceUse, 0.1)},
	{alongside.TagHomelessness, plus(0.08, alongside.TagSubstanceUse, 0.1)},
	{alongside.TagIncarceration, fathers(0.35, 0.12)},
	{alongside.TagInfantRemoval, func(p *person) float64 { return fathers(0.06, 0.18)(p) + given(alongside.TagSubstanceUse, 0.08)(p) }},
	{alongside.TagPregnancy, when(func(p *person) bool { return p.mother && !p.partner }, 0.07)},
	{alongside.TagPhysicalAbuse, always(0.1)},
	{alongside.TagSexualAbuse, always(0.04)},
	{alongside.TagFosterCareAlumni, always(0.15)},
	{alongside.TagTeenParent, always(0.08)},
	{alongside.TagJuvenileJustice, fathers(0.15, 0.06)},
	{alongside.TagImmigration, when(func(p *person) bool { return p.hispanic }, 0.12)},
	{alongside.TagTribalCommunity, when(func(p *person) bool { return p.tribal }, 0.9)},
	{alongside.TagRuralIsolation, when(func(p *person) bool { return p.rural }, 0.4)},
	{alongside.TagSingleFather, when(func(p *person) bool { return p.father }, 0.35)},
	{alongside.TagEmploymentSupport, always(0.2)},
	{alongside.TagKinshipPlacement, always(0.3)},
	{alongside.TagChildWithDisability, always(0.07)},
	{alongside.TagMedicallyComplexKid, plus(0.03, alongside.TagInfantRemoval, 0.1)},
	{alongside.TagIntellectualDisability, always(0.03)},
	{alongside.TagDisabilitySystems, plus(0.03, alongside.TagIntellectualDisability, 0.5)},
	{alongside.TagMilitaryFamily, always(0.03)},
	{alongside.TagLGBTQParent, always(0.04)},
	{alongside.TagGrief, always(0.05)},
	{alongside.TagTraffickingSurvivor, when(func(p *person) bool { return p.mother }, 0.02)},
	// How a partner's own case ended; for a parent, a prior case's outcome.
	{alongside.TagReunified, when(func(p *person) bool { return p.partner }, 0.85)},
	{alongside.TagTerminationOfRights, func(p *person) float64 {
		if p.partner {
			return when(func(p *person) bool { return !p.has(alongside.TagReunified) }, 0.75)(p)
		}
		return 0.04
	}},
	{alongside.TagRelinquishment, func(p *person) float64 {
		if p.partner && !p.has(alongside.TagReunified) && !p.has(alongside.TagTerminationOfRights) {
			return 1
		}
		return when(func(p *person) bool { return !p.partner }, 0.01)(p)
	}},
}

// triggers are the partner's own experiences they may declare as
// exclusions, with the probability they do.
var triggers = []weighted[alongside.Tag]{
	{alongside.TagRelinquishment, 0.6},
	{alongside.TagTerminationOfRights, 0.3},
	{alongside.TagSexualAbuse, 0.5},
	{alongside.TagTraffickingSurvivor, 0.7},
	{alongside.TagDomesticViolence, 0.08},
}

// credential rules: a partner holds kind with probability p.
type credRule struct {
	kind    string
	p       func(*partnerCtx) float64
	expires int // years valid; 0: does not expire
}

// partnerCtx is what the credential rules condition on.
type partnerCtx struct {
	person
	psn bool // works for Parent Support Now (Medicaid billing)
}

var trainingRules = []credRule{
	{kind: alongside.TrainingTraumaInformed, p: func(*partnerCtx) float64 { return 0.7 }},
	{kind: alongside.TrainingCourtProcess, p: func(*partnerCtx) float64 { return 0.6 }},
	{kind: alongside.TrainingMotivational, p: func(c *partnerCtx) float64 { return plus(0.35, alongside.TagSubstanceUse, 0.2)(&c.person) }},
	{kind: alongside.TrainingCulturalHumility, p: func(*partnerCtx) float64 { return 0.5 }},
	{kind: alongside.TrainingICWA, p: func(c *partnerCtx) float64 { return either(c.tribal, 0.7, 0.15) }},
	{kind: alongside.TrainingFatherhood, p: func(c *partnerCtx) float64 { return fathers(0.6, 0.08)(&c.person) }},
}

var certificationRules = []credRule{
	{kind: alongside.CertificationPeerSupport, p: func(c *partnerCtx) float64 { return either(c.psn, 0.8, 0.3) }},
	{kind: alongside.CertificationFamilySupport, p: func(*partnerCtx) float64 { return 0.15 }},
	{kind: alongside.CertificationRecoveryCoach, p: func(c *partnerCtx) float64 { return given(alongside.TagSubstanceUse, 0.25)(&c.person) }},
	{kind: alongside.CertificationHealthWorker, p: func(*partnerCtx) float64 { return 0.06 }, expires: 2},
}

// shift is a weekly work pattern.
type shift struct {
	partTime bool
	days     []time.Weekday
	from, to alongside.TimeOfDay
}

var (
	weekdays = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday}
	shifts   = []weighted[shift]{
		{shift{days: weekdays, from: 8 * 60, to: 17 * 60}, 50},
		{shift{days: weekdays, from: 7*60 + 30, to: 16*60 + 30}, 20},
		{shift{days: weekdays, from: 10 * 60, to: 19 * 60}, 15},
		{shift{days: []time.Weekday{time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday}, from: 9 * 60, to: 18 * 60}, 15},
		{shift{partTime: true, days: []time.Weekday{time.Monday, time.Wednesday, time.Friday}, from: 9 * 60, to: 14 * 60}, 40},
		{shift{partTime: true, days: []time.Weekday{time.Tuesday, time.Thursday}, from: 12 * 60, to: 20 * 60}, 30},
		{shift{partTime: true, days: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday}, from: 8 * 60, to: 12 * 60}, 30},
	}
)

// where an appointment takes place.
type where int

const (
	atCourt where = iota // the county's juvenile court, in the seat
	atTown               // in the town the parent lives around
	atHome               // the parent's home area
)

// span is a range of local times of day.
type span struct{ from, to alongside.TimeOfDay }

// stopSpec describes one kind of appointment. For a fixed or narrow stop
// the start is drawn from span on a 30-minute grid and may move by width
// minutes (0: fixed start). For a flexible stop (width < 0) the whole stop
// must fit in the span; home visits may offer every span.
type stopSpec struct {
	kind    alongside.AppointmentKind
	weight  float64
	place   string // display name; %s is the town
	at      where
	spans   []span
	width   int
	dur     [2]int // minutes, multiples of 15
	evening bool   // weighted up for parents who prefer evenings
}

var hearing = stopSpec{kind: alongside.KindCourtHearing, at: atCourt,
	spans: []span{{8*60 + 30, 15 * 60}}, dur: [2]int{30, 90}}

var homeVisit = stopSpec{kind: alongside.KindHomeVisit, weight: 3, at: atHome,
	spans: []span{{9 * 60, 12 * 60}, {13 * 60, 17 * 60}}, width: -1, dur: [2]int{45, 90}}

var stops = []stopSpec{
	{kind: alongside.KindTeamMeeting, weight: 3, place: "Department of Child Safety office, %s", at: atTown,
		spans: []span{{9 * 60, 15 * 60}}, width: 15, dur: [2]int{60, 90}},
	{kind: alongside.KindTeamMeeting, weight: 1, place: "Department of Child Safety office, %s", at: atTown,
		spans: []span{{17*60 + 30, 18*60 + 30}}, width: 15, dur: [2]int{60, 90}, evening: true},
	{kind: alongside.KindSupervisedVisit, weight: 4, place: "Family visitation center, %s", at: atTown,
		spans: []span{{9 * 60, 16 * 60}}, width: 60, dur: [2]int{60, 120}},
	{kind: alongside.KindClinic, weight: 2, place: "Health clinic, %s", at: atTown,
		spans: []span{{8 * 60, 15*60 + 30}}, width: 15, dur: [2]int{30, 90}},
	{kind: alongside.KindSchoolMeeting, weight: 1, place: "School meeting (IEP/504), %s", at: atTown,
		spans: []span{{8 * 60, 14 * 60}}, width: 15, dur: [2]int{45, 60}},
	{kind: alongside.KindClass, weight: 2, place: "Parenting class, %s", at: atTown,
		spans: []span{{17*60 + 30, 18 * 60}}, width: 15, dur: [2]int{90, 120}, evening: true},
	{kind: alongside.KindSupportGroup, weight: 2, place: "Parent support group, %s", at: atTown,
		spans: []span{{18 * 60, 19 * 60}}, width: 15, dur: [2]int{60, 90}, evening: true},
	{kind: alongside.KindServiceIntake, weight: 2, place: "Treatment and services intake, %s", at: atTown,
		spans: []span{{9 * 60, 14 * 60}}, width: 30, dur: [2]int{60, 90}},
	homeVisit,
}
