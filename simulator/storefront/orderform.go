package storefront

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/cbsim/cbsim/simulator"
	"github.com/cbsim/cbsim/simulator/ids"
	"github.com/cbsim/cbsim/simulator/money"
	"github.com/cbsim/cbsim/simulator/useragent"
)

// order is one order form's order, from the impression to the last
// upsell answer. Its token (cbsess) names it in the forms and pages.
type order struct {
	mu        sync.Mutex // guards the fields below: one buyer's requests run one at a time
	token     string
	vendor    string
	item      string // the front product
	k         *simulator.Checkout
	hopID     string // the hop that referred it; "" = a direct sale
	affiliate string
	vars      url.Values // vendor variables of the pay link
	form      formValues // what the form shows: the prefill, then what the buyer typed
	purchases []simulator.Event
	test      bool
}

// formValues are the order form's fields a buyer types (never the card's).
type formValues struct {
	Name, Email, Country, State, Zip, Expiry string
}

// payParams are the pay link's parameters ClickBank reads: the item, the
// vendor's tracking id, the order form and skin, the upsell answer, and
// the prefill of the form; every other one is a vendor variable passed
// along (docs/clickbank.md §3; "Query String Parameters",
// https://support.clickbank.com/hc/en-us/articles/220364307 [doc]; the
// prefill names name, email, country, zipcode are [likely]). tid and
// cbsess are read too: a tid to ignore, cbsess the store's order token
// (its name is cbsim's [choice]).
var payParams = map[string]bool{"cbitems": true, "vtid": true, "cbfid": true, "cbskin": true, "cbur": true,
	"name": true, "email": true, "country": true, "zipcode": true, "tid": true, "cbsess": true}

// servePay serves the pay link: GET shows the order form (Order Form
// Impression), POST buys (Initial Purchase) or, with cbur, answers an
// upsell offer. hostItem is the item of a legacy ITEM.VEN.pay host.
func (s *Store) servePay(w http.ResponseWriter, r *http.Request, ven, hostItem string) {
	switch r.Method {
	case http.MethodGet: // not HEAD: viewing the form is an impression [choice]
		s.orderForm(w, r, ven, hostItem)
	case http.MethodPost:
		r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
		if err := r.ParseForm(); err != nil {
			s.writeError(w, r, fail(http.StatusBadRequest, "", "the form could not be read: %v", err))
			return
		}
		if r.Form.Get("cbur") != "" {
			s.answer(w, r, ven)
			return
		}
		s.purchase(w, r, ven)
	default:
		w.Header().Set("Allow", "GET, POST")
		s.writeError(w, r, fail(http.StatusMethodNotAllowed, "", "method %s not allowed on the order form (allowed: GET to view it, POST to buy)", r.Method))
	}
}

// orderForm shows the order form of the pay link's item: it reads the
// hop cookie to attribute the order, starts the order, fires its Order
// Form Impression and renders the form.
func (s *Store) orderForm(w http.ResponseWriter, r *http.Request, ven, hostItem string) {
	v, err := s.vendorOf(ven)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ven = v.Nickname
	q := r.URL.Query()
	if q.Get("cbur") != "" {
		w.Header().Set("Allow", "POST")
		s.writeError(w, r, fail(http.StatusMethodNotAllowed, "cbur", "an upsell answer (cbur) is a POST from the upsell page's accept or decline form"))
		return
	}
	p, err := s.payItem(ven, first(q, "cbitems"), hostItem)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	vtid := q.Get("vtid")
	if err := ids.ValidateVTID(vtid); err != nil {
		s.writeError(w, r, fail(http.StatusBadRequest, "vtid", "%v", err))
		return
	}
	for _, name := range []string{"cbfid", "cbskin"} {
		if err := checkDigits(q.Get(name), 12); err != nil {
			s.writeError(w, r, fail(http.StatusBadRequest, name, "%s %v", name, err))
			return
		}
	}
	pre := formValues{Name: q.Get("name"), Email: q.Get("email")}
	if len(pre.Name) > 100 {
		s.writeError(w, r, fail(http.StatusBadRequest, "name", "name is %d characters, at most 100 are allowed", len(pre.Name)))
		return
	}
	if len(pre.Email) > 254 {
		s.writeError(w, r, fail(http.StatusBadRequest, "email", "email is %d characters, at most 254 are allowed", len(pre.Email)))
		return
	}
	buyer := simulator.Buyer{}
	if c := q.Get("country"); c != "" {
		if buyer.Country, err = checkCountry(c); err != nil {
			s.writeError(w, r, fail(http.StatusBadRequest, "country", "%v", err))
			return
		}
	}
	if z := q.Get("zipcode"); z != "" {
		if err := checkZip(z); err != nil {
			s.writeError(w, r, fail(http.StatusBadRequest, "zipcode", "%v", err))
			return
		}
		buyer.PostalCode = z
	}
	buyer.Device, buyer.Browser = useragent.Parse(r.UserAgent())

	now := s.now()
	j := simulator.Journey{TIDRule: s.rule, VTID: vtid, Buyer: buyer}
	h, notes := s.attribute(r, ven, now)
	if h != nil {
		j.Affiliate, j.TID, j.Tracking = h.Affiliate, h.TID, h.Tracking
	}
	if tid := q.Get("tid"); tid != "" {
		text := "tid on the pay link ignored: ClickBank takes an affiliate's TID only from a hoplink, and this order has no hop"
		if h != nil {
			text = fmt.Sprintf("tid on the pay link ignored: the affiliate's TID comes from the hoplink of hop %s", h.ID)
		}
		notes = append(notes, simulator.Note{Kind: simulator.TIDIgnored, Text: text})
	}
	seed := s.nextSeed()
	k, err := s.sim.Catalog.NewItemCheckout(p.Item, j, simulator.NewRand(seed))
	if err != nil {
		s.writeError(w, r, fromSim(err))
		return
	}
	o := &order{token: ids.UUID(simulator.NewRand(^seed)), vendor: ven, item: p.Item, k: k, vars: url.Values{}}
	if h != nil {
		o.hopID, o.affiliate = h.ID, h.Affiliate
	}
	for name, vs := range q {
		if !payParams[name] {
			o.vars[name] = vs
		}
	}
	b := k.Buyer()
	pre.Country, pre.State, pre.Zip = b.Country, b.State, b.PostalCode
	o.form = pre
	s.journal(append(notes, k.Notes()...)...)
	o.mu.Lock() // the order is known from here on: its next request waits for this one
	defer o.mu.Unlock()
	s.mu.Lock()
	s.orders.put(o.token, o)
	s.mu.Unlock()
	s.log.Info("storefront order form", "order", o.token, "vendor", ven, "item", p.Item, "affiliate", o.affiliate, "seed", seed)
	s.deliver(r, k.Impression(now))
	s.renderForm(w, r, o, http.StatusOK, nil)
}

// attribute finds the hop that refers an order to ven at now: the one the
// hop cookie names, unless the store forgot it or it is older than the
// window (a direct sale, with a note saying why).
func (s *Store) attribute(r *http.Request, ven string, now time.Time) (*hop, []simulator.Note) {
	id := hopCookie(r, ven)
	if id == "" {
		return nil, nil
	}
	s.mu.Lock()
	h, ok := s.hops.get(id)
	s.mu.Unlock()
	switch {
	case !ok:
		return nil, []simulator.Note{{Kind: simulator.HopExpired, Text: fmt.Sprintf("hop cookie names hop %q, which the store does not keep (it keeps the latest %d hops): a sale without an affiliate", id, s.hops.cap)}}
	case h.Vendor != ven:
		return nil, nil
	case s.expired(h, now):
		return nil, []simulator.Note{{Kind: simulator.HopExpired, Text: fmt.Sprintf("hop %s of affiliate %s at %s is %s old, past the referral window of %s: a sale without an affiliate",
			h.ID, h.Affiliate, h.At.UTC().Format(time.RFC3339), now.Sub(h.At).Round(time.Second), s.window)}}
	}
	return h, nil
}

// payItem returns the product a pay link sells: cbitems (or the legacy
// host's item), one item number of the vendor's.
func (s *Store) payItem(ven, item, hostItem string) (simulator.Product, error) {
	c := s.sim.Catalog
	var own []string
	for _, k := range slices.Sorted(maps.Keys(c.Products)) {
		if c.Products[k].Vendor == ven {
			own = append(own, k)
		}
	}
	if item == "" {
		item = hostItem
	}
	if item == "" {
		return simulator.Product{}, fail(http.StatusBadRequest, "cbitems", "the pay link names no item: /pay/%s?cbitems=ITEM (items of %s: %s)", ven, ven, strings.Join(own, ", "))
	}
	if strings.ContainsAny(item, ", ") {
		return simulator.Product{}, fail(http.StatusBadRequest, "cbitems", "cbitems %q names several items; the simulator sells one per order form (items of %s: %s)", item, ven, strings.Join(own, ", "))
	}
	for _, k := range own {
		if strings.EqualFold(k, item) {
			return c.Products[k], nil
		}
	}
	if p, ok := findItem(c, item); ok {
		return simulator.Product{}, fail(http.StatusNotFound, "cbitems", "item %s is sold by vendor %s, not %s (items of %s: %s)", p.Item, p.Vendor, ven, ven, strings.Join(own, ", "))
	}
	return simulator.Product{}, fail(http.StatusNotFound, "cbitems", "unknown item %q (items of %s: %s)", item, ven, strings.Join(own, ", "))
}

func findItem(c *simulator.Catalog, item string) (simulator.Product, bool) {
	for k, p := range c.Products {
		if strings.EqualFold(k, item) {
			return p, true
		}
	}
	return simulator.Product{}, false
}

// purchase takes the order form's POST: the buyer's details and card. A
// valid one is the Initial Purchase (the test card makes a test order),
// then a 303 to the first upsell offer or the thank-you page; a bad one
// shows the form again with the error, 400.
func (s *Store) purchase(w http.ResponseWriter, r *http.Request, ven string) {
	o, err := s.orderOf(r.PostForm.Get("cbsess"), ven)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if item := r.PostForm.Get("cbitems"); item != "" && !strings.EqualFold(item, o.item) {
		s.writeError(w, r, fail(http.StatusBadRequest, "cbitems", "order %s is of item %s, the form sent cbitems %q", o.token, o.item, item))
		return
	}
	if o.k.Purchased() {
		s.redirect(w, r, o.nextURL()) // the form sent twice: go on where the order is
		return
	}
	f := r.PostForm
	o.form = formValues{Name: strings.TrimSpace(f.Get("name")), Email: strings.TrimSpace(f.Get("email")), Country: strings.TrimSpace(f.Get("country")),
		State: strings.TrimSpace(f.Get("state")), Zip: strings.TrimSpace(f.Get("zip")), Expiry: strings.TrimSpace(f.Get("expiry"))}
	now := s.now()
	test, perr := s.checkForm(o, f, now)
	if perr != nil {
		s.renderForm(w, r, o, http.StatusBadRequest, perr)
		return
	}
	ev, err := o.k.Purchase(now, simulator.Buyer{Country: o.form.Country, State: o.form.State, PostalCode: o.form.Zip}, test)
	if err != nil {
		s.writeError(w, r, fromSim(err))
		return
	}
	o.test = test
	o.purchases = append(o.purchases, ev)
	s.log.Info("storefront purchase", "order", o.token, "receipt", ev.Receipt, "test_card", test)
	s.deliver(r, ev)
	s.redirect(w, r, o.nextURL())
}

// checkForm checks the order form's fields, the first bad one as a
// *pageError naming it; it upper-cases the country.
func (s *Store) checkForm(o *order, f url.Values, now time.Time) (bool, *pageError) {
	bad := func(param string, err error) *pageError { return fail(http.StatusBadRequest, param, "%v", err) }
	switch {
	case o.form.Name == "":
		return false, bad("name", errors.New("the name is empty"))
	case len(o.form.Name) > 100:
		return false, bad("name", fmt.Errorf("the name is %d characters, at most 100 are allowed", len(o.form.Name)))
	}
	if at := strings.LastIndexByte(o.form.Email, '@'); at < 1 || !strings.Contains(o.form.Email[at:], ".") || len(o.form.Email) > 254 || strings.ContainsAny(o.form.Email, " <>") {
		return false, bad("email", fmt.Errorf("email %q is not an email address (name@example.com)", o.form.Email))
	}
	test, err := s.checkCard(f.Get("card_number"))
	if err != nil {
		return false, bad("card_number", err)
	}
	if err := checkExpiry(o.form.Expiry, now); err != nil {
		return false, bad("expiry", err)
	}
	if err := checkCVV(strings.TrimSpace(f.Get("cvv"))); err != nil {
		return false, bad("cvv", err)
	}
	country, err := checkCountry(o.form.Country)
	if err != nil {
		return false, bad("country", err)
	}
	o.form.Country = country
	if len(o.form.State) > 40 || strings.ContainsAny(o.form.State, "<>&\"") {
		return false, bad("state", fmt.Errorf("state %q must be at most 40 letters, digits, spaces, . or -", o.form.State))
	}
	if err := checkZip(o.form.Zip); err != nil {
		return false, bad("zip", err)
	}
	return test, nil
}

// checkCountry checks an ISO 3166 alpha-2 code and returns it upper-cased.
func checkCountry(c string) (string, error) {
	u := strings.ToUpper(strings.TrimSpace(c))
	if len(u) != 2 || u[0] < 'A' || u[0] > 'Z' || u[1] < 'A' || u[1] > 'Z' {
		return "", fmt.Errorf("country %q must be a two-letter ISO 3166 code such as US", c)
	}
	return u, nil
}

// checkZip checks a postal code: 1 to 10 letters, digits, spaces or -.
func checkZip(z string) error {
	if z == "" || len(z) > 10 {
		return fmt.Errorf("postal code %q must be 1 to 10 letters, digits, spaces or -", z)
	}
	for i := 0; i < len(z); i++ {
		if c := z[i]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == ' ' || c == '-') {
			return fmt.Errorf("postal code %q has %q, only letters, digits, spaces and - are allowed", z, c)
		}
	}
	return nil
}

// checkDigits checks an optional number of at most max digits.
func checkDigits(v string, max int) error {
	if len(v) > max {
		return fmt.Errorf("is %d characters, at most %d digits are allowed", len(v), max)
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return fmt.Errorf("%q must be digits", v)
		}
	}
	return nil
}

// orderOf returns the order token names, of vendor ven.
func (s *Store) orderOf(token, ven string) (*order, error) {
	if token == "" {
		return nil, fail(http.StatusBadRequest, "cbsess", "no order: the order form and upsell pages carry cbsess, the order's token")
	}
	s.mu.Lock()
	o, ok := s.orders.get(token)
	s.mu.Unlock()
	if !ok {
		return nil, fail(http.StatusNotFound, "cbsess", "unknown order %q: the store keeps the latest %d orders; open the pay link again", token, s.orders.cap)
	}
	if !strings.EqualFold(o.vendor, ven) {
		return nil, fail(http.StatusBadRequest, "cbsess", "order %q is vendor %s's, not %s's", token, o.vendor, ven)
	}
	return o, nil
}

// nextURL is where a buyer goes on with o: its next upsell offer, or the
// thank-you page. The caller holds o.mu.
func (o *order) nextURL() string {
	q := "?cbsess=" + url.QueryEscape(o.token)
	if _, i, ok := o.k.Offer(); ok {
		return fmt.Sprintf("/vendor/%s/%s/%d%s", url.PathEscape(o.vendor), upsellPath, i+1, q)
	}
	if !o.k.Purchased() {
		return "/pay/" + url.PathEscape(o.vendor) + "?cbitems=" + url.QueryEscape(o.item)
	}
	return "/vendor/" + url.PathEscape(o.vendor) + "/" + thanksPath + q
}

// deliver sends an event's postbacks and INS through the simulator. A
// buyer who closes the page does not stop ClickBank's notifications, so
// the request's cancellation does not reach them.
func (s *Store) deliver(r *http.Request, ev simulator.Event) {
	out := s.sim.DeliverAll(context.WithoutCancel(r.Context()), []simulator.Event{ev})
	s.log.Info("storefront event", "type", ev.Type, "event", ev.ID, "receipt", ev.Receipt, "postbacks", len(out.Deliveries), "ins", len(out.INS))
}

// redirect sends the buyer on with 303 See Other (a GET of loc).
func (s *Store) redirect(w http.ResponseWriter, r *http.Request, loc string) {
	http.Redirect(w, r, loc, http.StatusSeeOther)
}

// fromSim turns a simulator error into a page error: a *ParamError names
// its parameter (400), a *NotFoundError is a 404, anything else a 500.
func fromSim(err error) *pageError {
	if pe, ok := errors.AsType[*simulator.ParamError](err); ok {
		return fail(http.StatusBadRequest, pe.Param, "%v", pe.Err)
	}
	if nf, ok := errors.AsType[*simulator.NotFoundError](err); ok {
		return fail(http.StatusNotFound, nf.Kind, "%v", nf)
	}
	return fail(http.StatusInternalServerError, "", "%v", err)
}

// formData is what the order form shows.
type formData struct {
	page
	Action     string
	Token      string
	Item       string
	Product    string
	Price      string
	Affiliate  string
	HopID      string
	TestCard   string
	Form       formValues
	Error      string
	ErrorParam string
}

// renderForm renders o's order form with status, and err if any.
func (s *Store) renderForm(w http.ResponseWriter, r *http.Request, o *order, status int, perr *pageError) {
	p := s.sim.Catalog.Products[o.item]
	v := s.sim.Catalog.Vendors[o.vendor]
	d := formData{page: page{Title: "Order " + p.Title, Site: "ClickBank order form for " + v.Name}, Action: r.URL.RequestURI(), Token: o.token,
		Item: o.item, Product: p.Title, Price: price(p.Price, p.Currency), Affiliate: o.affiliate, HopID: o.hopID, TestCard: s.testCard, Form: o.form}
	if perr != nil {
		d.Error, d.ErrorParam = perr.msg, perr.param
	}
	s.render(w, r, status, "orderform", d)
}

// price prints an amount with its currency.
func price(c money.Cents, currency string) string { return c.String() + " " + currency }
