package faketracker

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// startBinom starts a fake Binom (broken as b) with campaign 7 (key k7).
func startBinom(t *testing.T, b Broken) *Binom {
	t.Helper()
	f, err := NewBinom(BinomOptions{Broken: b, Now: newClock().Now,
		Rand:      bytes.NewReader(bytes.Repeat([]byte("0123456789abcdefghijklmnopqrstuvwxyz"), 50)),
		Campaigns: []BinomCampaign{{ID: 7, Key: "k7", OfferURL: "https://hop.example/?tid={clickid}&x={other}"}}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	return f
}

// binomClick clicks campaign 7 and returns the click id.
func binomClick(t *testing.T, f *Binom) string {
	t.Helper()
	r := do(t, f.Client(), f.URL+"/click.php?camp_id=7")
	if r.status != http.StatusFound {
		t.Fatalf("click: status %d, want 302", r.status)
	}
	u, err := url.Parse(r.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get("tid")
}

// TestBinomClick: a campaign link by camp_id or key redirects to the offer
// with {clickid} replaced; an unknown campaign is 404.
func TestBinomClick(t *testing.T) {
	f := startBinom(t, NotBroken)
	cases := []struct {
		name   string
		path   string
		checks []check
	}{
		{"ByID", "/click.php?camp_id=7", []check{hasStatus(http.StatusFound), hasHeader("Location", "https://hop.example/?tid=cdefghijklpqrs&x={other}")}},
		{"ByKey", "/click.php?key=k7", []check{hasStatus(http.StatusFound)}},
		{"Binom2Path", "/click?key=k7", []check{hasStatus(http.StatusFound)}},
		{"ErrUnknownID", "/click.php?camp_id=8", []check{hasStatus(http.StatusNotFound)}},
		{"ErrUnknownKey", "/click.php?key=k8", []check{hasStatus(http.StatusNotFound)}},
		{"ErrNoCampaign", "/click.php", []check{hasStatus(http.StatusNotFound)}},
		{"ErrOtherPath", "/postback?clickid=x", []check{hasStatus(http.StatusNotFound)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runChecks(t, do(t, f.Client(), f.URL+c.path), c.checks...) })
	}
}

// TestBinomPostback drives postbacks for one click and checks the fake's
// record: one conversion per click, updated by each postback.
func TestBinomPostback(t *testing.T) {
	cases := []struct {
		name    string
		broken  Broken
		queries []string // after /click.php?cnv_id=CLICK&
		status  int      // of the last postback
		want    string   // "payout status status2 currency postbacks" of the conversions, one per line
	}{
		{"OK", NotBroken, []string{"payout=45.75"}, 200, "45.75000    1"},
		{"Statuses", NotBroken, []string{"payout=1&cnv_status=Hold&cnv_status2=x&cnv_currency=EUR"}, 200, "1.00000 Hold x EUR 1"},
		{"RepeatOverwrites", NotBroken, []string{"payout=45.75", "payout=21.24"}, 200, "21.24000    2"},
		{"NoPayout", NotBroken, []string{""}, 200, "0.00000    1"},
		{"BrokenSum", BrokenSum, []string{"payout=45.75"}, 200, "46.75000    1"},
		{"BrokenClickID", BrokenClickID, []string{"payout=45.75"}, 404, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := startBinom(t, c.broken)
			id := binomClick(t, f)
			var last response
			for _, q := range c.queries {
				last = do(t, f.Client(), f.URL+"/click.php?cnv_id="+id+"&"+q)
			}
			runChecks(t, last, hasStatus(c.status))
			var got []string
			for _, cv := range f.Conversions() {
				if cv.ClickID != id || cv.CampaignID != 7 {
					t.Errorf("conversion of click %s campaign %d, want click %s campaign 7", cv.ClickID, cv.CampaignID, id)
				}
				got = append(got, strings.Join([]string{cv.Payout, cv.Status, cv.Status2, cv.Currency, string(rune('0' + cv.Postbacks))}, " "))
			}
			if s := strings.Join(got, "\n"); s != c.want {
				t.Errorf("conversions %q, want %q", s, c.want)
			}
		})
	}
}

// TestBinomRefusesUnknownClick: a postback for no click is 404 and
// records nothing.
func TestBinomRefusesUnknownClick(t *testing.T) {
	f := startBinom(t, NotBroken)
	for _, q := range []string{"cnv_id=nosuch&payout=1", "cnv_id=&payout=1"} {
		runChecks(t, do(t, f.Client(), f.URL+"/click.php?"+q), hasStatus(http.StatusNotFound))
	}
	if n := len(f.Conversions()); n != 0 {
		t.Errorf("%d conversions, want none", n)
	}
}

// TestNewBinomRefusesBadOptions: options that cannot work are errors that
// name the field.
func TestNewBinomRefusesBadOptions(t *testing.T) {
	cases := []struct {
		name string
		opts BinomOptions
		want string
	}{
		{"BadID", BinomOptions{Campaigns: []BinomCampaign{{ID: 0, OfferURL: "x"}}}, "ID"},
		{"DupID", BinomOptions{Campaigns: []BinomCampaign{{ID: 1, OfferURL: "x"}, {ID: 1, OfferURL: "x"}}}, "already"},
		{"DupKey", BinomOptions{Campaigns: []BinomCampaign{{ID: 1, Key: "k", OfferURL: "x"}, {ID: 2, Key: "k", OfferURL: "x"}}}, "Key"},
		{"NoOffer", BinomOptions{Campaigns: []BinomCampaign{{ID: 1}}}, "OfferURL"},
		{"BadBroken", BinomOptions{Broken: "x"}, "Broken"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f, err := NewBinom(c.opts)
			if err == nil {
				f.Close()
				t.Fatalf("no error, want one naming %s", c.want)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not name %s", err, c.want)
			}
		})
	}
}
