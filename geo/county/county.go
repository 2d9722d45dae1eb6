package county

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/alongside/alongside/geo"
)

//go:embed az_counties.csv
var azCSV string

// County is one county Alongside serves.
type County struct {
	FIPS       string    // five-digit county FIPS code, e.g. "04015"
	Name       string    // e.g. "Mohave"
	Seat       string    // county seat, e.g. "Kingman"
	SeatPoint  geo.Point // town centre of the seat (about ±1 km)
	Population int       // 2020 census population
}

// Court returns a display name for the county's juvenile court, which sits
// in the county seat.
func (c County) Court() string {
	return c.Name + " County Juvenile Court, " + c.Seat
}

type table struct {
	list   []County
	byFIPS map[string]County
}

var load = sync.OnceValues(func() (*table, error) { return parse(azCSV) })

func parse(text string) (*table, error) {
	r := csv.NewReader(strings.NewReader(text))
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("county table: %w", err)
	}
	if len(rows) < 2 {
		return nil, fmt.Errorf("county table: no rows")
	}
	t := &table{byFIPS: make(map[string]County, len(rows)-1)}
	for i, row := range rows[1:] {
		if len(row) != 6 {
			return nil, fmt.Errorf("county table: row %d: %d columns, want 6", i+2, len(row))
		}
		lat, err1 := strconv.ParseFloat(row[3], 64)
		lng, err2 := strconv.ParseFloat(row[4], 64)
		pop, err3 := strconv.Atoi(row[5])
		if err1 != nil || err2 != nil || err3 != nil || len(row[0]) != 5 {
			return nil, fmt.Errorf("county table: row %d: malformed", i+2)
		}
		c := County{FIPS: row[0], Name: row[1], Seat: row[2], SeatPoint: geo.Point{Lat: lat, Lng: lng}, Population: pop}
		t.list = append(t.list, c)
		t.byFIPS[c.FIPS] = c
	}
	slices.SortFunc(t.list, func(a, b County) int { return strings.Compare(a.FIPS, b.FIPS) })
	return t, nil
}

func mustTable() *table {
	t, err := load()
	if err != nil {
		// The table is embedded at build time; a parse failure is a build defect.
		panic(err)
	}
	return t
}

// Lookup returns the county with the given five-digit FIPS code.
func Lookup(fips string) (County, bool) {
	c, ok := mustTable().byFIPS[fips]
	return c, ok
}

// All returns every known county ordered by FIPS code. The caller may modify
// the returned slice.
func All() []County { return slices.Clone(mustTable().list) }
