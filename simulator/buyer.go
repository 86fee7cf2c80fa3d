package simulator

import "math/rand/v2"

// Buyer is the simulated customer's geography and device.
type Buyer struct {
	Country    string // ISO 3166 alpha-2
	State      string
	PostalCode string
	Device     string // desktop | mobile | tablet
	Browser    string
}

// places are the geographies a buyer is drawn from: a postal code always
// matches its country.
var places = []Buyer{
	{Country: "US", State: "CA", PostalCode: "90210"},
	{Country: "US", State: "NY", PostalCode: "10001"},
	{Country: "US", State: "TX", PostalCode: "73301"},
	{Country: "GB", State: "", PostalCode: "SW1A 1AA"},
	{Country: "CA", State: "ON", PostalCode: "M5V 3L9"},
	{Country: "DE", State: "BY", PostalCode: "80331"},
	{Country: "AU", State: "NSW", PostalCode: "2000"},
}

var (
	devices  = []string{"desktop", "mobile", "tablet"}
	browsers = []string{"Chrome", "Safari", "Firefox", "Edge"}
)

// drawBuyer fills the empty fields of b from r. Geography comes as a whole
// (a drawn postal code matches the drawn country) unless the caller set any of it.
func drawBuyer(b Buyer, r *rand.Rand) Buyer {
	g := places[r.IntN(len(places))]
	if b.Country == "" && b.State == "" && b.PostalCode == "" {
		b.Country, b.State, b.PostalCode = g.Country, g.State, g.PostalCode
	}
	d, br := devices[r.IntN(len(devices))], browsers[r.IntN(len(browsers))]
	if b.Device == "" {
		b.Device = d
	}
	if b.Browser == "" {
		b.Browser = br
	}
	return b
}
