// Package demo generates realistic, deterministic Arizona sample data —
// parent partners, cases and one day's appointments — for
// `alongside serve --demo`, tests and benchmarks.
//
// # Determinism
//
// [Generate] draws from a single math/rand/v2 PCG source seeded with
// [Options.Seed], in a fixed order, and never iterates a map or reads the
// clock: "now" is [Options.Now]. The same options give the same
// [Dataset], byte for byte once encoded. Identifiers are sequential
// ("p_0001", "c_0001", "a_0001"), padded to the width of the count.
//
// # What is real and what is not
//
// Counties, county seats, 2020 populations and courts are real: they come
// from the embedded county table (see geo/county/SOURCE.md), and each
// case's court is its county's juvenile court in the seat. The programs
// and their counties are those of the product brief: Parent Support Now
// (Medicaid-eligible children; Cochise, Graham, Mohave, Santa Cruz,
// La Paz, Maricopa, Pima, Pinal and Yuma by one provider, Yavapai and
// Coconino by another), Parents for Parents and Team-Based Parent
// Representation (Maricopa; the latter referred by the parent's attorney).
// No program in the brief serves Apache, Gila, Greenlee or Navajo County,
// so the sample gives them a fictional one, "demo_pilot".
//
// Everything about people is invented. Names are composed at random from
// lists of common first names and surnames (English, Spanish, Navajo and
// other Arizona tribal communities) and are not meant to be anyone's;
// cases carry no names at all. Community shares per county are rounded
// 2020 census figures; tribal nations are those with land in or near the
// county; rates of experiences and needs are plausible, not measured.
// Navajo Nation town centres (Window Rock, Chinle, Kayenta, Tuba City) are
// approximate.
//
// # The model
//
// Partners are placed one per county when there are at least 15, the rest
// by county population; cases by population. A person's community
// (Hispanic, Native with a tribe, Black, Asian, multiracial, white) is
// drawn from the county's shares (Native and Black families are weighted
// up among cases, as they are over-represented in dependency cases) and
// drives their self-identified identity, languages (Spanish in the
// Hispanic communities, Navajo ("nv") among Navajo Nation members, a few
// ASL ("ase") users) and names. Homes lie within a county-specific radius
// of the seat, in sectors that keep them inside the county (checked
// against the census boundaries in shared/benchdata/az); most
// Navajo Nation members in Apache, Navajo and Coconino County live around
// a Navajo Nation town and keep America/Denver time, everyone else
// America/Phoenix. Cases with a tribal affiliation are ICWA cases.
//
// Lived-experience tags and needs come from ordered rules with plausible
// correlations (substance use with its subtypes, mental health and
// homelessness; fathers with incarceration). About a quarter of cases are
// fathers', a fifth of partners are fathers. Active partners meet the
// readiness rule (core trainings done, own case closed and recovery begun
// over a year ago); onboarding partners closed their case under a year ago
// and may lack trainings. Most cases opened in the three days before
// [Options.Now] and are open; the rest are older, in post-closure support
// or closed.
//
// Appointments fall on [Options.Day]: court hearings at the county court
// with a fixed start between 08:30 and 15:00 Arizona time; team meetings,
// supervised visits, clinics, school meetings and intakes with a narrow
// window by day; classes, support groups and some team meetings in the
// evening (more for parents who prefer evenings); home visits with a
// morning or afternoon window. One parent's fixed and narrow stops do not
// overlap.
package demo
