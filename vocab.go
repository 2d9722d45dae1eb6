package alongside

import "slices"

// Tag is a lived-experience or need tag from the shared vocabulary
// ([Tags]). Partners carry tags for what they lived through; cases carry
// tags for what the parent needs; the matcher compares the two.
type Tag string

// The tag vocabulary. Substance-use tags are Part 2 data (42 CFR Part 2)
// when they describe a parent: see [Tag.Part2].
const (
	TagSubstanceUse           Tag = "substance_use"
	TagAlcohol                Tag = "alcohol"
	TagOpioids                Tag = "opioids"
	TagMethamphetamine        Tag = "methamphetamine"
	TagCannabis               Tag = "cannabis"
	TagDomesticViolence       Tag = "domestic_violence"
	TagHomelessness           Tag = "homelessness"
	TagIncarceration          Tag = "incarceration"
	TagMentalHealth           Tag = "mental_health"
	TagInfantRemoval          Tag = "infant_removal"
	TagTerminationOfRights    Tag = "termination_of_rights"
	TagRelinquishment         Tag = "relinquishment"
	TagDisabilitySystems      Tag = "disability_systems"
	TagJuvenileJustice        Tag = "juvenile_justice"
	TagFosterCareAlumni       Tag = "foster_care_alumni"
	TagTeenParent             Tag = "teen_parent"
	TagImmigration            Tag = "immigration"
	TagNeglect                Tag = "neglect"
	TagPhysicalAbuse          Tag = "physical_abuse"
	TagSexualAbuse            Tag = "sexual_abuse"
	TagReunified              Tag = "reunified"
	TagKinshipPlacement       Tag = "kinship_placement"
	TagMilitaryFamily         Tag = "military_family"
	TagRuralIsolation         Tag = "rural_isolation"
	TagHousingInstability     Tag = "housing_instability"
	TagEmploymentSupport      Tag = "employment_support"
	TagPregnancy              Tag = "pregnancy"
	TagMedicallyComplexKid    Tag = "medically_complex_child"
	TagTribalCommunity        Tag = "tribal_community"
	TagSingleFather           Tag = "single_father"
	TagLGBTQParent            Tag = "lgbtq_parent"
	TagGrief                  Tag = "grief"
	TagTraffickingSurvivor    Tag = "trafficking_survivor"
	TagChildWithDisability    Tag = "child_with_disability"
	TagIntellectualDisability Tag = "intellectual_disability"
)

var knownTags = []Tag{
	TagSubstanceUse, TagAlcohol, TagOpioids, TagMethamphetamine, TagCannabis,
	TagDomesticViolence, TagHomelessness, TagIncarceration, TagMentalHealth,
	TagInfantRemoval, TagTerminationOfRights, TagRelinquishment, TagDisabilitySystems,
	TagJuvenileJustice, TagFosterCareAlumni, TagTeenParent, TagImmigration, TagNeglect,
	TagPhysicalAbuse, TagSexualAbuse, TagReunified, TagKinshipPlacement, TagMilitaryFamily,
	TagRuralIsolation, TagHousingInstability, TagEmploymentSupport, TagPregnancy,
	TagMedicallyComplexKid, TagTribalCommunity, TagSingleFather, TagLGBTQParent, TagGrief,
	TagTraffickingSurvivor, TagChildWithDisability, TagIntellectualDisability,
}

// Tags returns the tag vocabulary in a stable order.
func Tags() []Tag { return slices.Clone(knownTags) }

// Known reports whether t is in the vocabulary.
func (t Tag) Known() bool { return slices.Contains(knownTags, t) }

// Part2 reports whether t, said of a parent, is substance-use information
// protected by 42 CFR Part 2: shown only to roles that need it for matching,
// never in exports or itineraries.
func (t Tag) Part2() bool {
	switch t {
	case TagSubstanceUse, TagAlcohol, TagOpioids, TagMethamphetamine, TagCannabis:
		return true
	}
	return false
}

// Training kinds. The core trainings must all be complete before a partner
// meets families ([CoreTrainings]).
const (
	TrainingMandatoryReporting = "mandatory_reporting"
	TrainingBoundaries         = "boundaries"
	TrainingSafety             = "safety"
	TrainingConfidentiality    = "confidentiality"
	TrainingFatherhood         = "fatherhood_engagement"
	TrainingICWA               = "icwa"
	TrainingTraumaInformed     = "trauma_informed_care"
	TrainingMotivational       = "motivational_interviewing"
	TrainingCourtProcess       = "court_process"
	TrainingCulturalHumility   = "cultural_humility"
	CertificationPeerSupport   = "certified_peer_support_specialist"
	CertificationFamilySupport = "certified_family_support_partner"
	CertificationRecoveryCoach = "recovery_coach"
	CertificationHealthWorker  = "community_health_worker"
)

// CoreTrainings returns the trainings every partner completes before
// meeting families: mandatory reporting, boundaries, safety and
// confidentiality.
func CoreTrainings() []string {
	return []string{TrainingMandatoryReporting, TrainingBoundaries, TrainingSafety, TrainingConfidentiality}
}

// Gender is a person's self-identified gender; "" means not disclosed.
type Gender string

// Genders.
const (
	GenderUndisclosed Gender = ""
	GenderWoman       Gender = "woman"
	GenderMan         Gender = "man"
	GenderNonbinary   Gender = "nonbinary"
)

func (g Gender) valid() bool {
	return g == GenderUndisclosed || g == GenderWoman || g == GenderMan || g == GenderNonbinary
}

// Identity is self-identified race, ethnicity, culture and tribal
// affiliation. It is never inferred from other data; each list holds the
// person's own words from a form, bounded in length.
type Identity struct {
	Races              []string `json:"races,omitempty"`
	Ethnicities        []string `json:"ethnicities,omitempty"`
	Cultures           []string `json:"cultures,omitempty"`
	TribalAffiliations []string `json:"tribal_affiliations,omitempty"`
}

// Empty reports whether nothing was self-identified.
func (id Identity) Empty() bool {
	return len(id.Races)+len(id.Ethnicities)+len(id.Cultures)+len(id.TribalAffiliations) == 0
}

func (id Identity) check(p *problems, field string) {
	checkWords(p, field+".races", id.Races)
	checkWords(p, field+".ethnicities", id.Ethnicities)
	checkWords(p, field+".cultures", id.Cultures)
	checkWords(p, field+".tribal_affiliations", id.TribalAffiliations)
}

func checkWords(p *problems, field string, words []string) {
	if len(words) > maxListLen {
		p.addf(field, "must list at most %d entries", maxListLen)
		return
	}
	for i, w := range words {
		if w == "" {
			p.add(IndexField(field, i), "must not be empty")
			continue
		}
		p.add(IndexField(field, i), CheckText(w, 80))
	}
}

func checkTags(p *problems, field string, tags []Tag) {
	if len(tags) > maxListLen {
		p.addf(field, "must list at most %d tags", maxListLen)
		return
	}
	for i, t := range tags {
		if !t.Known() {
			p.addf(IndexField(field, i), "%q is not a known tag", string(t))
		}
	}
}

// CheckKey returns a reason why s is not a machine key such as a program or
// training name (lower-case ASCII letters, digits and '_', 1–64
// characters), or "" if it is one.
func CheckKey(s string) string {
	if s == "" {
		return "must not be empty"
	}
	if len(s) > 64 {
		return "must be at most 64 characters"
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return "must be lower-case letters, digits and '_'"
		}
	}
	return ""
}
