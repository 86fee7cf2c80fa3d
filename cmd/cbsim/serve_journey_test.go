package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cbsim/cbsim/internal/buyer"
	"github.com/cbsim/cbsim/profile"
	"github.com/cbsim/cbsim/profile/faketracker"
	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/money"
)

// The buyer's browser of these tests: an iPhone's Safari.
const iphoneUA = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"

// newBuyer returns a buyer with a cookie jar who reaches ClickBank's host
// names through `cbsim serve` at sim as its proxy, trusting the CA the
// server hands out at /ca.pem, and goes direct everywhere else.
func newBuyer(t *testing.T, sim string) *buyer.Buyer {
	t.Helper()
	resp, err := http.Get(sim + "/ca.pem")
	if err != nil {
		t.Fatal(err)
	}
	pem, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	pool, err := buyer.ParseCA(pem)
	if err != nil {
		t.Fatalf("GET /ca.pem: %v", err)
	}
	proxy, _ := url.Parse(sim)
	return buyer.New(buyer.Options{Proxy: proxy, RootCAs: pool, UserAgent: iphoneUA})
}

// orderFields are what the buyer types on the order form.
var orderFields = map[string]string{"name": "Jo Buyer", "email": "jo@example.com", "card_number": "4000 0000 0000 0002",
	"expiry": "12/2031", "cvv": "123", "country": "GB", "zip": "SW1A 1AA"}

// walkedFrom checks the path a buyer took: the tracker's redirect to the
// real hoplink host, the hop's redirect to the sales page, then the order
// form and one page per answer.
func walkedFrom(t *testing.T, steps []buyer.Step, clickHost string) {
	t.Helper()
	if len(steps) == 0 {
		t.Fatal("no steps")
	}
	var hosts []string
	for _, u := range steps[0].Page.Via {
		hosts = append(hosts, u.Scheme+"://"+u.Host)
	}
	if want := []string{"http://" + clickHost, "https://hop.clickbank.net"}; !slices.Equal(hosts, want) {
		t.Fatalf("the first visit went through %v, want %v (tracker click, then the hoplink through the proxy)", hosts, want)
	}
	var did []string
	for _, s := range steps {
		did = append(did, s.Did)
	}
	if got := strings.Join(did, " "); got != "visit buy KETO-FE order accept decline" {
		t.Fatalf("the buyer did %q", got)
	}
	last := steps[len(steps)-1].Page
	if !strings.Contains(last.Text(), "KETO-UP1") {
		t.Fatalf("the thank-you page does not list the upsell: %s", last.Text())
	}
}

// TestServeBuyerJourneyReferenceTracker is issue 16's first acceptance
// run: an HTTP client with a cookie jar clicks the reference tracker's
// campaign, whose offer URL is the real hoplink
// https://hop.clickbank.net/?…&tid={clickid}, and walks ClickBank's side of
// `cbsim serve` — through it as the proxy for ClickBank's host names — by
// URLs and forms only: sales page, order form, the first upsell accepted,
// the second declined. The tracker then holds the affiliate's Order Form
// Impression, Initial Purchase and Upsell Purchase for its click, with the
// affiliate's earnings computed here from the catalog's prices. The
// vendor's campaign sends its buyer straight to the pay link with
// vtid={clickid}, and the vendor's conversion lands on the vendor's click.
func TestServeBuyerJourneyReferenceTracker(t *testing.T) {
	trk := startTrackerCommand(t, "--api-key", "K",
		"--campaign", "aff=https://hop.clickbank.net/?affiliate=aff01&vendor=ven01&tid={clickid}&aff_sub1=summer",
		"--campaign", "ven=https://ven02.pay.clickbank.net/?cbitems=FIT-FE&vtid={clickid}")
	sim := startCommand(t, runServe, "--addr", "127.0.0.1:0", "--tracker", trk)
	ctx := context.Background()

	b := newBuyer(t, sim)
	steps, err := b.Walk(ctx, buyer.Journey{Start: trk + "/aff", Fields: orderFields, Answers: []bool{true, false}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	trkURL, _ := url.Parse(trk)
	walkedFrom(t, steps, trkURL.Host)
	clickID := steps[0].Page.Via[1].Query().Get("tid")
	if clickID == "" {
		t.Fatalf("the hoplink carries no tid: %s", steps[0].Page.Via[1])
	}

	// What the reference tracker recorded, read over its own API.
	type conv struct {
		ClickID string
		Payout  float64
		Type    string
	}
	var convs struct{ Items []conv }
	getJSON(t, trk+"/conversions?date_from=2000-01-01&date_to=2100-12-31&api_key=K&clickid="+clickID, &convs)
	want := map[string]float64{
		"OrderFormImpression": 0,
		"InitialPurchase":     affiliateEarnings(t, 100_00, 50),
		"UpsellPurchase":      affiliateEarnings(t, 47_00, 50),
	}
	got := map[string]float64{}
	for _, c := range convs.Items {
		got[c.Type] = c.Payout
	}
	if len(convs.Items) != 3 || !mapsEqual(got, want) {
		t.Fatalf("the tracker recorded %+v for click %s, want one conversion per type with payouts %v", convs.Items, clickID, want)
	}

	// The vendor's buyer (ven02, whose integration the embedded fixtures
	// hold): the vendor's campaign sends them straight to the pay link,
	// vtid carrying the vendor's click id; they take the upsell.
	v := newBuyer(t, sim)
	vsteps, err := v.Walk(ctx, buyer.Journey{Start: trk + "/ven", Fields: orderFields, Answers: []bool{true}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	vclick := vsteps[0].Page.URL.Query().Get("vtid")
	var vconvs struct{ Items []conv }
	getJSON(t, trk+"/conversions?date_from=2000-01-01&date_to=2100-12-31&api_key=K&clickid="+vclick, &vconvs)
	vgot := map[string]float64{}
	for _, c := range vconvs.Items {
		vgot[c.Type] = c.Payout
	}
	// A direct sale (no hop): the vendor keeps the whole net of each
	// sale, in USD, of prices in EUR.
	vwant := map[string]float64{"OrderFormImpression": 0, "InitialPurchase": directSale(t, "FIT-FE"), "UpsellPurchase": directSale(t, "FIT-UP1")}
	if vclick == "" || !mapsEqual(vgot, vwant) {
		t.Fatalf("vendor click %q: the tracker recorded %+v, want %v", vclick, vconvs.Items, vwant)
	}
}

// TestServeBuyerJourneyThroughVoluum is issue 16's second acceptance run,
// through a tracker that is not RedTrack: the Voluum fake (written from
// Voluum's public documentation), `cbsim serve --profile voluum` sending
// its postbacks in Voluum's names, and the affiliate's click id riding in
// extclid as the voluum profile says (Voluum's upper-case click ids would
// not survive ClickBank's TID rule). What Voluum recorded is read back
// through the profile's reader, as `cbsim test --profile voluum` reads it.
func TestServeBuyerJourneyThroughVoluum(t *testing.T) {
	vol, err := faketracker.NewVoluum(faketracker.VoluumOptions{Token: "vol-token", Campaigns: []faketracker.VoluumCampaign{
		{ID: "camp-aff", OfferURL: "https://hop.clickbank.net/?affiliate=aff01&vendor=ven01&extclid={clickid}"},
		{ID: "camp-ven", OfferURL: "https://ven01.pay.clickbank.net/?cbitems=KETO-FE&vtid={clickid}"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(vol.Close)
	sim := startCommand(t, runServe, "--addr", "127.0.0.1:0", "--profile", "voluum", "--tracker", vol.URL)
	ctx := context.Background()

	steps, err := newBuyer(t, sim).Walk(ctx, buyer.Journey{Start: vol.URL + "/camp-aff", Fields: orderFields, Answers: []bool{true, false}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	volURL, _ := url.Parse(vol.URL)
	walkedFrom(t, steps, volURL.Host)
	clickID := steps[0].Page.Via[1].Query().Get("extclid")

	p, err := profile.Load("voluum")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := p.Bind(profile.Config{TrackerURL: vol.URL, APIURL: vol.URL, HTTPClient: vol.Client(),
		Campaigns: map[string]string{profile.RoleAffiliate: "camp-aff", profile.RoleVendor: "camp-ven"},
		Set:       map[string]string{"api_token": "vol-token"}})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	var convs []profile.Conversion
	deadline := time.Now().Add(10 * time.Second)
	for {
		if convs, err = tr.Conversions(ctx, clickID); err != nil {
			t.Fatal(err)
		}
		if len(convs) >= 3 || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	got := map[string]float64{}
	for _, c := range convs {
		got[c.Type] = float64(c.Payout) / 100
	}
	want := map[string]float64{"OrderFormImpression": 0, "InitialPurchase": affiliateEarnings(t, 100_00, 50),
		"UpsellPurchase": affiliateEarnings(t, 47_00, 50)}
	if clickID == "" || !mapsEqual(got, want) {
		t.Fatalf("Voluum recorded %+v for click %q, want %v", convs, clickID, want)
	}
}

// affiliateEarnings is ClickBank's affiliate share of a sale of price
// cents at commission percent (simulator/money, docs/clickbank.md §5), in
// dollars.
func affiliateEarnings(t *testing.T, price money.Cents, commission int) float64 {
	t.Helper()
	s := money.Sale{Price: price, Commission: money.Percent(commission * 100), HasAffiliate: true}.Split()
	return float64(s.Affiliate) / 100
}

// directSale is the vendor's earnings of a sale of item without an
// affiliate, from the embedded catalog's price and rates: the whole net,
// in dollars.
func directSale(t *testing.T, item string) float64 {
	t.Helper()
	c, _, err := simulator.LoadDefaults()
	if err != nil {
		t.Fatal(err)
	}
	p := c.Products[item]
	usd, err := c.Rates.ToUSD(p.Price, p.Currency)
	if err != nil {
		t.Fatal(err)
	}
	return float64(money.Sale{Price: usd, Commission: p.Commission}.Split().Vendor) / 100
}

func mapsEqual(a, b map[string]float64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestBuyCommand: `cbsim buy` walks the same journey from the command
// line — tracker click, hoplink through cbsim serve as the proxy, sales
// page, order form, upsells — prints each step, and the tracker records
// the upsell; a step that fails exits 1 naming it, a bad flag exits 2.
func TestBuyCommand(t *testing.T) {
	trk := startTrackerCommand(t, "--api-key", "K", "--campaign", "aff=https://hop.clickbank.net/?affiliate=aff01&vendor=ven01&tid={clickid}")
	sim := startCommand(t, runServe, "--addr", "127.0.0.1:0", "--tracker", trk)
	var out, errb strings.Builder
	if code := run(context.Background(), []string{"buy", "--proxy", sim, "--accept", "yes,no", "--field", "country=DE", "--field", "zip=80331", trk + "/aff"}, &out, &errb); code != 0 {
		t.Fatalf("buy: exit %d: %s\n%s", code, errb.String(), out.String())
	}
	if !strings.Contains(out.String(), "   via https://hop.clickbank.net/?affiliate=aff01&vendor=ven01&tid=") {
		t.Fatalf("the first step does not show the hoplink it went through:\n%s", out.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"buy", "--json", "--proxy", sim, "--accept", "yes", trk + "/aff"}, &out, &errb); code != 0 {
		t.Fatalf("buy --json: exit %d: %s\n%s", code, errb.String(), out.String())
	}
	var did []string
	for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var s stepRecord
		if err := json.Unmarshal([]byte(l), &s); err != nil {
			t.Fatalf("buy --json line %q: %v", l, err)
		}
		did = append(did, fmt.Sprintf("%s %d", s.Did, s.Status))
	}
	if got := strings.Join(did, ", "); got != "visit 200, buy KETO-FE 200, order 200, accept 200, decline 200" {
		t.Fatalf("steps %q:\n%s", got, out.String())
	}
	var convs struct{ Items []struct{ Type string } }
	getJSON(t, trk+"/conversions?date_from=2000-01-01&date_to=2100-12-31&api_key=K&type=UpsellPurchase", &convs)
	if len(convs.Items) != 2 {
		t.Fatalf("the tracker recorded %d upsell purchases after two buyers took one each, want 2", len(convs.Items))
	}

	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"buy"}, 2, "give one START_URL"},
		{[]string{"buy", "ftp://x/"}, 2, "want an absolute http(s) URL"},
		{[]string{"buy", "--accept", "yes,maybe", trk + "/aff"}, 2, `answer 2 is "maybe"`},
		{[]string{"buy", "--proxy", "127.0.0.1:8080", trk + "/aff"}, 2, "--proxy"},
		{[]string{"buy", "--proxy", sim, "--card", "1234", trk + "/aff"}, 1, "order: "},
		{[]string{"buy", "--proxy", sim, "--item", "NOPE", trk + "/aff"}, 1, "no buy link for item NOPE"},
		{[]string{"buy", "--proxy", closedURL(t), trk + "/aff"}, 1, "is cbsim serve running at --proxy?"},
	} {
		var out, errb strings.Builder
		code := run(context.Background(), c.args, &out, &errb)
		if code != c.code || !strings.Contains(errb.String(), c.want) {
			t.Errorf("%v: exit %d, stderr %q; want %d and %q", c.args, code, errb.String(), c.code, c.want)
		}
	}
}

// closedURL is the URL of a loopback port nothing listens on.
func closedURL(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	u := "http://" + ln.Addr().String()
	ln.Close()
	return u
}
