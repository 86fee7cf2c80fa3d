package faketracker

import (
	"net/url"
	"regexp"
	"testing"
	"time"
)

const voluumToken = "vol-token"

// newVoluum starts a fake Voluum with two campaigns and a test clock.
func newVoluum(t *testing.T, broken Broken) (*Voluum, *clock) {
	t.Helper()
	clk := newClock()
	v, err := NewVoluum(VoluumOptions{
		Campaigns: []VoluumCampaign{
			{ID: "camp-aff", OfferURL: "https://offer.example/?extclid={clickid}&again={clickid}", PayoutCents: 2500},
			{ID: "camp-ven", OfferURL: "https://pay.example/?vtid={clickid}"},
		},
		Token: voluumToken, Broken: broken, Now: clk.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(v.Close)
	return v, clk
}

// visitVoluum visits campaign id and returns the click id the offer URL
// got in param.
func visitVoluum(t *testing.T, v *Voluum, id, param string) string {
	t.Helper()
	r := do(t, v.Client(), v.URL+"/"+id, "X-Forwarded-For: 203.0.113.7")
	if r.status != 302 {
		t.Fatalf("visit %s: status %d, want 302", id, r.status)
	}
	u, err := url.Parse(r.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	return u.Query().Get(param)
}

// reportVoluum reads the whole conversions report of the test clock's day.
func reportVoluum(t *testing.T, v *Voluum, query string) voluumReport {
	t.Helper()
	r := do(t, v.Client(), v.URL+"/report/conversions?from=2026-01-01T00:00:00Z&to=2026-12-31T00:00:00Z"+query, "cwauth-token: "+voluumToken)
	runChecks(t, r, hasStatus(200), hasHeader("Content-Type", "application/json"))
	var rep voluumReport
	decode(t, r, &rep)
	return rep
}

var voluumIDShape = regexp.MustCompile(`^[a-z][A-Z0-9]{23}$`)

func TestVoluumVisit(t *testing.T) {
	v, _ := newVoluum(t, NotBroken)
	cases := []struct {
		name   string
		path   string
		checks []check
	}{
		{"unknown campaign", "/nope", []check{hasStatus(404)}},
		{"no campaign", "/", []check{hasStatus(404)}},
		{"deeper path", "/camp-aff/x", []check{hasStatus(404)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runChecks(t, do(t, v.Client(), v.URL+c.path), c.checks...) })
	}
	t.Run("OK", func(t *testing.T) {
		r := do(t, v.Client(), v.URL+"/camp-aff")
		runChecks(t, r, hasStatus(302))
		u, err := url.Parse(r.header.Get("Location"))
		if err != nil {
			t.Fatal(err)
		}
		id := u.Query().Get("extclid")
		if !voluumIDShape.MatchString(id) || u.Query().Get("again") != id {
			t.Errorf("Location %s: want the same click id like c384EFV6JHQODRN70575OK6UG… in extclid and again", u)
		}
		if other := visitVoluum(t, v, "camp-aff", "extclid"); other == id {
			t.Errorf("two visits got the same click id %s", id)
		}
	})
}

func TestVoluumPostback(t *testing.T) {
	type want struct {
		clickID, txid, revenue, typ string
	}
	cases := []struct {
		name   string
		broken Broken
		sends  []string // queries after cid=CLICK (CLICK is replaced by the visit's click id)
		want   []want   // the report's rows, oldest first ("CLICK" is the click id)
	}{
		{"payout", NotBroken, []string{"payout=45.75&txid=R1&et=InitialPurchase"}, []want{{"CLICK", "R1", "45.75000", "InitialPurchase"}}},
		{"manual payout without payout", NotBroken, []string{""}, []want{{"CLICK", "", "25.00000", ""}}},
		{"payout not a number is manual", NotBroken, []string{"payout=abc"}, []want{{"CLICK", "", "25.00000", ""}}},
		{"repeat cid discarded", NotBroken, []string{"payout=1", "payout=2"}, []want{{"CLICK", "", "1.00000", ""}}},
		{"same cid and txid counted once", NotBroken, []string{"payout=1&txid=A", "payout=2&txid=A"}, []want{{"CLICK", "A", "1.00000", ""}}},
		{"new txid is an upsell", NotBroken, []string{"payout=1&txid=A", "payout=2&txid=B", "payout=3"},
			[]want{{"CLICK", "A", "1.00000", ""}, {"CLICK", "B", "2.00000", ""}, {"CLICK", "", "3.00000", ""}}},
		{"unknown cid records nothing", NotBroken, []string{"NOCLICK"}, nil},
		{"broken sum", BrokenSum, []string{"payout=45.75&txid=R1"}, []want{{"CLICK", "R1", "46.75000", ""}}},
		{"broken click id", BrokenClickID, []string{"payout=45.75&txid=R1", "payout=45.75&txid=R1"}, []want{{"ALTERED", "R1", "45.75000", ""}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, clk := newVoluum(t, c.broken)
			id := visitVoluum(t, v, "camp-aff", "extclid")
			for _, q := range c.sends {
				query := "cid=" + id + "&" + q
				if q == "NOCLICK" {
					query = "cid=zzz"
				}
				runChecks(t, do(t, v.Client(), v.URL+"/postback?"+query), hasStatus(200), hasBody(""))
				clk.Add(time.Second)
			}
			rep := reportVoluum(t, v, "")
			if rep.TotalRows != len(c.want) || len(rep.Rows) != len(c.want) {
				t.Fatalf("report %+v, want %d rows", rep, len(c.want))
			}
			for i, w := range c.want {
				wantID := id
				if w.clickID == "ALTERED" {
					wantID = flipLastChar(id)
				}
				got := rep.Rows[i]
				if got.ClickID != wantID || got.TransactionID != w.txid || string(got.Revenue) != w.revenue || got.ConversionType != w.typ || got.CampaignID != "camp-aff" {
					t.Errorf("row %d: %+v, want click %s txid %q revenue %s type %q", i, got, wantID, w.txid, w.revenue, w.typ)
				}
			}
		})
	}
}

func TestVoluumReport(t *testing.T) {
	v, clk := newVoluum(t, NotBroken)
	for i := range 3 {
		id := visitVoluum(t, v, "camp-ven", "vtid")
		do(t, v.Client(), v.URL+"/postback?cid="+id+"&payout="+string(rune('1'+i)))
		clk.Add(time.Minute)
	}
	const base = "/report/conversions?from=2026-01-01T00:00:00Z"
	cases := []struct {
		name   string
		url    string
		header []string
		checks []check
	}{
		{"no token", base, nil, []check{hasStatus(401)}},
		{"wrong token", base, []string{"cwauth-token: nope"}, []check{hasStatus(401)}},
		{"no from", "/report/conversions", []string{"cwauth-token: " + voluumToken}, []check{hasStatus(400)}},
		{"bad to", base + "&to=tomorrow", []string{"cwauth-token: " + voluumToken}, []check{hasStatus(400)}},
		{"bad limit", base + "&limit=0", []string{"cwauth-token: " + voluumToken}, []check{hasStatus(400)}},
		{"window excludes", "/report/conversions?from=2027-01-01T00:00:00Z&to=2027-01-02T00:00:00Z", []string{"cwauth-token: " + voluumToken},
			[]check{hasStatus(200), hasJSON(`{"totalRows":0,"limit":100,"offset":0,"rows":[]}`)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { runChecks(t, do(t, v.Client(), v.URL+c.url, c.header...), c.checks...) })
	}
	t.Run("paging", func(t *testing.T) {
		p1, p2 := reportVoluum(t, v, "&offset=0&limit=2"), reportVoluum(t, v, "&offset=2&limit=2")
		if p1.TotalRows != 3 || len(p1.Rows) != 2 || p2.TotalRows != 3 || len(p2.Rows) != 1 {
			t.Fatalf("pages %+v and %+v: want 2 then 1 of 3 rows", p1, p2)
		}
		if got := string(p1.Rows[0].Revenue) + " " + string(p1.Rows[1].Revenue) + " " + string(p2.Rows[0].Revenue); got != "1.00000 2.00000 3.00000" {
			t.Errorf("revenues %s, want oldest first", got)
		}
	})
}

func TestNewVoluumRefuses(t *testing.T) {
	cases := []struct {
		name string
		opts VoluumOptions
	}{
		{"empty id", VoluumOptions{Campaigns: []VoluumCampaign{{OfferURL: "https://o.example/"}}}},
		{"own path", VoluumOptions{Campaigns: []VoluumCampaign{{ID: "postback", OfferURL: "https://o.example/"}}}},
		{"no offer", VoluumOptions{Campaigns: []VoluumCampaign{{ID: "a"}}}},
		{"duplicate", VoluumOptions{Campaigns: []VoluumCampaign{{ID: "a", OfferURL: "https://o.example/"}, {ID: "a", OfferURL: "https://o.example/"}}}},
		{"broken", VoluumOptions{Broken: "other"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if v, err := NewVoluum(c.opts); err == nil {
				v.Close()
				t.Fatal("NewVoluum accepted it")
			}
		})
	}
}
