package storefront

import (
	"context"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/ids"
	"github.com/cbsim/cbsim/simulator/money"
)

// noFollow is a client that shows redirects instead of following them.
func noFollow() *http.Client {
	return &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func TestLegacyHostHop(t *testing.T) {
	w := newWorld(t, Options{Seed: 3})
	req, err := http.NewRequest(http.MethodGet, w.srv.URL+"/?tid=camp_7&aff_sub2=x", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "aff01.ven01.hop.localhost:8080"
	res, err := noFollow().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	loc, err := url.Parse(res.Header.Get("Location"))
	if err != nil || res.StatusCode != http.StatusFound || loc.Path != "/vendor/ven01/" || loc.Host != "" {
		t.Fatalf("legacy hop: %d to %q, want 302 to the relative /vendor/ven01/", res.StatusCode, res.Header.Get("Location"))
	}
	if q := loc.Query(); q.Get("affiliate") != "aff01" || q.Get("tid") != "camp_7" || q.Get("aff_sub2") != "x" || q.Get("hopId") == "" {
		t.Errorf("legacy hop sends %v, want the affiliate from the host, tid and tracking", q)
	}
	var cookie *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "cbhop_ven01" {
			cookie = c
		}
	}
	if cookie == nil || cookie.Domain != "" || cookie.Path != "/" || cookie.MaxAge != int(DefaultWindow/time.Second) || cookie.Value != loc.Query().Get("hopId") {
		t.Fatalf("hop cookie %+v, want host-only cbhop_ven01 = the hop id for 60 days", cookie)
	}

	// The order form on cbsim's host reads that cookie.
	b := w.buyer(t, "")
	u, _ := url.Parse(w.srv.URL)
	b.c.Jar.SetCookies(u, []*http.Cookie{cookie})
	f := b.get(w.srv.URL + "/pay/ven01?cbitems=KETO-FE")
	if aff := w.rc.of("/aff"); len(aff) != 1 || aff[0].Get("tid") != "camp_7" {
		t.Errorf("affiliate postbacks %v, want one impression with tid camp_7", aff)
	}
	if !strings.Contains(f.body, "Referred by affiliate aff01") {
		t.Errorf("order form does not name the affiliate:\n%s", f.body)
	}
}

func TestTIDRulesAtTheHop(t *testing.T) {
	for _, tc := range []struct {
		rule    ids.TIDRule
		tid     string
		kept    string
		note    simulator.NoteKind
		visible bool // the kept tid reaches the sales page
	}{
		{ids.TIDCurrent, "abc_123", "abc_123", "", true},
		{ids.TIDCurrent, "ABC", "", simulator.TIDDropped, false},
		{ids.TIDCurrent, strings.Repeat("a", 101), strings.Repeat("a", 100), simulator.TIDChanged, true},
		{ids.TIDCurrentStrict, strings.Repeat("a", 101), "", simulator.TIDDropped, false},
		{ids.TIDLegacy24, "campaign2024", "CAMPAIGN2024", simulator.TIDChanged, true},
		{ids.TIDLegacy8, "campaign2024", "CAMPAIGN", simulator.TIDChanged, true},
		{ids.TIDLegacy8, "camp_2024", "", simulator.TIDDropped, false},
	} {
		t.Run(tc.rule.String()+"/"+tc.tid[:min(len(tc.tid), 12)], func(t *testing.T) {
			w := newWorld(t, Options{TIDRule: tc.rule})
			b := w.buyer(t, "")
			p := b.get(w.srv.URL + "/hop?affiliate=aff01&vendor=ven01&tid=" + tc.tid)
			if got := p.url.Query().Get("tid"); got != tc.kept || p.url.Query().Has("tid") != tc.visible {
				t.Errorf("sales page tid %q, want %q", got, tc.kept)
			}
			kinds := noteKinds(w.sim)
			if tc.note == "" && len(kinds) != 0 || tc.note != "" && !slices.Equal(kinds, []simulator.NoteKind{tc.note}) {
				t.Errorf("notes %v, want %q", kinds, tc.note)
			}
			b.get(w.srv.URL + "/pay/ven01?cbitems=KETO-FE")
			if aff := w.rc.of("/aff"); len(aff) != 1 || aff[0].Get("tid") != tc.kept {
				t.Errorf("affiliate impression %v, want tid %q", aff, tc.kept)
			}
			for _, k := range noteKinds(w.sim)[len(kinds):] {
				if strings.HasPrefix(string(k), "tid_") {
					t.Errorf("the order form added a %s note: the TID rule applies once, at the hop", k)
				}
			}
		})
	}
}

func TestReferralWindow(t *testing.T) {
	for _, tc := range []struct {
		name       string
		after      time.Duration
		attributed bool
	}{
		{"same day", time.Hour, true},
		{"59 days", 59 * 24 * time.Hour, true},
		{"61 days", 61 * 24 * time.Hour, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t, Options{})
			b := w.buyer(t, "")
			b.get(w.srv.URL + "/hop?affiliate=aff01&vendor=ven01&tid=t1")
			w.clock.Advance(tc.after)
			f := b.get(w.srv.URL + "/pay/ven01?cbitems=KETO-FE")
			b.submit(f, "order-form", map[string]string{"name": "A", "email": "a@example.com", "card_number": "4242424242424242",
				"expiry": "12/30", "cvv": "123", "country": "US", "state": "CA", "zip": "90210"})
			aff, ven := w.rc.of("/aff"), w.rc.of("/ven")
			if got := len(aff) > 0; got != tc.attributed {
				t.Errorf("affiliate postbacks %d, attributed %v, want %v", len(aff), got, tc.attributed)
			}
			if len(ven) != 2 {
				t.Fatalf("vendor postbacks %d, want impression and purchase", len(ven))
			}
			p := w.sim.Catalog.Products["KETO-FE"]
			sp := money.Sale{Price: p.Price, Commission: p.Commission, HasAffiliate: tc.attributed, Rounding: w.sim.Catalog.Rounding}.Split()
			wantAff := "aff01"
			if !tc.attributed {
				wantAff = ""
			}
			if got := ven[1].Get("affiliate"); got != wantAff {
				t.Errorf("purchase affiliate %q, want %q", got, wantAff)
			}
			if got, want := ven[1].Get("aff"), sp.Affiliate.String(); got != want {
				t.Errorf("purchase affiliate earnings %q, want %q", got, want)
			}
			if got, want := ven[1].Get("ven"), sp.Vendor.String(); got != want {
				t.Errorf("purchase vendor earnings %q, want %q", got, want)
			}
			expired := slices.Contains(noteKinds(w.sim), simulator.HopExpired)
			if expired == tc.attributed {
				t.Errorf("notes %v: hop_expired %v, want %v", noteKinds(w.sim), expired, !tc.attributed)
			}
		})
	}
}

func TestLastHopWins(t *testing.T) {
	w := newWorld(t, Options{})
	b := w.buyer(t, "")
	b.get(w.srv.URL + "/hop?affiliate=aff01&vendor=ven01&tid=first")
	b.get(w.srv.URL + "/hop?affiliate=aff02&vendor=ven01&tid=second")
	if !slices.Contains(noteKinds(w.sim), simulator.HopReplaced) {
		t.Errorf("notes %v, want hop_replaced", noteKinds(w.sim))
	}
	b.get(w.srv.URL + "/pay/ven01?cbitems=KETO-FE")
	ven := w.rc.of("/ven")
	if len(ven) != 1 || ven[0].Get("affiliate") != "aff02" {
		t.Errorf("impression %v, want affiliate aff02 (the last hop)", ven)
	}
	if len(w.rc.of("/aff")) != 0 {
		t.Error("aff01's integration fired for aff02's referral")
	}
}

func TestPayLinkTIDWithoutHop(t *testing.T) {
	w := newWorld(t, Options{})
	b := w.buyer(t, "")
	b.get(w.srv.URL + "/pay/ven01?cbitems=KETO-FE&tid=abc")
	if !slices.Equal(noteKinds(w.sim), []simulator.NoteKind{simulator.TIDIgnored}) {
		t.Errorf("notes %v, want tid_ignored", noteKinds(w.sim))
	}
	if ven := w.rc.of("/ven"); len(ven) != 1 || ven[0].Get("affiliate") != "" {
		t.Errorf("impression %v, want a direct sale", ven)
	}
}

// TestClickBankHostNames walks ClickBank's own host names, every one
// dialled at the test server: the hop cookie is set for clickbank.net, so
// the pay host reads what the hop host set.
func TestClickBankHostNames(t *testing.T) {
	w := newWorld(t, Options{})
	b := w.buyer(t, "Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0")
	addr := strings.TrimPrefix(w.srv.URL, "http://")
	b.c.Transport = &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr) // every host is the store; nothing is resolved
	}}
	p := b.get("http://hop.clickbank.net/?affiliate=aff01&vendor=ven01&tid=cb_1")
	if p.status != 200 || p.url.Host != "hop.clickbank.net" || p.url.Path != "/vendor/ven01/" {
		t.Fatalf("hop landed on %s (%d)", p.url, p.status)
	}
	jar := b.c.Jar.(*cookiejar.Jar)
	pay, _ := url.Parse("http://ven01.pay.clickbank.net/")
	if cs := jar.Cookies(pay); len(cs) != 1 || cs[0].Name != "cbhop_ven01" {
		t.Fatalf("cookies for the pay host %v, want the hop cookie (Domain=clickbank.net)", cs)
	}
	f := b.get("http://ven01.pay.clickbank.net/?cbitems=KETO-FE&vtid=v1")
	if f.status != 200 || !strings.Contains(f.body, "Referred by affiliate aff01") {
		t.Fatalf("pay host order form %d:\n%s", f.status, f.body)
	}
	up := b.submit(f, "order-form", map[string]string{"name": "A", "email": "a@example.com", "card_number": "4242424242424242",
		"expiry": "12/30", "cvv": "123", "country": "US", "state": "CA", "zip": "90210"})
	if up.url.Host != "ven01.pay.clickbank.net" || up.url.Path != "/vendor/ven01/upsell/1" {
		t.Fatalf("purchase on the pay host led to %s (%d):\n%s", up.url, up.status, up.body)
	}
	aff := w.rc.of("/aff")
	if len(aff) != 2 || aff[1].Get("tid") != "cb_1" || aff[1].Get("browser") != "Firefox" || aff[1].Get("device") != "desktop" {
		t.Errorf("affiliate postbacks %v, want impression and purchase with tid cb_1 from Firefox on a desktop", aff)
	}
	if nf := b.get("http://www.clickbank.net/"); nf.status != http.StatusNotFound {
		t.Errorf("another clickbank.net name: %d, want 404", nf.status)
	}
}

// TestLegacyHostBrowserFiles: a browser's own requests on a legacy hop
// host (its favicon) record no hop; a second click of the same hoplink
// replaces the hop without a note, one of another affiliate with one.
func TestLegacyHostBrowserFiles(t *testing.T) {
	w := newWorld(t, Options{})
	req, err := http.NewRequest(http.MethodGet, w.srv.URL+"/favicon.ico", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = "aff01.ven01.hop.localhost"
	res, err := noFollow().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound || len(res.Cookies()) != 0 {
		t.Errorf("favicon on a hop host: %d with cookies %v, want 404 and no hop", res.StatusCode, res.Cookies())
	}
	b := w.buyer(t, "")
	for range 2 {
		b.get(w.srv.URL + "/hop?affiliate=aff01&vendor=ven01&tid=same")
	}
	if kinds := noteKinds(w.sim); len(kinds) != 0 {
		t.Errorf("the same hoplink twice: notes %v, want none", kinds)
	}
}
