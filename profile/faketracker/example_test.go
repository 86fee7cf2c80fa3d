package faketracker_test

import (
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/cbsim/cbsim/profile/faketracker"
)

// A click on a fake Prosper202, its postback, and the conversion read back
// through the REST API.
func ExampleNewProsper202() {
	p, err := faketracker.NewProsper202(faketracker.Prosper202Options{
		Campaigns: []faketracker.Prosper202Campaign{{TrackerID: 12, Name: "Sleep Guide", PayoutCents: 2500,
			OfferURL: "https://offer.example/?sub=[[subid]]"}},
		APIKey: "secret",
	})
	if err != nil {
		panic(err)
	}
	defer p.Close()

	res, _ := p.Client().Get(p.URL + "/tracking202/redirect/dl.php?t202id=12")
	res.Body.Close()
	loc, _ := url.Parse(res.Header.Get("Location"))
	subid := loc.Query().Get("sub")
	fmt.Println(res.StatusCode, loc)

	res, _ = p.Client().Get(p.URL + "/tracking202/static/gpb.php?subid=" + subid + "&amount=33.79")
	res.Body.Close()
	fmt.Println(res.StatusCode)

	req, _ := http.NewRequest("GET", p.URL+"/api/v3/conversions", nil)
	req.Header.Set("Authorization", "Bearer secret")
	res, _ = p.Client().Do(req)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	fmt.Println(string(body)[:60])
	// Output:
	// 302 https://offer.example/?sub=7001
	// 200
	// {"data":[{"conv_id":1,"click_id":7001,"transaction_id":null,
}

// A click on a fake Orbitra, its postback, and the conversion read from
// the SQLite file, as a SQL-read profile reads it.
func ExampleNewOrbitra() {
	o, err := faketracker.NewOrbitra(faketracker.OrbitraOptions{
		Campaigns:   []faketracker.OrbitraCampaign{{Alias: "sleep", Name: "Sleep Guide", OfferURL: "https://offer.example/?sub={subid}"}},
		PostbackKey: "k3y",
	})
	if err != nil {
		panic(err)
	}
	defer o.Close()

	res, _ := o.Client().Get(o.URL + "/sleep")
	res.Body.Close()
	loc, _ := url.Parse(res.Header.Get("Location"))
	clickID := loc.Query().Get("sub")

	res, _ = o.Client().Get(o.URL + "/k3y/postback?status=sale&payout=33.79&subid=" + clickID)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	fmt.Println(res.StatusCode, string(body))

	db, err := sql.Open("sqlite", o.DBPath())
	if err != nil {
		panic(err)
	}
	defer db.Close()
	var payout float64
	var stored string
	if err := db.QueryRow(`SELECT click_id, payout FROM conversions`).Scan(&stored, &payout); err != nil {
		panic(err)
	}
	fmt.Println(stored == clickID, payout)
	// Output:
	// 200 Postback recorded successfully.
	// true 33.79
}
