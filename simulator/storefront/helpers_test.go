package storefront

import (
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cbsim/cbsim/simulator"
)

// receiver is a loopback tracker that records every postback's path and
// query.
type receiver struct {
	srv *httptest.Server
	mu  sync.Mutex
	got []postback
}

type postback struct {
	path string
	q    url.Values
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rc.mu.Lock()
		rc.got = append(rc.got, postback{r.URL.Path, r.URL.Query()})
		rc.mu.Unlock()
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

// of returns the postbacks received on path, in order.
func (rc *receiver) of(path string) []url.Values {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	var out []url.Values
	for _, p := range rc.got {
		if p.path == path {
			out = append(out, p.q)
		}
	}
	return out
}

// macros is every macro a test asserts, as a postback query.
const macros = "type={event_type}&tid={tid}&vtid={vtid}&aff={affiliate_earnings}&ven={vendor_earnings}&receipt={receipt_id}" +
	"&order={order_id}&event={event_id}&device={device_type}&browser={browser}&country={country}&zip={postal_code}" +
	"&state={state}&aff_sub1={aff_sub1}&affiliate={affiliate}&item={item}"

// world is a store over the default catalog, with an affiliate
// integration of aff01 (path /aff) and a vendor integration of ven01
// (path /ven) pointed at a receiver, on a fixed movable clock.
type world struct {
	sim    *simulator.Simulator
	store  *Store
	srv    *httptest.Server
	rc     *receiver
	clock  *simulator.Clock
	shared bool // buyers walk at once: counts of postbacks are not one buyer's
}

var epoch = time.Date(2026, 2, 1, 9, 0, 0, 0, time.UTC)

func newWorld(t *testing.T, opts Options) *world {
	t.Helper()
	c, _, err := simulator.LoadDefaults()
	if err != nil {
		t.Fatal(err)
	}
	rc := newReceiver(t)
	all := []simulator.EventType{simulator.OrderFormImpression, simulator.InitialPurchase, simulator.UpsellPurchase}
	ins := []simulator.Integration{
		{Name: "aff", Role: simulator.RoleAffiliate, Account: "aff01", Active: true, Events: all, URL: rc.srv.URL + "/aff?" + macros},
		{Name: "ven", Role: simulator.RoleVendor, Account: "ven01", Active: true, Events: all, URL: rc.srv.URL + "/ven?" + macros},
	}
	sim := simulator.New(c, ins)
	sim.Clock = &simulator.Clock{Base: func() time.Time { return epoch }}
	st := New(sim, opts)
	srv := httptest.NewServer(st)
	t.Cleanup(srv.Close)
	return &world{sim: sim, store: st, srv: srv, rc: rc, clock: sim.Clock}
}

// buyer is a browser: a cookie jar and a User-Agent.
type buyer struct {
	t  *testing.T
	c  *http.Client
	ua string
}

func (w *world) buyer(t *testing.T, ua string) *buyer {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &buyer{t: t, c: &http.Client{Jar: jar, Timeout: 10 * time.Second}, ua: ua}
}

// resp is one response read whole.
type resp struct {
	status int
	url    *url.URL // after redirects
	body   string
	header http.Header
}

func (b *buyer) do(req *http.Request) resp {
	b.t.Helper()
	if b.ua != "" {
		req.Header.Set("User-Agent", b.ua)
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return resp{status: res.StatusCode, url: res.Request.URL, body: string(body), header: res.Header}
}

func (b *buyer) get(u string) resp {
	b.t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

// submit posts the form of id on p (its action resolved against p's URL)
// with its fields, changed by set.
func (b *buyer) submit(p resp, id string, set map[string]string) resp {
	b.t.Helper()
	action, fields := form(b.t, p.body, id)
	for k, v := range set {
		fields.Set(k, v)
	}
	u, err := p.url.Parse(action)
	if err != nil {
		b.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, u.String(), strings.NewReader(fields.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var (
	formRE  = regexp.MustCompile(`(?s)<form id="([^"]+)" method="post" action="([^"]*)">(.*?)</form>`)
	inputRE = regexp.MustCompile(`<input[^>]*\bname="([^"]+)"[^>]*>`)
	valueRE = regexp.MustCompile(`\bvalue="([^"]*)"`)
	linkRE  = regexp.MustCompile(`<a id="([^"]+)" href="([^"]*)"`)
	attrRE  = regexp.MustCompile(`id="error"[^>]*data-status="(\d+)" data-param="([^"]*)"`)
)

// form returns the action of the form of id and its fields' values.
func form(t testing.TB, body, id string) (string, url.Values) {
	t.Helper()
	for _, m := range formRE.FindAllStringSubmatch(body, -1) {
		if m[1] != id {
			continue
		}
		fields := url.Values{}
		for _, in := range inputRE.FindAllStringSubmatch(m[3], -1) {
			v := ""
			if vm := valueRE.FindStringSubmatch(in[0]); vm != nil {
				v = html.UnescapeString(vm[1])
			}
			fields.Set(in[1], v)
		}
		return html.UnescapeString(m[2]), fields
	}
	t.Fatalf("no form id=%q in:\n%s", id, body)
	return "", nil
}

// link returns the href of the link of id.
func link(t testing.TB, body, id string) string {
	t.Helper()
	for _, m := range linkRE.FindAllStringSubmatch(body, -1) {
		if m[1] == id {
			return html.UnescapeString(m[2])
		}
	}
	t.Fatalf("no link id=%q in:\n%s", id, body)
	return ""
}

// errorOf returns the status and parameter an error element names, "" if
// none.
func errorOf(body string) (status, param string) {
	if m := attrRE.FindStringSubmatch(body); m != nil {
		return m[1], html.UnescapeString(m[2])
	}
	return "", ""
}

// noteKinds returns the kinds of the journal's notes.
func noteKinds(sim *simulator.Simulator) []simulator.NoteKind {
	var out []simulator.NoteKind
	for _, n := range sim.Journal.Notes() {
		out = append(out, n.Kind)
	}
	return out
}
