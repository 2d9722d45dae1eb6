package demo_test

import (
	"fmt"
	"time"

	"github.com/alongside/alongside/internal/demo"
)

func Example() {
	d, err := demo.Generate(demo.Options{
		Seed: 1,
		Now:  time.Date(2026, 3, 10, 17, 0, 0, 0, time.UTC), // 10:00 in Arizona
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("partners:", len(d.Partners))
	fmt.Println("cases:", len(d.Cases))
	fmt.Println("appointments:", len(d.Appointments))
	fmt.Println("first case:", d.Cases[0].ID, d.Cases[0].Court)
	// Output:
	// partners: 60
	// cases: 120
	// appointments: 310
	// first case: c_0001 Maricopa County Juvenile Court, Phoenix
}
